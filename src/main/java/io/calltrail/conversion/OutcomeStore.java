package io.calltrail.conversion;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for outcomes: stored once per external id, and the calls an outcome may belong to. */
final class OutcomeStore {
    /** An outcome as stored, enough to tell whether an upload changes it. */
    record Stored(long id, String status, BigDecimal value, String currency, Instant occurredAt, Long namedCallId,
                  String clickId, String callerHash, Long callId) {

        boolean sameAs(Outcome outcome, String hash) {
            return status.equals(outcome.status()) && occurredAt.equals(outcome.occurredAt())
                    && (value == null ? outcome.value() == null : outcome.value() != null && value.compareTo(outcome.value()) == 0)
                    && Objects.equals(currency, outcome.currency()) && Objects.equals(namedCallId, outcome.callId())
                    && Objects.equals(clickId, outcome.clickId()) && Objects.equals(callerHash, hash);
        }
    }

    /** A call an outcome may belong to. */
    record Candidate(long id, Instant startedAt) {
    }

    Optional<Stored> byExternalId(Handle handle, long accountId, String externalId) {
        return handle.createQuery("""
                        SELECT id, status, outcome_value, currency, occurred_at, named_call_id, click_id, caller_hash, call_id
                          FROM outcome WHERE account_id = :account AND external_id = :external""")
                .bind("account", accountId).bind("external", externalId)
                .map((rs, ctx) -> new Stored(rs.getLong("id"), rs.getString("status"), rs.getBigDecimal("outcome_value"),
                        rs.getString("currency"), rs.getTimestamp("occurred_at").toInstant(), rs.getObject("named_call_id", Long.class),
                        rs.getString("click_id"), rs.getString("caller_hash"), rs.getObject("call_id", Long.class)))
                .findOne();
    }

    long insert(Handle handle, long accountId, Outcome outcome, String callerHash, Long callId, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO outcome (account_id, external_id, named_call_id, click_id, click_id_type, caller_hash, status,
                                             outcome_value, currency, occurred_at, received_at, updated_at, call_id, matched_at)
                        VALUES (:account, :external, :named, :click, :clickType, :hash, :status, :value, :currency, :occurred,
                                :now, :now, :call, :matched)""")
                .bindMap(columns(outcome, callerHash, callId, now)).bind("account", accountId)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    void update(Handle handle, long id, Outcome outcome, String callerHash, Long callId, Instant now) {
        handle.createUpdate("""
                        UPDATE outcome SET named_call_id = :named, click_id = :click, click_id_type = :clickType, caller_hash = :hash,
                               status = :status, outcome_value = :value, currency = :currency, occurred_at = :occurred,
                               updated_at = :now, call_id = :call, matched_at = :matched
                         WHERE id = :id""")
                .bindMap(columns(outcome, callerHash, callId, now)).bind("id", id)
                .execute();
    }

    private static Map<String, Object> columns(Outcome outcome, String callerHash, Long callId, Instant now) {
        var values = new java.util.HashMap<String, Object>();
        values.put("external", outcome.externalId());
        values.put("named", outcome.callId());
        values.put("click", outcome.clickId());
        values.put("clickType", outcome.clickIdType() == null ? null : outcome.clickIdType().toString());
        values.put("hash", callerHash);
        values.put("status", outcome.status());
        values.put("value", outcome.value());
        values.put("currency", outcome.currency());
        values.put("occurred", outcome.occurredAt());
        values.put("now", now);
        values.put("call", callId);
        values.put("matched", callId == null ? null : now);
        return values;
    }

    boolean callExists(Handle handle, long accountId, long callId) {
        return handle.createQuery("SELECT COUNT(*) FROM phone_call WHERE id = :id AND account_id = :account")
                .bind("id", callId).bind("account", accountId).mapTo(Integer.class).one() == 1;
    }

    List<Candidate> callsByCaller(Handle handle, long accountId, String callerHash) {
        return handle.createQuery("""
                        SELECT id, started_at FROM phone_call WHERE account_id = :account AND caller_hash = :hash
                         ORDER BY started_at, id""")
                .bind("account", accountId).bind("hash", callerHash)
                .map((rs, ctx) -> new Candidate(rs.getLong("id"), rs.getTimestamp("started_at").toInstant())).list();
    }

    List<Candidate> callsByClick(Handle handle, long accountId, Outcome.ClickIdType type, String clickId) {
        return handle.createQuery("""
                        SELECT c.id, c.started_at
                          FROM phone_call c JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.account_id = :account
                           AND ((:type = 'gclid' AND s.gclid = :click) OR (:type = 'gbraid' AND s.gbraid = :click)
                                OR (:type = 'wbraid' AND s.wbraid = :click) OR (:type = 'msclkid' AND s.msclkid = :click))
                         ORDER BY c.started_at, c.id""")
                .bind("account", accountId).bind("type", type.toString()).bind("click", clickId)
                .map((rs, ctx) -> new Candidate(rs.getLong("id"), rs.getTimestamp("started_at").toInstant())).list();
    }

    /** Outcomes of an account, newest first; {@code matched} null for all. */
    List<Map<String, Object>> list(Handle handle, long accountId, Boolean matched, int limit) {
        return handle.createQuery("""
                        SELECT id, external_id, named_call_id, click_id, click_id_type, status, outcome_value, currency,
                               occurred_at, received_at, updated_at, call_id, matched_at,
                               CASE WHEN named_call_id IS NOT NULL THEN 'call_id' WHEN click_id IS NOT NULL THEN 'click_id'
                                    ELSE 'phone' END AS matched_by
                          FROM outcome
                         WHERE account_id = :account
                           AND (CAST(:matched AS BOOLEAN) IS NULL OR (call_id IS NOT NULL) = :matched)
                         ORDER BY received_at DESC, id DESC LIMIT :limit""")
                .bind("account", accountId).bind("matched", matched).bind("limit", limit)
                .mapToMap().list();
    }

    int unmatchedCount(Handle handle, long accountId) {
        return handle.createQuery("SELECT COUNT(*) FROM outcome WHERE account_id = :account AND call_id IS NULL")
                .bind("account", accountId).mapTo(Integer.class).one();
    }
}
