package io.calltrail.conversion.webhook;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL that gathers what an event tells its receivers. */
final class EventStore {

    /** An event's account and its {@code data}. */
    record EventData(long accountId, Map<String, Object> data) {
    }

    /**
     * The {@code call.completed} data of a call: its facts and attribution, the caller masked only (never the
     * number nor its keyed hash), and the attributed session's source and click ids.
     */
    Optional<EventData> callCompleted(Handle handle, long callId) {
        return handle.createQuery("""
                        SELECT c.id, c.account_id, c.property_id, c.tracking_number_id, c.dialled_e164, c.caller_masked,
                               c.started_at, c.answered_at, c.ended_at, c.ring_seconds, c.talk_seconds, c.status,
                               c.first_time_caller, c.attribution, c.confidence, c.attribution_reason, c.session_id,
                               c.source_name, s.id AS attributed_session, s.utm_source, s.utm_medium, s.utm_campaign,
                               s.gclid, s.gbraid, s.wbraid, s.msclkid, s.fbclid
                          FROM phone_call c LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.id = :id""")
                .bind("id", callId)
                .map((rs, ctx) -> new EventData(rs.getLong("account_id"), callData(rs)))
                .findOne();
    }

    private static Map<String, Object> callData(ResultSet rs) throws SQLException {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", rs.getLong("id"));
        call.put("property_id", rs.getLong("property_id"));
        Long number = rs.getObject("tracking_number_id", Long.class);
        call.put("tracking_number_id", number);
        call.put("tracking_number", number == null ? null : rs.getString("dialled_e164"));
        call.put("dialled_number", rs.getString("dialled_e164"));
        call.put("caller_masked", rs.getString("caller_masked"));
        call.put("started_at", instant(rs.getTimestamp("started_at")));
        call.put("answered_at", instant(rs.getTimestamp("answered_at")));
        call.put("ended_at", instant(rs.getTimestamp("ended_at")));
        call.put("ring_seconds", rs.getObject("ring_seconds", Integer.class));
        call.put("talk_seconds", rs.getObject("talk_seconds", Integer.class));
        call.put("status", rs.getString("status"));
        call.put("first_time_caller", rs.getBoolean("first_time_caller"));
        call.put("attribution", rs.getString("attribution"));
        BigDecimal confidence = rs.getBigDecimal("confidence");
        call.put("confidence", confidence == null ? null : confidence.stripTrailingZeros());
        call.put("attribution_reason", rs.getString("attribution_reason"));
        call.put("session_id", rs.getString("session_id"));
        call.put("source_name", rs.getString("source_name"));
        Map<String, Object> session = null;
        if (rs.getString("attributed_session") != null) {
            session = new LinkedHashMap<>();
            for (String column : new String[] {"utm_source", "utm_medium", "utm_campaign", "gclid", "gbraid", "wbraid", "msclkid",
                    "fbclid"}) {
                session.put(column, rs.getString(column));
            }
        }
        call.put("session", session);
        return call;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
