package io.calltrail.conversion.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL of deliveries and their attempts. */
final class DeliveryStore {
    /** Deliveries claimed in one pass. */
    static final int BATCH = 20;

    /** A delivery this process holds until {@code claimed_until}, with the body to send. */
    record Claimed(Delivery delivery, String body) {
    }

    /** What one attempt came to, and what happens next. */
    record Outcome(int attempt, Instant attemptedAt, Integer statusCode, String error, long durationMs,
                   DeliveryReport.Status status, Instant nextAttemptAt, Instant deliveredAt) {
    }

    long insert(Handle handle, long accountId, String kind, Long targetId, URI url, String eventType, String body, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO delivery (account_id, kind, target_id, url, event_type, body, status, attempts, next_attempt_at,
                                              created_at)
                        VALUES (:account, :kind, :target, :url, :event, :body, 'pending', 0, :now, :now)""")
                .bind("account", accountId).bind("kind", kind).bind("target", targetId).bind("url", url.toString())
                .bind("event", eventType).bind("body", body).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Deliveries due now that nobody holds, oldest first. */
    List<Long> due(Handle handle, Instant now) {
        return handle.createQuery("""
                        SELECT id FROM delivery
                         WHERE status = 'pending' AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)
                         ORDER BY next_attempt_at, id LIMIT :batch""")
                .bind("now", now).bind("batch", BATCH).mapTo(Long.class).list();
    }

    /**
     * Takes a delivery for this process until {@code until}: a compare-and-set on the same conditions as
     * {@link #due}, so of several processes that saw it due, exactly one gets it.
     */
    boolean claim(Handle handle, long id, String token, Instant now, Instant until) {
        return handle.createUpdate("""
                        UPDATE delivery SET claimed_until = :until, claim_token = :token
                         WHERE id = :id AND status = 'pending' AND next_attempt_at <= :now
                           AND (claimed_until IS NULL OR claimed_until <= :now)""")
                .bind("until", until).bind("token", token).bind("id", id).bind("now", now)
                .execute() == 1;
    }

    Optional<Claimed> claimed(Handle handle, long id, String token) {
        return handle.createQuery("""
                        SELECT id, account_id, kind, target_id, url, event_type, body, attempts, created_at
                          FROM delivery WHERE id = :id AND claim_token = :token""")
                .bind("id", id).bind("token", token)
                .map((rs, ctx) -> new Claimed(new Delivery(rs.getLong("id"), rs.getLong("account_id"), rs.getString("kind"),
                        rs.getObject("target_id") == null ? null : rs.getLong("target_id"), URI.create(rs.getString("url")),
                        rs.getString("event_type"), rs.getInt("attempts") + 1, rs.getTimestamp("created_at").toInstant()),
                        rs.getString("body")))
                .findOne();
    }

    /**
     * Records an attempt and releases the claim, in one transaction. Only the holder of the claim may:
     * false when the claim was lost (it outlived its time, or the delivery was deleted meanwhile).
     */
    boolean record(Handle handle, long id, String token, Outcome outcome) {
        int updated = handle.createUpdate("""
                        UPDATE delivery
                           SET status = :status, attempts = :attempt, next_attempt_at = :next, claimed_until = NULL,
                               claim_token = NULL, last_status_code = :code, last_error = :error, delivered_at = :delivered
                         WHERE id = :id AND claim_token = :token""")
                .bind("status", outcome.status().toString()).bind("attempt", outcome.attempt())
                .bind("next", outcome.nextAttemptAt()).bind("code", outcome.statusCode()).bind("error", outcome.error())
                .bind("delivered", outcome.deliveredAt()).bind("id", id).bind("token", token)
                .execute();
        if (updated == 0) {
            return false;
        }
        handle.createUpdate("""
                        INSERT INTO delivery_attempt (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
                        VALUES (:id, :attempt, :at, :code, :error, :duration)""")
                .bind("id", id).bind("attempt", outcome.attempt()).bind("at", outcome.attemptedAt())
                .bind("code", outcome.statusCode()).bind("error", outcome.error()).bind("duration", outcome.durationMs())
                .execute();
        return true;
    }

    /** The newest deliveries to one target, with their attempts. */
    List<DeliveryReport> recent(Handle handle, long accountId, String kind, long targetId, DeliveryReport.Status status, int limit) {
        List<DeliveryReport> reports = handle.createQuery("""
                        SELECT id, url, event_type, status, created_at, next_attempt_at, delivered_at, last_status_code, last_error
                          FROM delivery
                         WHERE account_id = :account AND kind = :kind AND target_id = :target
                           AND (CAST(:status AS VARCHAR(16)) IS NULL OR status = :status)
                         ORDER BY id DESC LIMIT :limit""")
                .bind("account", accountId).bind("kind", kind).bind("target", targetId)
                .bind("status", status == null ? null : status.toString()).bind("limit", limit)
                .map((rs, ctx) -> {
                    DeliveryReport.Status current = DeliveryReport.Status.of(rs.getString("status"));
                    return new DeliveryReport(rs.getLong("id"), rs.getString("url"), rs.getString("event_type"), current,
                            rs.getTimestamp("created_at").toInstant(),
                            current == DeliveryReport.Status.PENDING ? rs.getTimestamp("next_attempt_at").toInstant() : null,
                            rs.getTimestamp("delivered_at") == null ? null : rs.getTimestamp("delivered_at").toInstant(),
                            (Integer) rs.getObject("last_status_code", Integer.class), rs.getString("last_error"), new ArrayList<>());
                })
                .list();
        if (reports.isEmpty()) {
            return reports;
        }
        Map<Long, DeliveryReport> byId = new LinkedHashMap<>();
        reports.forEach(report -> byId.put(report.id(), report));
        handle.createQuery("""
                        SELECT delivery_id, attempt, attempted_at, status_code, error, duration_ms FROM delivery_attempt
                         WHERE delivery_id IN (<ids>) ORDER BY delivery_id, attempt""")
                .bindList("ids", List.copyOf(byId.keySet()))
                .map((rs, ctx) -> Map.entry(rs.getLong("delivery_id"), new DeliveryReport.Attempt(rs.getInt("attempt"),
                        rs.getTimestamp("attempted_at").toInstant(), (Integer) rs.getObject("status_code", Integer.class),
                        rs.getString("error"), rs.getLong("duration_ms"))))
                .forEach(entry -> byId.get(entry.getKey()).attempts().add(entry.getValue()));
        return reports;
    }

    /** Points the target's pending deliveries at its new URL. */
    int retarget(Handle handle, long accountId, String kind, long targetId, URI url) {
        return handle.createUpdate("""
                        UPDATE delivery SET url = :url
                         WHERE account_id = :account AND kind = :kind AND target_id = :target AND status = 'pending'""")
                .bind("url", url.toString()).bind("account", accountId).bind("kind", kind).bind("target", targetId)
                .execute();
    }

    /** Deletes every delivery to the target, with its attempts. */
    int forget(Handle handle, long accountId, String kind, long targetId) {
        handle.createUpdate("""
                        DELETE FROM delivery_attempt WHERE delivery_id IN (
                            SELECT id FROM delivery WHERE account_id = :account AND kind = :kind AND target_id = :target)""")
                .bind("account", accountId).bind("kind", kind).bind("target", targetId).execute();
        return handle.createUpdate("DELETE FROM delivery WHERE account_id = :account AND kind = :kind AND target_id = :target")
                .bind("account", accountId).bind("kind", kind).bind("target", targetId).execute();
    }
}
