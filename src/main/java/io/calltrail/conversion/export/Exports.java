package io.calltrail.conversion.export;

import io.calltrail.account.Actor;
import io.calltrail.app.Json;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.property.Property;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs exports: each conversion goes once to each destination (again only as a restatement), consent hold-backs are
 * recorded and counted, and a run whose file was never delivered is delivered again with the next one. Every run is
 * in the audit log ({@code export.run}), written with the run itself.
 */
public final class Exports {
    /** Queues what an HTTP destination is sent, in the transaction that marks the conversions as sent. */
    public interface HttpSender {
        /** Whether the property has set the destination up (endpoint, account, credential). */
        boolean configured(Handle handle, Property property, Destination destination);

        void send(Handle handle, Property property, Destination destination, List<ExportRow> rows);
    }

    /** The destination is not set up: nothing was marked. */
    public static final class NotConfigured extends RuntimeException {
        public NotConfigured(Destination destination) {
            super(destination + " is not set up for this property");
        }
    }

    /** Receives an export file; must return only once the file is safely where it goes. */
    public interface FileSink {
        void accept(List<Long> runIds, String csv) throws java.io.IOException;
    }

    /** What a run did. */
    public record Report(Destination destination, long runId, List<Long> runsDelivered, int sent, int redelivered,
                         Map<String, Integer> heldBack, Map<String, Integer> notApplicable, Map<String, Integer> waiting) {
    }

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final HttpSender sender;
    private final ExportStore store = new ExportStore();
    private final AuditLog audit;

    public Exports(Jdbi jdbi, CallerCrypto crypto, Clock clock, HttpSender sender, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.crypto = crypto;
        this.clock = clock;
        this.sender = sender;
    }

    /**
     * Exports what is due at a file destination: marks it in one transaction, hands the file to {@code sink}, then
     * records the delivery. A crash between the two leaves the run undelivered; the next export delivers it again.
     */
    public Report exportFile(Actor actor, Property property, Destination destination, Instant since, FileSink sink)
            throws java.io.IOException {
        if (!destination.file()) {
            throw new IllegalArgumentException(destination + " is not a file destination");
        }
        Prepared prepared = jdbi.inTransaction(handle -> prepare(handle, actor, property, destination, since));
        String csv = CsvFiles.render(destination, ZoneId.of(property.timeZone()), prepared.rows(), opener());
        sink.accept(prepared.runs(), csv);
        jdbi.useTransaction(handle -> store.delivered(handle, prepared.runs(), clock.instant()));
        return prepared.report();
    }

    /** What a file export would hold now, changing nothing but the audit log ({@code export.preview}). */
    public String preview(Actor actor, Property property, Destination destination, Instant since) {
        String csv = jdbi.withHandle(handle -> {
            handle.begin();
            try {
                Prepared prepared = prepare(handle, null, property, destination, since);
                return CsvFiles.render(destination, ZoneId.of(property.timeZone()), prepared.rows(), opener());
            } finally {
                handle.rollback();
            }
        });
        // a preview holds what the export would send (callers' numbers included), so who looked is recorded
        jdbi.useTransaction(handle -> audit.record(handle, actor, "export.preview", "property", Long.toString(property.id()),
                Map.of("destination", destination.toString(), "property_id", property.id())));
        return csv;
    }

    /** Queues what is due at an HTTP destination; the outbox sends it, retrying until the destination takes it. */
    public Report exportHttp(Actor actor, Property property, Destination destination, Instant since) {
        if (destination.file()) {
            throw new IllegalArgumentException(destination + " is a file destination");
        }
        return jdbi.inTransaction(handle -> {
            if (!sender.configured(handle, property, destination)) {
                throw new NotConfigured(destination);
            }
            Prepared prepared = prepare(handle, actor, property, destination, since);
            if (!prepared.rows().isEmpty()) {
                sender.send(handle, property, destination, prepared.rows());
            }
            store.delivered(handle, prepared.runs(), clock.instant());
            return prepared.report();
        });
    }

    /** The runs to deliver (earlier undelivered ones and the new one), every row they took, and the report. */
    private record Prepared(List<Long> runs, List<ExportRow> rows, Report report) {
    }

    /** Marks what is due in a new run; with an actor (not for a preview), records the run in the audit log. */
    private Prepared prepare(Handle handle, Actor actor, Property property, Destination destination, Instant since) {
        Instant from = since == null ? Instant.EPOCH : since;
        List<Long> undelivered = store.undeliveredRuns(handle, property.id(), destination);
        List<ExportRow> due = destination.kind() == Destination.Kind.RESTATEMENTS
                ? store.dueRestatements(handle, property.accountId(), property.id(), from)
                : store.dueNew(handle, property.accountId(), property.id(), destination, from);
        Map<String, Integer> held = new TreeMap<>();
        Map<String, Integer> notApplicable = new TreeMap<>();
        Map<String, Integer> waiting = new TreeMap<>();
        List<ExportRow> sending = new ArrayList<>();
        List<ExportRow> marking = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (ExportRow row : due) {
            HoldBacks.Verdict verdict = HoldBacks.verdict(destination, row, property.consentMode());
            if (verdict instanceof HoldBacks.Waiting waitingFor) {
                waiting.merge(waitingFor.reason(), 1, Integer::sum);
                continue; // not marked: it goes once the set-up is done
            }
            marking.add(row);
            if (verdict instanceof HoldBacks.Held heldBack) {
                held.merge(heldBack.reason(), 1, Integer::sum);
                reasons.add(heldBack.reason());
            } else if (verdict instanceof HoldBacks.NotApplicable skipped) {
                notApplicable.merge(skipped.reason(), 1, Integer::sum);
                reasons.add("not_applicable:" + skipped.reason());
            } else {
                sending.add(row);
                reasons.add(null);
            }
        }
        long runId = store.insertRun(handle, property.accountId(), property.id(), destination, since, sending.size(),
                Json.write(held), clock.instant());
        for (int i = 0; i < marking.size(); i++) {
            store.mark(handle, runId, marking.get(i).conversionId(), destination, marking.get(i).valueVersion(), reasons.get(i));
        }
        List<Long> runs = new ArrayList<>(undelivered);
        runs.add(runId);
        List<ExportRow> rows = store.sentBy(handle, runs);
        int redelivered = rows.size() - sending.size();
        Report report = new Report(destination, runId, runs, sending.size(), redelivered, held, notApplicable, waiting);
        if (actor != null) {
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("destination", destination.toString());
            details.put("property_id", property.id());
            details.put("run_id", runId);
            details.put("since", since);
            details.put("sent", report.sent());
            details.put("redelivered", redelivered);
            details.put("runs_delivered", runs);
            details.put("held_back", held);
            details.put("held_back_total", held.values().stream().mapToInt(Integer::intValue).sum());
            details.put("not_applicable", notApplicable);
            audit.record(handle, actor, "export.run", "export_run", Long.toString(runId), details);
        }
        return new Prepared(runs, rows, report);
    }

    private Function<ExportRow, PhoneNumber> opener() {
        return row -> crypto.decrypt(row.accountId(), row.callerSealed());
    }
}
