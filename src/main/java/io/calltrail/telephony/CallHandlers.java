package io.calltrail.telephony;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.privacy.AuditLog;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The account's calls, with callers masked; one call with its journey; the full number only to keys allowed to reveal it. */
public final class CallHandlers {
    private final Jdbi jdbi;
    private final CallLogImport importer;
    private final CallerReveal reveal;
    private final CallQueries calls = new CallQueries();
    private final AuditLog audit;

    public CallHandlers(Jdbi jdbi, CallLogImport importer, CallerReveal reveal, AuditLog audit) {
        this.jdbi = jdbi;
        this.importer = importer;
        this.reveal = reveal;
        this.audit = audit;
    }

    /** {@code POST /api/v1/calls/{id}/reveal}: the caller's full number, for keys with {@code can_reveal} ({@link CallerReveal}). */
    public void reveal(Context ctx) {
        long id = Admin.pathId(ctx, "call");
        String caller = reveal.reveal(Admin.actor(ctx), id).e164();
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
     * ?property=&from=&to=&status=&attribution=&source= (newest first, at most 500). {@code source} is the source's
     * name as reports show it (a static number's source, else the visit's utm_source, else its referrer's domain, else
     * {@code (direct)}; {@code (not attributable)} for calls tracking could not place), case-insensitively.
     */
    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        CallQueries.Filter filter = new CallQueries.Filter(Admin.queryId(ctx, "property"),
                Admin.queryInstant(ctx, "from", null), Admin.queryInstant(ctx, "to", null), ctx.queryParam("status"), null,
                ctx.queryParam("attribution"), null, null, ctx.queryParam("source"));
        ctx.json(jdbi.withHandle(handle -> calls.apiList(handle, account.id(), filter, 500)));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "call");
        ctx.json(jdbi.withHandle(handle -> calls.apiCall(handle, account.id(), id)).orElseThrow(() -> ApiError.notFound("call")));
    }
}
