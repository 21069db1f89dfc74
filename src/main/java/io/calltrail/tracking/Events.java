package io.calltrail.tracking;

import io.calltrail.metrics.Metrics;
import io.calltrail.store.UniqueViolation;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores event beacons. A batch is written in one transaction (all or nothing), and an event id seen
 * before is absorbed by the primary key, so browser retries never count twice.
 */
public final class Events {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Metrics metrics;

    public Events(Jdbi jdbi, Clock clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Stores the events durably; returns how many were new (the rest were duplicates). */
    public int record(Snapshot snapshot, List<TrackingEvent> events) {
        for (int attempt = 1; ; attempt++) {
            try {
                int stored = jdbi.inTransaction(handle -> {
                    PreparedBatch batch = handle.prepareBatch("""
                            MERGE INTO tracking_event AS t
                            USING (VALUES (CAST(:account AS BIGINT), CAST(:id AS VARCHAR(36)))) AS s (account_id, id)
                               ON t.account_id = s.account_id AND t.id = s.id
                             WHEN NOT MATCHED THEN INSERT (account_id, id, property_id, session_id, type, url, number_clicked,
                                       occurred_at, received_at)
                                  VALUES (:account, :id, :property, :session, :type, :url, :number, :at, :now)""");
                    Instant now = clock.instant();
                    for (TrackingEvent event : events) {
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
                    int total = 0;
                    for (int count : batch.execute()) {
                        total += Math.max(count, 0);
                    }
                    return total;
                });
                metrics.eventsStored(stored);
                return stored;
            } catch (RuntimeException e) {
                // Two requests carrying the same new id at once: one wins, the retry sees its row and skips it.
                if (attempt >= 3 || !(UniqueViolation.isCause(e) || UniqueViolation.isRetryableConflict(e))) {
                    throw e;
                }
            }
        }
    }
}
