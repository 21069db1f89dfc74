package io.calltrail.conversion;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.calltrail.app.JsonBody;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.privacy.AuditLog;
import io.javalin.http.Context;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin API for CRM outcomes: JSON batches, CSV uploads, and the list of what is stored (unmatched ones included). */
public final class OutcomeHandlers {
    private static final int MAX_BATCH = 10_000;

    private final Jdbi jdbi;
    private final Outcomes outcomes;
    private final OutcomeStore store = new OutcomeStore();
    private final AuditLog audit;

    public OutcomeHandlers(Jdbi jdbi, Outcomes outcomes, AuditLog audit) {
        this.jdbi = jdbi;
        this.outcomes = outcomes;
        this.audit = audit;
    }

    /** Stores a batch of outcomes and its audit entry ({@code outcome.import}, counts only) in one transaction. */
    public static Outcomes.Result upload(org.jdbi.v3.core.Handle handle, Outcomes outcomes, AuditLog audit, Actor actor,
                                         String format, List<Outcome> batch) {
        Outcomes.Result result = outcomes.upload(handle, actor.accountId(), batch);
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("format", format);
        details.put("received", result.received());
        details.put("created", result.created());
        details.put("updated", result.updated());
        details.put("unchanged", result.unchanged());
        details.put("matched", result.matched());
        details.put("unmatched", result.unmatched());
        audit.record(handle, actor, "outcome.import", null, null, details);
        return result;
    }

    /** {"country": "US", "outcomes": [{external_id, call_id | click_id (+ click_id_type) | phone, status, value, currency, occurred_at}]} */
    public void upload(Context ctx) {
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("country", "outcomes"));
        String country = country(body.optionalString("country", 2).orElse(null), "country");
        var items = body.raw("outcomes");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiError.invalid("outcomes", "outcomes must be a non-empty array");
        }
        if (items.size() > MAX_BATCH) {
            throw ApiError.invalid("outcomes", "at most " + MAX_BATCH + " outcomes per request");
        }
        List<Outcome> batch = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String where = "outcomes[" + i + "]";
            JsonBody item = JsonBody.object(items.get(i), where).allowOnly(OutcomeFields.NAMES);
            var node = items.get(i);
            batch.add(OutcomeFields.read(name -> {
                var value = node.get(name);
                if (value == null || value.isNull()) {
                    return null;
                }
                if (!value.isValueNode()) {
                    throw ApiError.invalid(item.path(name), item.path(name) + " must be a string or a number");
                }
                String text = value.isNumber() ? value.decimalValue().toPlainString() : value.asText();
                return text.isBlank() ? null : text.strip();
            }, where + ".", country));
        }
        store(ctx, "json", batch);
    }

    /** A CSV file with a header row; {@code ?country=US} for numbers written in national form. */
    public void importCsv(Context ctx) {
        String country = country(ctx.queryParam("country"), "country");
        store(ctx, "csv", OutcomeCsv.read(new StringReader(ctx.body()), country));
    }

    /** ?matched=true|false (newest first, at most 1000). */
    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        String matchedText = ctx.queryParam("matched");
        if (matchedText != null && !matchedText.equals("true") && !matchedText.equals("false")) {
            throw new ApiError(400, "invalid_query", "matched", "matched must be true or false");
        }
        Boolean matched = matchedText == null ? null : Boolean.valueOf(matchedText);
        ctx.json(jdbi.withHandle(handle -> store.list(handle, account.id(), matched, 1000)));
    }

    private void store(Context ctx, String format, List<Outcome> batch) {
        Actor actor = Admin.actor(ctx);
        Outcomes.Result result = Admin.writing(() -> jdbi.inTransaction(handle ->
                upload(handle, outcomes, audit, actor, format, batch)));
        ctx.json(result);
    }

    private static String country(String country, String field) {
        if (country == null) {
            return null;
        }
        String upper = country.toUpperCase(java.util.Locale.ROOT);
        if (!PhoneNumber.isSupportedCountry(upper)) {
            throw ApiError.invalid(field, field + " must be an ISO 3166 country code such as US");
        }
        return upper;
    }
}
