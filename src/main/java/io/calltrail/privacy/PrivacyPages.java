package io.calltrail.privacy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.calltrail.app.JsonBody;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's privacy tools, for owners and admins: how long data is kept (and what the daily purge removed),
 * erasing a caller, and a subject-access copy of what is stored about one. Each does what the admin API does
 * ({@link PrivacyHandlers}), with the signed-in user as the actor, so the audit log records it the same way.
 */
public final class PrivacyPages {
    private static final int PURGE_ROWS = 200;
    private static final int PURGE_RUNS_SHOWN = 10;

    /** The purge's kinds of rows, in words; those it might add later are shown by their name. */
    private static final Map<String, String> PURGED = Map.ofEntries(
            Map.entry("caller_numbers", "full caller numbers"),
            Map.entry("conversion_exports", "export records"),
            Map.entry("conversions", "conversions"),
            Map.entry("outcomes", "CRM outcomes"),
            Map.entry("call_events", "call events"),
            Map.entry("calls", "calls"),
            Map.entry("tracking_events", "page views and clicks"),
            Map.entry("session_numbers", "numbers shown to visits"),
            Map.entry("leases", "number leases"),
            Map.entry("sessions", "visits"),
            Map.entry("pool_exhaustions", "times a pool ran out"),
            Map.entry("delivery_attempts", "delivery attempts"),
            Map.entry("deliveries", "webhook and export deliveries"),
            Map.entry("export_runs", "export runs"));

    /** What an erasure's counts mean, in the order {@link Erasure} reports them. */
    private static final Map<String, String> ERASED = Map.of(
            "calls", "Calls that no longer hold the caller's number (they stay in your reports)",
            "recordings_at_provider", "Recordings whose link was removed (the audio is at your phone provider: delete it there)",
            "pending_exports", "Conversions not yet exported, which now go without the number",
            "outcomes", "CRM outcomes no longer tied to the caller",
            "deliveries_dropped", "Queued webhook or export deliveries dropped",
            "deliveries_scrubbed", "Sent deliveries with the number blanked");

    /** How an API message's field is named on this page. */
    private static final Map<String, String> SUBJECTS = Map.of(
            "phone", "The number",
            "caller_number_days", "The number of days",
            "records_months", "The number of months");

    private final Dashboard dashboard;
    private final PrivacyHandlers privacy;
    private final PropertyStore properties;
    private final Clock clock;

    public PrivacyPages(Dashboard dashboard, PrivacyHandlers privacy, PropertyStore properties, Clock clock) {
        this.dashboard = dashboard;
        this.privacy = privacy;
        this.properties = properties;
        this.clock = clock;
    }

    /** One count of what was erased or purged, in words. */
    public record Count(String kind, String label, long count) {
    }

    /** One purge run: when, and what it removed. */
    public record PurgeRun(String when, String iso, String removed) {
    }

    /** {@code GET /app/privacy}. */
    public void page(Context ctx) {
        Dashboard.requireWriter(ctx);
        render(ctx, 200, new HashMap<>());
    }

    /** {@code POST /app/privacy/retention}: {@code caller_number_days}, {@code records_months}, checked as the API checks them. */
    public void setRetention(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> model = new HashMap<>();
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        Map<String, String> typed = new LinkedHashMap<>();
        for (String field : List.of("caller_number_days", "records_months")) {
            String raw = Optional.ofNullable(ctx.formParam(field)).orElse("").strip();
            typed.put(field, raw);
            // a whole number goes as one; anything else as the text it is, which the API's check calls not a number
            if (raw.matches("-?[0-9]{1,18}")) {
                fields.put(field, Long.parseLong(raw));
            } else {
                fields.put(field, raw);
            }
        }
        try {
            privacy.setRetention(Admin.actor(ctx), JsonBody.object(fields, ""));
            model.put("retentionSaved", true);
            render(ctx, 200, model);
        } catch (ApiError invalid) {
            model.put("retentionForm", typed);
            model.put("retentionErrors", fieldErrors(invalid));
            render(ctx, invalid.status(), model);
        }
    }

    /** {@code POST /app/privacy/erase}: {@code phone}, {@code country}; shows what was erased, the caller masked. */
    public void erase(Context ctx) {
        Dashboard.requireWriter(ctx);
        Actor actor = Admin.actor(ctx);
        Map<String, Object> model = new HashMap<>();
        PhoneNumber caller;
        try {
            caller = caller(ctx, actor);
        } catch (ApiError invalid) {
            model.put("eraseForm", form(ctx));
            model.put("eraseErrors", fieldErrors(invalid));
            render(ctx, invalid.status(), model);
            return;
        }
        Map<String, Object> answer = privacy.erase(actor, caller);
        @SuppressWarnings("unchecked")
        Map<String, Integer> erased = (Map<String, Integer>) answer.get("erased");
        List<Count> counts = new ArrayList<>();
        erased.forEach((kind, count) -> counts.add(new Count(kind, ERASED.getOrDefault(kind, kind), count)));
        model.put("erasedCaller", answer.get("caller"));
        model.put("erased", counts);
        model.put("recordingsAtProvider", erased.getOrDefault("recordings_at_provider", 0));
        render(ctx, 200, model);
    }

    /** {@code POST /app/privacy/subject}: {@code phone}, {@code country}; the API's JSON answer, as a file. */
    public void subject(Context ctx) {
        Dashboard.requireWriter(ctx);
        Actor actor = Admin.actor(ctx);
        PhoneNumber caller;
        try {
            caller = caller(ctx, actor);
        } catch (ApiError invalid) {
            Map<String, Object> model = new HashMap<>();
            model.put("subjectForm", form(ctx));
            model.put("subjectErrors", fieldErrors(invalid));
            render(ctx, invalid.status(), model);
            return;
        }
        byte[] report = Json.write(privacy.subject(actor, caller)).getBytes(StandardCharsets.UTF_8);
        ctx.header("Content-Disposition", "attachment; filename=\"subject-access-" + LocalDate.now(clock.withZone(ZoneOffset.UTC)) + ".json\"");
        ctx.contentType("application/json; charset=utf-8").result(report);
    }

    private PhoneNumber caller(Context ctx, Actor actor) {
        return privacy.caller(actor.accountId(), ctx.formParam("phone"), ctx.formParam("country"));
    }

    /** The phone form as sent, shown again beside its message; only ever a number that was not valid. */
    private static Map<String, String> form(Context ctx) {
        return Map.of("phone", Optional.ofNullable(ctx.formParam("phone")).orElse(""),
                "country", Optional.ofNullable(ctx.formParam("country")).orElse(""));
    }

    /** The API's message for a field, worded for this page; a message without a field is the form's. */
    private static Map<String, String> fieldErrors(ApiError error) {
        String field = error.field() == null ? "form" : error.field();
        String message = error.getMessage();
        String subject = SUBJECTS.get(field);
        if (subject != null && message.startsWith(field + " ")) {
            message = subject + message.substring(field.length());
        }
        return Map.of(field, message);
    }

    private void render(Context ctx, int status, Map<String, Object> model) {
        long accountId = Admin.account(ctx).id();
        List<Property> all = properties.list(accountId);
        ZoneId zone = zone(all);
        Retention retention = privacy.retention(accountId);
        model.put("retention", retention);
        model.put("defaults", Retention.DEFAULT);
        model.put("maxDays", Retention.MAX_CALLER_NUMBER_DAYS);
        model.put("maxMonths", Retention.MAX_RECORDS_MONTHS);
        model.putIfAbsent("retentionForm", Map.of("caller_number_days", Integer.toString(retention.callerNumberDays()),
                "records_months", Integer.toString(retention.recordsMonths())));
        model.put("saltHours", Purge.SALT_LIFETIME.toHours());
        model.put("purges", purgeRuns(privacy.purges(accountId, PURGE_ROWS), zone));
        model.put("zone", zone.getId());
        model.put("countries", all.stream().map(Property::country).distinct().sorted().toList());
        model.putIfAbsent("eraseForm", Map.of());
        model.putIfAbsent("subjectForm", Map.of());
        model.putIfAbsent("eraseErrors", Map.of());
        model.putIfAbsent("subjectErrors", Map.of());
        model.putIfAbsent("retentionErrors", Map.of());
        ctx.status(status);
        dashboard.render(ctx, "privacy", model);
    }

    /** The purge's rows grouped by run, newest first: "3 full caller numbers, 12 visits". */
    private static List<PurgeRun> purgeRuns(List<Purge.Removed> rows, ZoneId zone) {
        Map<Instant, List<String>> runs = new LinkedHashMap<>();
        for (Purge.Removed row : rows) {
            String kind = row.kind();
            runs.computeIfAbsent(row.ranAt(), at -> new ArrayList<>())
                    .add(row.removed() + " " + PURGED.getOrDefault(kind, kind.replace('_', ' ')));
        }
        List<PurgeRun> shown = new ArrayList<>();
        runs.forEach((at, removed) -> shown.add(new PurgeRun(Readable.dateTime(at, zone), Readable.iso(at), String.join(", ", removed))));
        return shown.subList(0, Math.min(PURGE_RUNS_SHOWN, shown.size()));
    }

    /** The zone the account's websites share, else UTC. */
    private static ZoneId zone(List<Property> all) {
        List<String> zones = all.stream().map(Property::timeZone).distinct().toList();
        return zones.size() == 1 ? ZoneId.of(zones.get(0)) : ZoneOffset.UTC;
    }
}
