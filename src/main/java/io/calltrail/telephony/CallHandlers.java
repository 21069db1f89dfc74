package io.calltrail.telephony;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The account's calls, with callers masked; one call with its journey; the full number only to keys allowed to reveal it. */
public final class CallHandlers {
    private static final String COLUMNS = """
            c.id, c.property_id, c.tracking_number_id, c.provider, c.provider_call_id, c.dialled_e164, c.forwarded_to,
            c.caller_masked, c.caller_city, c.caller_state, c.caller_country, c.started_at, c.answered_at, c.ended_at,
            c.ring_seconds, c.talk_seconds, c.status, c.first_time_caller, c.first_call_id, c.attribution, c.confidence,
            c.attribution_reason, c.session_id, c.source_name, c.recording_ref
            """;

    private final Jdbi jdbi;
    private final CallLogImport importer;
    private final CallerCrypto crypto;
    private final AuditLog audit;

    public CallHandlers(Jdbi jdbi, CallLogImport importer, CallerCrypto crypto, AuditLog audit) {
        this.jdbi = jdbi;
        this.importer = importer;
        this.crypto = crypto;
        this.audit = audit;
    }

    /**
     * {@code POST /api/v1/calls/{id}/reveal}: the caller's full number, for keys with {@code can_reveal} only. The
     * reveal is in the audit log before the number leaves: if the entry cannot be written, nothing is revealed.
     */
    public void reveal(Context ctx) {
        Actor actor = Admin.actor(ctx);
        if (!actor.canReveal()) {
            throw Admin.forbidden("this API key may not reveal callers' numbers; an owner can create a key with can_reveal");
        }
        long id = Admin.pathId(ctx, "call");
        String caller = jdbi.inTransaction(handle -> {
            Map<String, Object> call = handle.createQuery("""
                            SELECT caller_sealed, caller_masked FROM phone_call WHERE id = :id AND account_id = :account""")
                    .bind("id", id).bind("account", actor.accountId()).mapToMap().findOne()
                    .orElseThrow(() -> ApiError.notFound("call"));
            String sealed = (String) call.get("caller_sealed");
            if (sealed == null) {
                throw new ApiError(404, "caller_not_stored", null, "caller number not stored: the call had no caller id, or "
                        + "its number was removed (retention or erasure)");
            }
            String number = crypto.decrypt(actor.accountId(), sealed).e164();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("caller_masked", call.get("caller_masked"));
            audit.record(handle, actor, "caller.reveal", "call", Long.toString(id), details);
            return number;
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("caller", caller);
        ctx.header("Cache-Control", "no-store");
        ctx.json(answer);
    }

    /**
     * {@code POST /api/v1/calls/import?property=ID&format=asterisk|freeswitch|csv[&all_or_nothing=true]}, the call
     * log as the body; for CSV, {@code column.caller=From} and so on name the columns.
     */
    public void importLog(Context ctx) throws java.io.IOException {
        Account account = Admin.account(ctx);
        Long propertyId = Admin.queryId(ctx, "property");
        if (propertyId == null) {
            throw new ApiError(400, "invalid_query", "property", "property (an id) is required");
        }
        var property = new io.calltrail.property.PropertyStore(jdbi).get(account.id(), propertyId)
                .orElseThrow(() -> ApiError.notFound("property"));
        CallLogImport.Format format;
        try {
            format = CallLogImport.Format.valueOf(String.valueOf(ctx.queryParam("format")).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_query", "format", "format must be asterisk, freeswitch or csv");
        }
        Map<String, String> columns = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((name, values) -> {
            if (name.startsWith("column.") && !values.isEmpty()) {
                columns.put(name.substring(7), values.get(0));
            }
        });
        boolean allOrNothing = "true".equals(ctx.queryParam("all_or_nothing"));
        var reader = new java.io.InputStreamReader(ctx.req().getInputStream(), java.nio.charset.StandardCharsets.UTF_8);
        Actor actor = Admin.actor(ctx);
        CallLogImport.Result result = importer.run(property, format, reader, columns, allOrNothing,
                (handle, stored) -> audit.record(handle, actor, "call.import", "property", Long.toString(property.id()),
                        importDetails(format, stored)));
        ctx.status(result.rolledBack() ? 422 : 200).json(result);
    }

    /** What the audit log keeps of a call-log import: the format and the counts, never a line of the log. */
    public static Map<String, Object> importDetails(CallLogImport.Format format, CallLogImport.Result stored) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("format", format.name().toLowerCase(java.util.Locale.ROOT));
        details.put("imported", stored.imported());
        details.put("duplicates", stored.duplicates());
        details.put("skipped", stored.skipped());
        return details;
    }

    /**
     * ?property=&from=&to=&status=&attribution=&source= (newest first, at most 500). {@code source} matches a
     * static number's source name or the attributed session's utm_source, case-insensitively.
     */
    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        Instant from = Admin.queryInstant(ctx, "from", Instant.EPOCH);
        Instant to = Admin.queryInstant(ctx, "to", Instant.parse("9999-01-01T00:00:00Z"));
        String status = ctx.queryParam("status");
        String attribution = ctx.queryParam("attribution");
        String source = ctx.queryParam("source");
        ctx.json(jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + """
                         FROM phone_call c
                         LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                        WHERE c.account_id = :account
                          AND (CAST(:property AS BIGINT) IS NULL OR c.property_id = :property)
                          AND c.started_at >= :from AND c.started_at < :to
                          AND (CAST(:status AS VARCHAR(16)) IS NULL OR c.status = :status)
                          AND (CAST(:attribution AS VARCHAR(16)) IS NULL OR c.attribution = :attribution)
                          AND (CAST(:source AS VARCHAR(200)) IS NULL OR LOWER(c.source_name) = LOWER(:source)
                               OR LOWER(s.utm_source) = LOWER(:source))
                        ORDER BY c.started_at DESC, c.id DESC LIMIT 500""")
                .bind("account", account.id()).bind("property", property).bind("from", from).bind("to", to)
                .bind("status", status).bind("attribution", attribution).bind("source", source)
                .mapToMap().list()));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "call");
        Map<String, Object> call = jdbi.withHandle(handle -> {
            Map<String, Object> row = handle.createQuery("SELECT " + COLUMNS + """
                            , c.recording_url FROM phone_call c WHERE c.id = :id AND c.account_id = :account""")
                    .bind("id", id).bind("account", account.id()).mapToMap().findOne()
                    .orElseThrow(() -> ApiError.notFound("call"));
            Map<String, Object> answer = new LinkedHashMap<>(row);
            Object session = row.get("session_id");
            if (session != null) {
                answer.put("session", handle.createQuery("""
                                SELECT id, started_at, last_seen_at, landing_url, referrer, utm_source, utm_medium, utm_campaign,
                                       utm_term, utm_content, gclid, gbraid, wbraid, msclkid, fbclid
                                  FROM visit_session WHERE id = :session AND account_id = :account""")
                        .bind("session", session).bind("account", account.id()).mapToMap().findOne().orElse(null));
                List<Map<String, Object>> events = handle.createQuery("""
                                SELECT type, url, number_clicked, occurred_at FROM tracking_event
                                 WHERE session_id = :session AND account_id = :account ORDER BY occurred_at""")
                        .bind("session", session).bind("account", account.id()).mapToMap().list();
                answer.put("events", events);
            }
            return answer;
        });
        ctx.json(call);
    }
}
