package io.calltrail.telephony;

import io.calltrail.phone.PhoneNumber;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.privacy.ErasureLog;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Imports a PBX or provider call log (Asterisk Master.csv, FreeSWITCH mod_cdr_csv, or any CSV with a
 * column mapping). Calls to tracking numbers are attributed like webhook calls; calls to the
 * property's own numbers are stored as {@code none}: the calls that bypassed tracking. Re-importing a
 * file adds nothing twice; a malformed line is reported with its number and never half-written.
 */
public final class CallLogImport {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public enum Format { ASTERISK, FREESWITCH, CSV }

    public record Problem(int line, String reason) {
    }

    public record Result(int imported, int duplicates, int skipped, List<Problem> problems, boolean rolledBack) {
    }

    /** One call as read from a line, before it is matched to the property's numbers. */
    private record Row(String id, String caller, String dialled, Instant start, Instant answer, Instant end,
                       Integer talkSeconds, String status) {
    }

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private final CallStore recorder;

    public CallLogImport(Jdbi jdbi, CallerCrypto crypto, io.calltrail.pool.Leases leases, RoutingTable routes,
                         java.util.function.ObjLongConsumer<org.jdbi.v3.core.Handle> onCompleted) {
        this.jdbi = jdbi;
        this.crypto = crypto;
        this.recorder = new CallStore(leases, routes, onCompleted);
    }

    /** {@code columns} maps caller, dialled, start, answer, end, talk_seconds, status, id to CSV headers (CSV format only). */
    public Result run(Property property, Format format, Reader input, Map<String, String> columns, boolean allOrNothing) {
        return run(property, format, input, columns, allOrNothing, (handle, result) -> { });
    }

    /**
     * The same; {@code inTransaction} is called last in the transaction that stores the calls, with what it stored (the
     * audit entry of the import goes there, so it exists exactly when the calls do).
     */
    public Result run(Property property, Format format, Reader input, Map<String, String> columns, boolean allOrNothing,
                      java.util.function.BiConsumer<org.jdbi.v3.core.Handle, Result> inTransaction) {
        ZoneId zone = ZoneId.of(property.timeZone());
        List<Problem> problems = new ArrayList<>();
        List<Map.Entry<Integer, Row>> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(input)) {
            Map<String, Integer> header = null;
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    List<String> cells = cells(line);
                    if (format == Format.CSV && header == null) {
                        header = new HashMap<>();
                        for (int i = 0; i < cells.size(); i++) {
                            header.put(cells.get(i).strip().toLowerCase(Locale.ROOT), i);
                        }
                        continue;
                    }
                    Row row = switch (format) {
                        case ASTERISK -> asterisk(cells, zone, line);
                        case FREESWITCH -> freeswitch(cells, zone, line);
                        case CSV -> csv(cells, header, columns, zone, line);
                    };
                    rows.add(Map.entry(number, row));
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    problems.add(new Problem(number, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (allOrNothing && !problems.isEmpty()) {
            return new Result(0, 0, problems.size(), problems, true);
        }
        int[] counts = new int[2];
        jdbi.useTransaction(handle -> {
            Map<String, TrackingNumber> tracking = new HashMap<>();
            new PoolStore().numbers(handle, property.accountId(), property.id(), null).forEach(n -> tracking.put(n.e164(), n));
            Map<String, TargetNumber> targets = new HashMap<>();
            new PropertyStore(jdbi).targets(handle, property.accountId(), property.id()).forEach(t -> targets.put(t.e164(), t));
            for (Map.Entry<Integer, Row> entry : rows) {
                Row row = entry.getValue();
                String dialled = PhoneNumber.parse(row.dialled(), property.country()).map(PhoneNumber::e164).orElse(null);
                TrackingNumber viaTracking = dialled == null ? null : tracking.get(dialled);
                TargetNumber viaMain = dialled == null ? null : targets.get(dialled);
                if (viaTracking == null && viaMain == null) {
                    problems.add(new Problem(entry.getKey(), "dialled number is neither a tracking number nor a number of this property"));
                    continue;
                }
                var parsedCaller = PhoneNumber.parse(row.caller(), property.country());
                // an erased caller comes back as nobody: the call counts, the number is not stored again
                var caller = parsedCaller.filter(number -> !ErasureLog.erased(handle, crypto.hash(number)));
                String provider = format.name().toLowerCase(Locale.ROOT);
                CallRecorder.Start start = new CallRecorder.Start(provider, row.id(), property.accountId(), property.id(),
                        viaTracking == null ? null : viaTracking.id(), dialled, viaTracking == null ? null : viaTracking.forwardTo(),
                        caller.map(c -> crypto.encrypt(property.accountId(), c)).orElse(null), caller.map(crypto::hash).orElse(null),
                        caller.map(CallerCrypto::mask).orElse(parsedCaller.isPresent() ? null : "withheld"), null, null, null, row.start().toEpochMilli());
                Attribution attribution = viaTracking != null
                        ? recorder.attribute(handle, property.accountId(), viaTracking.id(), row.start())
                        : Attribution.none("call to the main number (" + viaMain.label() + "): it did not pass a tracking number");
                if (!recorder.insertCall(handle, start, attribution)) {
                    counts[1]++;
                    continue;
                }
                Instant ended = row.end() != null ? row.end() : row.start();
                recorder.firstSeen(handle, provider, row.id(), property.accountId(), "imported", row.status(), ended);
                handle.createUpdate("""
                                UPDATE phone_call SET status = :status, status_rank = 3, answered_at = :answered, ended_at = :ended,
                                       talk_seconds = :talk, ring_seconds = :ring
                                 WHERE provider = :provider AND provider_call_id = :sid""")
                        .bind("status", row.status()).bind("answered", row.answer()).bind("ended", ended)
                        .bind("talk", row.talkSeconds() == null ? 0 : row.talkSeconds())
                        .bind("ring", (int) java.time.Duration.between(row.start(), row.answer() != null ? row.answer() : ended).toSeconds())
                        .bind("provider", provider).bind("sid", row.id())
                        .execute();
                recorder.completed(handle, provider, row.id());
                counts[0]++;
            }
            inTransaction.accept(handle, new Result(counts[0], counts[1], problems.size(), List.copyOf(problems), false));
        });
        problems.sort(java.util.Comparator.comparingInt(Problem::line));
        return new Result(counts[0], counts[1], problems.size(), problems, false);
    }

    private Row asterisk(List<String> cells, ZoneId zone, String line) {
        need(cells, 15, "an Asterisk Master.csv line has at least 16 fields (accountcode ... amaflags)");
        String disposition = cells.get(14).strip().toUpperCase(Locale.ROOT);
        String status = switch (disposition) {
            case "ANSWERED" -> "completed";
            case "NO ANSWER" -> "no-answer";
            case "BUSY" -> "busy";
            case "FAILED", "CONGESTION" -> "failed";
            default -> throw new IllegalArgumentException("unknown disposition '" + cells.get(14) + "'");
        };
        String id = cells.size() > 16 && !cells.get(16).isBlank() ? cells.get(16).strip() : crypto.keyedId(line);
        return new Row(id, cells.get(1), cells.get(2), time(cells.get(9), zone, "start"), optionalTime(cells.get(10), zone),
                optionalTime(cells.get(11), zone), seconds(cells.get(13), "billsec"), status);
    }

    private Row freeswitch(List<String> cells, ZoneId zone, String line) {
        need(cells, 10, "a FreeSWITCH mod_cdr_csv line has the default template's fields (caller_id_name ... hangup_cause, uuid)");
        int billsec = seconds(cells.get(8), "billsec");
        String cause = cells.get(9).strip().toUpperCase(Locale.ROOT);
        String status = billsec > 0 ? "completed" : switch (cause) {
            case "USER_BUSY" -> "busy";
            case "ORIGINATOR_CANCEL" -> "canceled";
            case "NO_ANSWER", "NO_USER_RESPONSE", "NORMAL_CLEARING", "ALLOTTED_TIMEOUT" -> "no-answer";
            default -> "failed";
        };
        String id = cells.size() > 10 && !cells.get(10).isBlank() ? cells.get(10).strip() : crypto.keyedId(line);
        return new Row(id, cells.get(1), cells.get(2), time(cells.get(4), zone, "start_stamp"), optionalTime(cells.get(5), zone),
                optionalTime(cells.get(6), zone), billsec, status);
    }

    private Row csv(List<String> cells, Map<String, Integer> header, Map<String, String> columns, ZoneId zone, String line) {
        String caller = column(cells, header, columns, "caller", true);
        String dialled = column(cells, header, columns, "dialled", true);
        Instant start = time(column(cells, header, columns, "start", true), zone, "start");
        String talkText = column(cells, header, columns, "talk_seconds", false);
        Integer talk = talkText == null ? null : seconds(talkText, "talk_seconds");
        String status = column(cells, header, columns, "status", false);
        if (status == null) {
            status = talk != null && talk > 0 ? "completed" : "no-answer";
        }
        String id = column(cells, header, columns, "id", false);
        return new Row(id != null ? id : crypto.keyedId(line), caller, dialled, start,
                optionalTime(column(cells, header, columns, "answer", false), zone),
                optionalTime(column(cells, header, columns, "end", false), zone), talk, status.toLowerCase(Locale.ROOT));
    }

    private static String column(List<String> cells, Map<String, Integer> header, Map<String, String> columns, String field,
                                 boolean required) {
        String name = columns.getOrDefault(field, field).toLowerCase(Locale.ROOT);
        Integer index = header.get(name);
        String value = index == null || index >= cells.size() ? null : cells.get(index).strip();
        if (required && (value == null || value.isEmpty())) {
            throw new IllegalArgumentException("missing " + field + " (column '" + name + "')");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static void need(List<String> cells, int lastIndex, String message) {
        if (cells.size() <= lastIndex) {
            throw new IllegalArgumentException(message + "; found " + cells.size());
        }
    }

    private static Instant time(String text, ZoneId zone, String field) {
        String value = text.strip();
        try {
            return value.endsWith("Z") || value.contains("+") ? Instant.parse(value)
                    : LocalDateTime.parse(value, LOCAL).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a time (yyyy-MM-dd HH:mm:ss or ISO-8601)");
        }
    }

    private static Instant optionalTime(String text, ZoneId zone) {
        return text == null || text.isBlank() ? null : time(text, zone, "time");
    }

    private static int seconds(String text, String field) {
        try {
            int value = Integer.parseInt(text.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a whole number of seconds");
        }
    }

    /** One CSV line into its fields: commas separate, double quotes quote, doubled quotes escape. */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        cells.add(cell.toString());
        return cells;
    }
}
