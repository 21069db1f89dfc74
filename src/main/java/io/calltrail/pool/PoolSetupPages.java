package io.calltrail.pool;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Set-up pages of pools (lease settings, overflow, fallback) and of tracking numbers (where each forwards, its pool
 * or source, whisper, caller id and recording). Every change goes through {@link PoolHandlers}, as the API's do.
 */
public final class PoolSetupPages {
    private static final String POOLS = "/app/setup/pools";
    private static final String NUMBERS = "/app/setup/tracking-numbers";
    private static final FormJson POOL_FORM = FormJson.fields()
            .number("property_id", "idle_timeout_seconds", "linger_seconds")
            .textOrNull("name", "fallback_number")
            .text("overflow_policy");
    private static final FormJson NUMBER_FORM = FormJson.fields()
            .number("property_id")
            .textOrNull("number", "forward_to", "source_name", "whisper")
            .text("name", "provider", "caller_id", "recording_announcement")
            .numberOrNull("pool_id")
            .checkbox("record_calls");
    private static final List<String> PROVIDERS = List.of("twilio", "signalwire", "telnyx");

    private final Forms forms;
    private final PoolHandlers handlers;
    private final PropertyStore properties;
    private final int defaultIdleSeconds;
    private final int defaultLingerSeconds;

    public PoolSetupPages(Forms forms, PoolHandlers handlers, PropertyStore properties, int defaultIdleSeconds, int defaultLingerSeconds) {
        this.forms = forms;
        this.handlers = handlers;
        this.properties = properties;
        this.defaultIdleSeconds = defaultIdleSeconds;
        this.defaultLingerSeconds = defaultLingerSeconds;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Map<Long, String> names = Property.namesById(properties.list(account.id()));
        Map<Long, Long> sizes = handlers.numbers(account, null, null).stream().filter(number -> number.poolId() != null)
                .collect(Collectors.groupingBy(TrackingNumber::poolId, Collectors.counting()));
        List<Map<String, Object>> rows = handlers.pools(account, null).stream().map(pool -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pool", pool);
            row.put("property", names.get(pool.propertyId()));
            row.put("size", sizes.getOrDefault(pool.id(), 0L));
            row.put("idleMinutes", pool.idleTimeoutSeconds() / 60);
            row.put("lingerMinutes", pool.lingerSeconds() / 60);
            row.put("fallback", Readable.phone(pool.fallbackE164()));
            return row;
        }).toList();
        forms.render(ctx, "setup/pools", Map.of("pools", rows, "hasProperties", !names.isEmpty()));
    }

    public void newPool(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", queryId(ctx, "property"));
        values.put("idle_timeout_seconds", Integer.toString(defaultIdleSeconds));
        values.put("linger_seconds", Integer.toString(defaultLingerSeconds));
        values.put("overflow_policy", Pool.OverflowPolicy.FALLBACK.toString());
        showPool(ctx, null, Forms.showing(values));
    }

    public void createPool(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = POOL_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.createPool(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(POOLS + "/" + created.id(),
                        "Pool “" + created.name() + "” added. Next: add its tracking numbers."),
                form.values(), model -> showPool(ctx, null, model));
    }

    public void showPoolPage(Context ctx) {
        Dashboard.requireWriter(ctx);
        Pool pool = pool(ctx);
        showPool(ctx, pool, Forms.showing(values(pool)));
    }

    public void updatePool(Context ctx) {
        Dashboard.requireWriter(ctx);
        Pool pool = pool(ctx);
        FormJson.Submitted form = POOL_FORM.read(ctx.formParamMap());
        form.json().remove("property_id"); // a pool stays with its property
        forms.change(ctx, () -> handlers.updatePool(Admin.account(ctx), Admin.actor(ctx), pool.id(), form.body()),
                saved -> new Forms.Redirect(POOLS + "/" + saved.id(), "Pool “" + saved.name() + "” saved."),
                form.values(), model -> showPool(ctx, pool, model));
    }

    public void deletePool(Context ctx) {
        Dashboard.requireWriter(ctx);
        Pool pool = pool(ctx);
        forms.change(ctx, () -> handlers.deletePool(Admin.account(ctx), Admin.actor(ctx), pool.id()),
                new Forms.Redirect(POOLS, "Pool “" + pool.name() + "” deleted."),
                values(pool), model -> showPool(ctx, pool, model));
    }

    public void listNumbers(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Map<Long, String> names = Property.namesById(properties.list(account.id()));
        Map<Long, String> pools = handlers.pools(account, null).stream().collect(Collectors.toMap(Pool::id, Pool::name));
        forms.render(ctx, "setup/tracking-numbers", Map.of("numbers", numberRows(handlers.numbers(account, null, null), names, pools),
                "hasProperties", !names.isEmpty()));
    }

    public void newNumber(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        String poolId = queryId(ctx, "pool");
        String propertyId = queryId(ctx, "property");
        if (!poolId.isEmpty()) {
            Pool pool = handlers.pool(Admin.account(ctx), Long.parseLong(poolId)).orElseThrow(() -> ApiError.notFound("pool"));
            propertyId = Long.toString(pool.propertyId());
        }
        values.put("property_id", propertyId);
        values.put("pool_id", poolId);
        values.put("provider", "twilio");
        values.put("caller_id", TrackingNumber.CallerId.CALLER.toString());
        values.put("record_calls", false);
        values.put("recording_announcement", TrackingNumber.DEFAULT_ANNOUNCEMENT);
        showNumber(ctx, null, Forms.showing(values));
    }

    public void createNumber(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = NUMBER_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.createNumber(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(created.poolId() == null ? NUMBERS : POOLS + "/" + created.poolId(),
                        "Tracking number " + Readable.phone(created.e164()) + " added."),
                form.values(), model -> showNumber(ctx, null, model));
    }

    public void showNumberPage(Context ctx) {
        Dashboard.requireWriter(ctx);
        TrackingNumber number = number(ctx);
        showNumber(ctx, number, Forms.showing(values(number)));
    }

    public void updateNumber(Context ctx) {
        Dashboard.requireWriter(ctx);
        TrackingNumber number = number(ctx);
        FormJson.Submitted form = NUMBER_FORM.read(ctx.formParamMap());
        form.json().remove("property_id"); // a tracking number stays with its property
        forms.change(ctx, () -> handlers.updateNumber(Admin.account(ctx), Admin.actor(ctx), number.id(), form.body()),
                saved -> new Forms.Redirect(NUMBERS, "Tracking number " + Readable.phone(saved.e164()) + " saved."),
                form.values(), model -> showNumber(ctx, number, model));
    }

    public void deleteNumber(Context ctx) {
        Dashboard.requireWriter(ctx);
        TrackingNumber number = number(ctx);
        forms.change(ctx, () -> handlers.deleteNumber(Admin.account(ctx), Admin.actor(ctx), number.id()),
                new Forms.Redirect(NUMBERS, "Tracking number " + Readable.phone(number.e164()) + " deleted."),
                values(number), model -> showNumber(ctx, number, model));
    }

    private void showPool(Context ctx, Pool pool, Map<String, Object> model) {
        Account account = Admin.account(ctx);
        Map<String, Object> all = new HashMap<>(model);
        List<Property> owned = properties.list(account.id());
        all.put("properties", owned.stream().map(property -> new Forms.Option(Long.toString(property.id()), property.name())).toList());
        all.put("policies", Forms.options(Pool.OverflowPolicy.class, policy -> switch (policy) {
            case FALLBACK -> "Show the fallback number (the call still counts for the visit's source)";
            case REUSE_OLDEST -> "Reuse the number idle longest (its calls get a lower confidence)";
        }));
        if (pool != null) {
            all.put("pool", pool);
            all.put("property", owned.stream().filter(property -> property.id() == pool.propertyId()).findFirst().orElseThrow());
            Map<Long, String> names = Property.namesById(owned);
            all.put("numbers", numberRows(handlers.numbers(account, null, pool.id()), names, Map.of(pool.id(), pool.name())));
        }
        forms.render(ctx, "setup/pool", all);
    }

    private void showNumber(Context ctx, TrackingNumber number, Map<String, Object> model) {
        Account account = Admin.account(ctx);
        Map<String, Object> all = new HashMap<>(model);
        List<Property> owned = properties.list(account.id());
        Map<Long, String> names = Property.namesById(owned);
        all.put("properties", owned.stream().map(property -> new Forms.Option(Long.toString(property.id()), property.name())).toList());
        all.put("pools", handlers.pools(account, number == null ? null : number.propertyId()).stream()
                .map(pool -> new Forms.Option(Long.toString(pool.id()), pool.name() + " · " + names.get(pool.propertyId()))).toList());
        all.put("providers", PROVIDERS);
        all.put("callerIds", Forms.options(TrackingNumber.CallerId.class, callerId -> switch (callerId) {
            case CALLER -> "The caller's number";
            case TRACKING -> "The tracking number (so staff can tell a tracked call)";
        }));
        if (number != null) {
            all.put("number", number);
            all.put("property", owned.stream().filter(property -> property.id() == number.propertyId()).findFirst().orElseThrow());
        }
        forms.render(ctx, "setup/tracking-number", all);
    }

    private static List<Map<String, Object>> numberRows(List<TrackingNumber> numbers, Map<Long, String> properties, Map<Long, String> pools) {
        return numbers.stream().map(number -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("number", number);
            row.put("shown", Readable.phone(number.e164()));
            row.put("forwardTo", Readable.phone(number.forwardTo()));
            row.put("property", properties.get(number.propertyId()));
            row.put("use", number.poolId() != null ? "Pool: " + pools.getOrDefault(number.poolId(), "#" + number.poolId())
                    : number.sourceName() != null ? "Source: " + number.sourceName() : "Not in use yet");
            return row;
        }).toList();
    }

    private static Map<String, Object> values(Pool pool) {
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", Long.toString(pool.propertyId()));
        values.put("name", pool.name());
        values.put("idle_timeout_seconds", Integer.toString(pool.idleTimeoutSeconds()));
        values.put("linger_seconds", Integer.toString(pool.lingerSeconds()));
        values.put("overflow_policy", pool.overflowPolicy().toString());
        values.put("fallback_number", pool.fallbackE164() == null ? "" : Readable.phone(pool.fallbackE164()));
        return values;
    }

    private static Map<String, Object> values(TrackingNumber number) {
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", Long.toString(number.propertyId()));
        values.put("number", Readable.phone(number.e164()));
        values.put("forward_to", Readable.phone(number.forwardTo()));
        values.put("name", number.name());
        values.put("provider", number.provider());
        values.put("pool_id", number.poolId() == null ? "" : Long.toString(number.poolId()));
        values.put("source_name", number.sourceName() == null ? "" : number.sourceName());
        values.put("whisper", number.whisper() == null ? "" : number.whisper());
        values.put("caller_id", number.callerId().toString());
        values.put("record_calls", number.recordCalls());
        values.put("recording_announcement", number.recordingAnnouncement());
        return values;
    }

    private static String queryId(Context ctx, String name) {
        String given = ctx.queryParam(name);
        return given == null || !given.matches("[0-9]{1,18}") ? "" : given;
    }

    private Pool pool(Context ctx) {
        return handlers.pool(Admin.account(ctx), Admin.pathId(ctx, "pool")).orElseThrow(() -> ApiError.notFound("pool"));
    }

    private TrackingNumber number(Context ctx) {
        return handlers.number(Admin.account(ctx), Admin.pathId(ctx, "tracking number"))
                .orElseThrow(() -> ApiError.notFound("tracking number"));
    }
}
