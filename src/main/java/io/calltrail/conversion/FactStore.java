package io.calltrail.conversion;

import io.calltrail.tracking.SourceName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL that gathers what the rules need: calls with their visit and newest outcome, clicks, and what a call already made. */
public final class FactStore {
    private static final String[] CLICK_IDS = {"gclid", "gbraid", "wbraid", "msclkid"};

    record Call(long account, long property, ConversionRules.CallFacts facts) {
    }

    static final String CALL_COLUMNS = """
            c.id, c.account_id, c.property_id, c.started_at, c.ended_at, c.answered_at, c.talk_seconds, c.first_time_caller,
            c.attribution, c.confidence, c.session_id, c.source_name, s.started_at AS session_started,
            s.gclid, s.gbraid, s.wbraid, s.msclkid, s.utm_source, s.referrer_domain
            """;

    Optional<Call> call(Handle handle, long callId) {
        Optional<Call> call = handle.createQuery("SELECT " + CALL_COLUMNS + """
                          FROM phone_call c LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.id = :id AND c.status_rank = 3""")
                .bind("id", callId)
                .map((rs, ctx) -> new Call(rs.getLong("account_id"), rs.getLong("property_id"), callFacts(rs, null)))
                .findOne();
        return call.map(found -> {
            ConversionRules.OutcomeFact outcome = newestOutcome(handle, callId).orElse(null);
            ConversionRules.CallFacts facts = found.facts();
            return new Call(found.account(), found.property(), new ConversionRules.CallFacts(facts.callId(), facts.startedAt(),
                    facts.endedAt(), facts.answered(), facts.talkSeconds(), facts.firstTimeCaller(), facts.attribution(),
                    facts.confidence(), facts.visit(), outcome));
        });
    }

    /** Reads one row of {@link #CALL_COLUMNS}. */
    static ConversionRules.CallFacts callFacts(ResultSet rs, ConversionRules.OutcomeFact outcome) throws SQLException {
        String source = rs.getString("source_name");
        ConversionRules.Visit visit = visit(rs, "session_started", source);
        Integer talk = rs.getObject("talk_seconds", Integer.class);
        return new ConversionRules.CallFacts(rs.getLong("id"), instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("ended_at")), rs.getTimestamp("answered_at") != null, talk == null ? 0 : talk,
                rs.getBoolean("first_time_caller"), rs.getString("attribution"), rs.getBigDecimal("confidence").doubleValue(),
                visit, outcome);
    }

    ConversionRules.Visit visit(Handle handle, long account, String sessionId) {
        if (sessionId == null) {
            return ConversionRules.Visit.NONE;
        }
        return handle.createQuery("""
                        SELECT id AS session_id, started_at, gclid, gbraid, wbraid, msclkid, utm_source, referrer_domain
                          FROM visit_session WHERE id = :id AND account_id = :account""")
                .bind("id", sessionId).bind("account", account)
                .map((rs, ctx) -> visit(rs, "started_at", null))
                .findOne().orElse(ConversionRules.Visit.NONE);
    }

    /** The visit of a row that joined visit_session as {@code session_id, started_at, click ids, utm_source, referrer_domain}. */
    static ConversionRules.Visit visitOf(ResultSet rs) throws SQLException {
        return rs.getString("session_id") == null ? ConversionRules.Visit.NONE : visit(rs, "started_at", null);
    }

    /** The visit columns of a row; a call's static source names it before the visit's utm_source or referrer. */
    private static ConversionRules.Visit visit(ResultSet rs, String startedColumn, String staticSource) throws SQLException {
        String session = rs.getString("session_id");
        String click = null;
        String type = null;
        for (String name : CLICK_IDS) {
            if (click == null && rs.getString(name) != null) {
                click = rs.getString(name);
                type = name;
            }
        }
        String source = SourceName.of(staticSource, rs.getString("utm_source"), rs.getString("referrer_domain"));
        return new ConversionRules.Visit(session, instant(rs.getTimestamp(startedColumn)), click, type, source);
    }

    Optional<ConversionRules.OutcomeFact> newestOutcome(Handle handle, long callId) {
        return handle.createQuery("""
                        SELECT id, status, outcome_value, currency, occurred_at FROM outcome
                         WHERE call_id = :call ORDER BY occurred_at DESC, id DESC LIMIT 1""")
                .bind("call", callId)
                .map((rs, ctx) -> outcomeFact(rs))
                .findOne();
    }

    static ConversionRules.OutcomeFact outcomeFact(ResultSet rs) throws SQLException {
        return new ConversionRules.OutcomeFact(rs.getLong("id"), rs.getString("status"), rs.getBigDecimal("outcome_value"),
                rs.getString("currency"), instant(rs.getTimestamp("occurred_at")));
    }

    /** Outcomes uploaded before their call, naming its ad click or its caller, now belong to it. */
    void matchWaitingOutcomes(Handle handle, long callId, Instant now) {
        Map<String, Object> call = handle.createQuery("""
                        SELECT c.account_id, c.caller_hash, s.gclid, s.gbraid, s.wbraid, s.msclkid
                          FROM phone_call c LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.id = :call""")
                .bind("call", callId).mapToMap().findOne().orElse(Map.of());
        if (call.isEmpty()) {
            return;
        }
        handle.createUpdate("""
                        UPDATE outcome SET call_id = :call, matched_at = :now
                         WHERE call_id IS NULL AND account_id = :account
                           AND (caller_hash = :hash OR click_id IN (:gclid, :gbraid, :wbraid, :msclkid))""")
                .bind("call", callId).bind("now", now).bind("account", ((Number) call.get("account_id")).longValue())
                .bind("hash", (String) call.get("caller_hash")).bind("gclid", (String) call.get("gclid"))
                .bind("gbraid", (String) call.get("gbraid")).bind("wbraid", (String) call.get("wbraid"))
                .bind("msclkid", (String) call.get("msclkid"))
                .execute();
    }

    /** The conversions an action made from this call or click that still count. */
    List<Long> madeBy(Handle handle, long actionId, Long callId, String eventId) {
        if (callId != null) {
            return handle.createQuery("SELECT id FROM conversion WHERE call_id = :call AND action_id = :action AND retracted_at IS NULL")
                    .bind("call", callId).bind("action", actionId).mapTo(Long.class).list();
        }
        return handle.createQuery("SELECT id FROM conversion WHERE event_id = :event AND action_id = :action AND retracted_at IS NULL")
                .bind("event", eventId).bind("action", actionId).mapTo(Long.class).list();
    }

    /** A conversion as webhooks and the API show it. */
    Optional<Map<String, Object>> conversionView(Handle handle, long conversionId) {
        return handle.createQuery("""
                        SELECT id, property_id, action_id, rule_version, call_id, event_id, session_id, click_id, click_id_type,
                               converted_at, conversion_value, currency, value_version, retracted_at, outcome_id, created_at, updated_at
                          FROM conversion WHERE id = :id""")
                .bind("id", conversionId)
                .map((rs, ctx) -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        view.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT),
                                value instanceof Timestamp timestamp ? timestamp.toInstant() : value);
                    }
                    return view;
                })
                .findOne();
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
