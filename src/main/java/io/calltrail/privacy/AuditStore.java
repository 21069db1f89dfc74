package io.calltrail.privacy;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of the audit log: an insert and reads. There is deliberately no update and no delete. */
final class AuditStore {
    private static final RowMapper<AuditEvent> EVENT = (rs, ctx) -> new AuditEvent(rs.getLong("id"), rs.getLong("account_id"),
            rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"), rs.getString("actor_role"),
            rs.getString("client_address"), rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
            rs.getString("details"));

    long insert(Handle handle, AuditEvent event) {
        return handle.createUpdate("""
                        INSERT INTO audit_event (account_id, occurred_at, actor, actor_role, client_address, action, target_type,
                                                 target_id, details)
                        VALUES (:account, :at, :actor, :role, :address, :action, :targetType, :targetId, :details)""")
                .bind("account", event.accountId())
                .bind("at", event.occurredAt())
                .bind("actor", event.actor())
                .bind("role", event.actorRole())
                .bind("address", event.clientAddress())
                .bind("action", event.action())
                .bind("targetType", event.targetType())
                .bind("targetId", event.targetId())
                .bind("details", event.details())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /** What to read: an account's entries in [from, to), optionally of one action and one actor, before an id. */
    record Filter(long accountId, Instant from, Instant to, String action, String actor, Long beforeId, int limit) {
    }

    /**
     * Newest first, in the order they were recorded, so {@code beforeId} pages through them. {@code actor} matches the
     * whole label ({@code api-key:12 (CI deploy)}) or its stable part ({@code api-key:12}, {@code cli}, {@code system}).
     */
    List<AuditEvent> list(Handle handle, Filter filter) {
        String actorPrefix = filter.actor() == null ? null : filter.actor() + " (";
        return handle.createQuery("""
                        SELECT id, account_id, occurred_at, actor, actor_role, client_address, action, target_type, target_id, details
                          FROM audit_event
                         WHERE account_id = :account AND occurred_at >= :from AND occurred_at < :to
                           AND (CAST(:action AS VARCHAR(64)) IS NULL OR action = :action)
                           AND (CAST(:actor AS VARCHAR(300)) IS NULL OR actor = :actor
                                OR SUBSTRING(actor FROM 1 FOR :prefixLength) = :actorPrefix)
                           AND (CAST(:before AS BIGINT) IS NULL OR id < :before)
                         ORDER BY id DESC
                         LIMIT :limit""")
                .bind("account", filter.accountId())
                .bind("from", filter.from())
                .bind("to", filter.to())
                .bind("action", filter.action())
                .bind("actor", filter.actor())
                .bind("actorPrefix", actorPrefix)
                .bind("prefixLength", actorPrefix == null ? 0 : actorPrefix.length())
                .bind("before", filter.beforeId())
                .bind("limit", filter.limit())
                .map(EVENT)
                .list();
    }

    /** The actions an account's log holds, A to Z: what its filter offers. */
    List<String> actions(Handle handle, long accountId) {
        return handle.createQuery("SELECT DISTINCT action FROM audit_event WHERE account_id = :account ORDER BY action")
                .bind("account", accountId)
                .mapTo(String.class)
                .list();
    }

    /** Who acted in an account, as labelled in its log, A to Z. */
    List<String> actors(Handle handle, long accountId) {
        return handle.createQuery("SELECT DISTINCT actor FROM audit_event WHERE account_id = :account ORDER BY actor")
                .bind("account", accountId)
                .mapTo(String.class)
                .list();
    }
}
