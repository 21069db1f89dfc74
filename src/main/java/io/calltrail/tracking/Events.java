package io.calltrail.tracking;

import io.calltrail.app.Json;
import io.calltrail.metrics.Metrics;
import io.calltrail.store.JdbcBatch;
import io.calltrail.store.Spool;
import io.calltrail.store.SqlErrors;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Stores event beacons. A request is acknowledged once its events are fsync'd in the local event spool
 * (one fsync serves every request that arrived meanwhile); a loader then writes them to the database in
 * large transactions. An event id seen before, by a browser retry or a replay after a crash, is
 * absorbed by the primary key.
 */
public final class Events implements AutoCloseable {
    /** A request whose events are not on disk by then is answered 503: its sender may retry. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
    private static final int LOAD_BATCH = 2000;
    private static final long MAX_BACKLOG_BYTES = 512L * 1024 * 1024;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Metrics metrics;
    private final Spool spool;
    private final BiConsumer<Handle, List<PhoneClick>> onPhoneClicks;

    /** One event as spooled: everything the database row needs. */
    record Row(long account, String id, long property, String session, String type, String url, String number,
               long atMillis, long receivedMillis) {
        /** Marks the binary form; spools written before it hold JSON objects, which start with '{'. */
        private static final byte BINARY = 1;

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + (url == null ? 0 : url.length()));
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(BINARY);
                out.writeLong(account);
                out.writeLong(property);
                out.writeLong(atMillis);
                out.writeLong(receivedMillis);
                out.writeUTF(id);
                out.writeUTF(session);
                out.writeUTF(type);
                writeNullable(out, url);
                writeNullable(out, number);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode an event", e);
            }
            return bytes.toByteArray();
        }

        static Row decode(byte[] record) throws IOException {
            if (record.length > 0 && record[0] == '{') {
                return Json.MAPPER.readValue(record, Row.class);
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
            if (in.readByte() != BINARY) {
                throw new IOException("unknown spooled event format " + record[0]);
            }
            long account = in.readLong();
            long property = in.readLong();
            long at = in.readLong();
            long received = in.readLong();
            return new Row(account, in.readUTF(), property, in.readUTF(), in.readUTF(), readNullable(in), readNullable(in),
                    at, received);
        }

        private static void writeNullable(DataOutputStream out, String value) throws IOException {
            out.writeBoolean(value != null);
            if (value != null) {
                out.writeUTF(value);
            }
        }

        private static String readNullable(DataInputStream in) throws IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }
    }

    /**
     * @param flushCommits makes the database's commits durable on disk; run before the spool forgets what it loaded
     * @param onPhoneClicks told, in the transaction that stores them, of the phone-link clicks in each batch
     */
    public Events(Jdbi jdbi, Runnable flushCommits, Clock clock, Metrics metrics, Path spoolDir,
                  BiConsumer<Handle, List<PhoneClick>> onPhoneClicks) {
        this.jdbi = jdbi;
        this.onPhoneClicks = onPhoneClicks;
        this.clock = clock;
        this.metrics = metrics;
        this.spool = Spool.open(spoolDir, "events", this::load, flushCommits, LOAD_BATCH, MAX_BACKLOG_BYTES, ANSWER_WITHIN);
    }

    /**
     * Completes with how many events were accepted once they are durable (fsync'd in the spool); fails with
     * {@link Spool.Full} when they could not be written in time. Nothing waits meanwhile: the request's thread is free.
     */
    public CompletableFuture<Integer> record(Snapshot snapshot, List<TrackingEvent> events) {
        long received = clock.millis();
        List<byte[]> records = new ArrayList<>(events.size());
        for (TrackingEvent event : events) {
            Row row = new Row(snapshot.property().accountId(), event.id(), snapshot.property().id(), event.sessionId(),
                    event.type(), event.url(), event.number(), event.occurredAt().toEpochMilli(), received);
            records.add(row.encode());
        }
        int accepted = records.size();
        return spool.append(records).handle((durable, failure) -> {
            if (failure == null) {
                return accepted;
            }
            // The spool's own future: it fails with the writer's error itself, never wrapped.
            throw failure instanceof Spool.Full full ? full : new Spool.Full("events could not be written to disk: " + failure.getMessage());
        });
    }

    /** Waits until every event acknowledged so far is in the database (tests, shutdown). */
    public boolean awaitLoaded(Duration timeout) {
        return spool.awaitLoaded(timeout);
    }

    /** Writes spooled events in one transaction; rows already present are skipped. */
    private void load(List<byte[]> records) {
        List<Row> rows = new ArrayList<>(records.size());
        for (byte[] record : records) {
            try {
                rows.add(Row.decode(record));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable spooled event", e);
            }
        }
        for (int attempt = 1; ; attempt++) {
            // Almost every event is new: the first attempt inserts plainly. If the primary key refuses one (a
            // browser retry, a replay after a crash, a twin stored by another instance), the batch is rolled
            // back and written again with a NOT EXISTS guard that skips what is already there.
            try {
                boolean guarded = attempt > 1;
                int stored = jdbi.inTransaction(handle -> {
                    int total = 0;
                    for (int count : JdbcBatch.run(handle, guarded ? GUARDED_INSERT : PLAIN_INSERT, rows, (row, event) -> {
                        row.number(event.account()).string(event.id()).number(event.property()).string(event.session())
                                .string(event.type()).string(event.url()).string(event.number())
                                .instant(Instant.ofEpochMilli(event.atMillis())).instant(Instant.ofEpochMilli(event.receivedMillis()));
                        if (guarded) {
                            row.number(event.account()).string(event.id());
                        }
                    })) {
                        total += Math.max(count, 0);
                    }
                    List<PhoneClick> clicks = new ArrayList<>();
                    for (Row row : rows) {
                        if ("tel_click".equals(row.type())) {
                            clicks.add(new PhoneClick(row.account(), row.property(), row.id(), row.session(),
                                    Instant.ofEpochMilli(row.atMillis())));
                        }
                    }
                    if (!clicks.isEmpty()) {
                        onPhoneClicks.accept(handle, clicks);
                    }
                    return total;
                });
                metrics.eventsStored(stored);
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3 || !(SqlErrors.isUniqueViolation(e) || SqlErrors.isRetryableConflict(e))) {
                    throw e;
                }
            }
        }
    }

    private static final String PLAIN_INSERT = """
            INSERT INTO tracking_event (account_id, id, property_id, session_id, type, url, number_clicked, occurred_at, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String GUARDED_INSERT = """
            INSERT INTO tracking_event (account_id, id, property_id, session_id, type, url, number_clicked, occurred_at, received_at)
            SELECT CAST(? AS BIGINT), CAST(? AS VARCHAR(36)), CAST(? AS BIGINT), CAST(? AS VARCHAR(36)),
                   CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(2048)), CAST(? AS VARCHAR(64)),
                   CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE)
             WHERE NOT EXISTS (SELECT 1 FROM tracking_event WHERE account_id = ? AND id = ?)""";

    @Override
    public void close() {
        spool.close();
    }
}
