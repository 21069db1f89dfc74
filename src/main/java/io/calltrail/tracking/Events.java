package io.calltrail.tracking;

import io.calltrail.metrics.Metrics;
import io.calltrail.store.UniqueViolation;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores event beacons. Requests hand their events to one writer thread, which commits whatever has
 * queued up in a single transaction (group commit) and then answers each request: there is no
 * contention between requests in the database, and one commit serves many beacons. A request's events
 * are stored all or none, and an event id seen before is absorbed by the primary key.
 */
public final class Events implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Events.class);
    private static final int MAX_EVENTS_PER_COMMIT = 1000;
    private static final int MAX_QUEUED_REQUESTS = 10_000;
    private static final long ANSWER_TIMEOUT_SECONDS = 20;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Metrics metrics;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS);
    private final Thread writer;
    private volatile boolean running = true;

    private record Pending(Snapshot snapshot, List<TrackingEvent> events, CompletableFuture<Integer> stored) {
    }

    public Events(Jdbi jdbi, Clock clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.metrics = metrics;
        this.writer = new Thread(this::writeLoop, "calltrail-event-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Stores the events durably (committed when this returns); returns how many were new. */
    public int record(Snapshot snapshot, List<TrackingEvent> events) {
        Pending pending = new Pending(snapshot, List.copyOf(events), new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            throw new Overloaded("the event writer is not accepting events; retry shortly");
        }
        try {
            return pending.stored().get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new Overloaded("events were not committed in time; a retry is safe (duplicates are absorbed)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Overloaded("interrupted while storing events");
        }
    }

    /** The writer cannot take events now; nothing of this request was acknowledged. */
    public static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message);
        }
    }

    private void writeLoop() {
        List<Pending> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int count = first.events().size();
                for (Pending next = queue.peek(); next != null && count + next.events().size() <= MAX_EVENTS_PER_COMMIT;
                     next = queue.peek()) {
                    group.add(queue.poll());
                    count += next.events().size();
                }
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("event writer failed", e);
                group.forEach(pending -> pending.stored().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
    }

    /** Commits a group; if it fails, each request is retried alone so one bad request fails alone. */
    private void write(List<Pending> group) {
        try {
            int[] stored = commit(group);
            int total = 0;
            for (int i = 0; i < group.size(); i++) {
                group.get(i).stored().complete(stored[i]);
                total += stored[i];
            }
            metrics.eventsStored(total);
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).stored().completeExceptionally(e);
                return;
            }
            for (Pending pending : group) {
                write(List.of(pending));
            }
        }
    }

    /** One transaction for the whole group; returns the number of new events of each request. */
    private int[] commit(List<Pending> group) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(handle -> {
                    // Insert-unless-present, decided by the primary key: the NOT EXISTS spares the common
                    // retry an error, and a concurrent twin loses on the key and is retried below.
                    PreparedBatch batch = handle.prepareBatch("""
                            INSERT INTO tracking_event (account_id, id, property_id, session_id, type, url, number_clicked,
                                                        occurred_at, received_at)
                            SELECT CAST(:account AS BIGINT), CAST(:id AS VARCHAR(36)), CAST(:property AS BIGINT),
                                   CAST(:session AS VARCHAR(36)), CAST(:type AS VARCHAR(16)), CAST(:url AS VARCHAR(2048)),
                                   CAST(:number AS VARCHAR(64)), CAST(:at AS TIMESTAMP WITH TIME ZONE),
                                   CAST(:now AS TIMESTAMP WITH TIME ZONE)
                             WHERE NOT EXISTS (SELECT 1 FROM tracking_event WHERE account_id = :account AND id = :id)""");
                    Instant now = clock.instant();
                    for (Pending pending : group) {
                        Snapshot snapshot = pending.snapshot();
                        for (TrackingEvent event : pending.events()) {
                            batch.bind("account", snapshot.property().accountId())
                                    .bind("id", event.id())
                                    .bind("property", snapshot.property().id())
                                    .bind("session", event.sessionId())
                                    .bind("type", event.type())
                                    .bind("url", event.url())
                                    .bind("number", event.number())
                                    .bind("at", event.occurredAt())
                                    .bind("now", now)
                                    .add();
                        }
                    }
                    int[] counts = batch.execute();
                    int[] stored = new int[group.size()];
                    int row = 0;
                    for (int i = 0; i < group.size(); i++) {
                        for (int j = 0; j < group.get(i).events().size(); j++) {
                            stored[i] += Math.max(counts[row++], 0);
                        }
                    }
                    return stored;
                });
            } catch (RuntimeException e) {
                // Another instance stored one of these ids at the same moment: the retry sees its row and skips it.
                if (attempt >= 3 || !(UniqueViolation.isCause(e) || UniqueViolation.isRetryableConflict(e))) {
                    throw e;
                }
            }
        }
    }

    /** Stops taking events, and stores those already queued before returning. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(ANSWER_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
