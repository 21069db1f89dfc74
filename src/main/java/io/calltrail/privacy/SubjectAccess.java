package io.calltrail.privacy;

import io.calltrail.phone.PhoneNumber;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Everything an account stores about one caller, for a subject-access request: calls, conversions, outcomes, exports. */
public final class SubjectAccess {
    private final CallerCrypto crypto;

    public SubjectAccess(CallerCrypto crypto) {
        this.crypto = crypto;
    }

    public Map<String, Object> report(Handle handle, long accountId, PhoneNumber caller) {
        String hash = crypto.hash(caller);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("caller", caller.e164());
        report.put("erased_at", Erasure.erasedAt(handle, accountId, hash));
        List<Map<String, Object>> calls = rows(handle.createQuery("""
                        SELECT c.id, c.property_id, p.name AS property_name, c.started_at, c.answered_at, c.ended_at, c.ring_seconds,
                               c.talk_seconds, c.status, c.dialled_e164 AS number_dialled, c.forwarded_to, c.first_time_caller,
                               c.caller_city, c.caller_state, c.caller_country, c.attribution, c.confidence, c.attribution_reason,
                               c.source_name, c.session_id, c.recording_ref, c.recording_url, s.landing_url, s.referrer, s.utm_source, s.utm_medium, s.utm_campaign,
                               s.utm_term, s.gclid, s.gbraid, s.wbraid, s.msclkid
                          FROM phone_call c JOIN property p ON p.id = c.property_id
                          LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.account_id = :account AND c.caller_hash = :hash
                         ORDER BY c.started_at, c.id""")
                .bind("account", accountId).bind("hash", hash).mapToMap().list());
        report.put("calls", calls);
        List<Long> ids = calls.stream().map(call -> ((Number) call.get("id")).longValue()).toList();
        report.put("conversions", ids.isEmpty() ? List.of() : rows(handle.createQuery("""
                        SELECT v.id, v.call_id, a.name AS action_name, v.converted_at, v.conversion_value, v.currency, v.click_id,
                               v.click_id_type, v.value_version, v.retracted_at
                          FROM conversion v JOIN conversion_action a ON a.id = v.action_id
                         WHERE v.account_id = :account AND v.call_id IN (<calls>) ORDER BY v.converted_at, v.id""")
                .bind("account", accountId).bindList("calls", ids).mapToMap().list()));
        Map<Object, Map<String, Object>> outcomes = new LinkedHashMap<>();
        rows(handle.createQuery("""
                        SELECT id, external_id, call_id, status, outcome_value, currency, occurred_at, received_at
                          FROM outcome WHERE account_id = :account AND caller_hash = :hash ORDER BY occurred_at, id""")
                .bind("account", accountId).bind("hash", hash).mapToMap().list()).forEach(row -> outcomes.put(row.get("id"), row));
        if (!ids.isEmpty()) {
            rows(handle.createQuery("""
                            SELECT id, external_id, call_id, status, outcome_value, currency, occurred_at, received_at
                              FROM outcome WHERE account_id = :account AND call_id IN (<calls>) ORDER BY occurred_at, id""")
                    .bind("account", accountId).bindList("calls", ids).mapToMap().list()).forEach(row -> outcomes.putIfAbsent(row.get("id"), row));
        }
        report.put("outcomes", List.copyOf(outcomes.values()));
        report.put("exports", ids.isEmpty() ? List.of() : rows(handle.createQuery("""
                        SELECT e.conversion_id, e.destination, e.run_id, r.created_at AS exported_at, r.delivered_at, e.held_reason
                          FROM conversion_export e JOIN conversion v ON v.id = e.conversion_id JOIN export_run r ON r.id = e.run_id
                         WHERE v.account_id = :account AND v.call_id IN (<calls>) ORDER BY r.created_at, e.conversion_id""")
                .bind("account", accountId).bindList("calls", ids).mapToMap().list()));
        return report;
    }

    /** Times as instants, whatever the driver returns. */
    private static List<Map<String, Object>> rows(List<Map<String, Object>> rows) {
        for (Map<String, Object> row : rows) {
            row.replaceAll((column, value) -> value instanceof Timestamp timestamp ? timestamp.toInstant()
                    : value instanceof java.time.OffsetDateTime offset ? offset.toInstant() : value);
        }
        return rows;
    }
}
