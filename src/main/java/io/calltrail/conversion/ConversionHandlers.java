package io.calltrail.conversion;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.privacy.AuditLog;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin API for conversion actions, and the conversions they made. */
public final class ConversionHandlers {
    private static final Set<String> FIELDS = Set.of("property_id", "name", "kind", "min_talk_seconds", "answered_only",
            "first_time_only", "attribution_methods", "min_confidence", "counting", "click_window_days", "value", "currency",
            "value_source", "outcome_statuses", "sources_included", "sources_excluded", "google_conversion_id",
            "export_min_confidence");
    private static final Set<String> METHODS = Set.of("lease", "linger", "static_source", "none");

    private final Jdbi jdbi;
    private final ConversionStore store = new ConversionStore();
    private final PropertyStore properties;
    private final Clock clock;
    private final Reevaluation reevaluation;
    private final AuditLog audit;

    public ConversionHandlers(Jdbi jdbi, Conversions conversions, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.reevaluation = new Reevaluation(jdbi, conversions, clock, audit);
        this.properties = new PropertyStore(jdbi);
        this.clock = clock;
    }

    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        ctx.json(actions(account, property));
    }

    /** The account's conversion actions, or one property's. */
    public List<ConversionAction> actions(Account account, Long propertyId) {
        return jdbi.withHandle(handle -> store.actions(handle, account.id(), propertyId));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "conversion action");
        ctx.json(action(account, id).orElseThrow(() -> ApiError.notFound("conversion action")));
    }

    public java.util.Optional<ConversionAction> action(Account account, long id) {
        return jdbi.withHandle(handle -> store.action(handle, account.id(), id));
    }

    public void create(Context ctx) {
        ctx.status(201).json(create(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates an action with the defaults of Google Ads' call conversions for what {@code body} leaves out. */
    public ConversionAction create(Account account, Actor actor, JsonBody body) {
        body.allowOnly(FIELDS);
        long propertyId = Admin.requiredId(body, "property_id");
        Property property = properties.get(account.id(), propertyId)
                .orElseThrow(() -> ApiError.invalid("property_id", "no property " + propertyId + " in this account"));
        Instant now = clock.instant();
        ConversionAction draft = read(body, ConversionAction.defaults(account.id(), property.id(), property.currency(), now));
        return jdbi.inTransaction(handle -> {
            ConversionAction inserted = store.insert(handle, draft);
            audit.settingsChange(handle, actor, "conversion_action", inserted.id(), "create", AuditLog.snapshot(inserted));
            return inserted;
        });
    }

    public void update(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "conversion action");
        action(account, id).orElseThrow(() -> ApiError.notFound("conversion action"));
        ctx.json(update(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    /** Changes the rules {@code body} holds; a change of rules makes a new rule version. */
    public ConversionAction update(Account account, Actor actor, long id, JsonBody body) {
        return jdbi.inTransaction(handle -> {
            ConversionAction before = store.action(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("conversion action"));
            body.allowOnly(FIELDS);
            if (body.has("property_id") && body.optionalLong("property_id").orElse(-1L) != before.propertyId()) {
                throw ApiError.invalid("property_id", "an action cannot move to another property");
            }
            if (body.has("kind") && !body.optionalString("kind", 16).orElse("").equals(before.kind().toString())) {
                throw ApiError.invalid("kind", "an action's kind cannot change; create another action");
            }
            store.update(handle, read(body, before), clock.instant());
            ConversionAction saved = store.action(handle, account.id(), id).orElseThrow();
            audit.settingsChange(handle, actor, "conversion_action", id, "update", AuditLog.changed(before, saved));
            return saved;
        });
    }

    public void delete(Context ctx) {
        delete(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "conversion action"));
        ctx.status(204);
    }

    public void delete(Account account, Actor actor, long id) {
        boolean deleted = Admin.inUse(
                () -> jdbi.inTransaction(handle -> {
                    var existing = store.action(handle, account.id(), id);
                    if (existing.isEmpty() || !store.delete(handle, account.id(), id)) {
                        return false;
                    }
                    audit.settingsChange(handle, actor, "conversion_action", id, "delete", AuditLog.snapshot(existing.get()));
                    return true;
                }),
                "the action has conversions; change its rules instead");
        if (!deleted) {
            throw ApiError.notFound("conversion action");
        }
    }


    /** {"from": ISO, "to": ISO (default now)}: the action's current rules applied again to the calls or clicks of that period. */
    public void reevaluate(Context ctx) {
        Actor actor = Admin.actor(ctx);
        long id = Admin.pathId(ctx, "conversion action");
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("from", "to"));
        Instant from = instant(body, "from").orElseThrow(() -> ApiError.invalid("from", "from is required: the start of the period"));
        Instant to = instant(body, "to").orElse(clock.instant());
        if (!from.isBefore(to)) {
            throw ApiError.invalid("to", "to must be after from");
        }
        ctx.json(reevaluation.run(actor, id, from, to).orElseThrow(() -> ApiError.notFound("conversion action")));
    }

    private static java.util.Optional<Instant> instant(JsonBody body, String field) {
        return body.optionalString(field, 40).map(text -> {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiError.invalid(field, field + " must be an ISO-8601 time such as 2026-11-01T00:00:00Z");
            }
        });
    }

    /** ?property=&action=&from=&to= (newest first, at most 1000). */
    public void conversions(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        Long action = Admin.queryId(ctx, "action");
        Instant from = Admin.queryInstant(ctx, "from", Instant.EPOCH);
        Instant to = Admin.queryInstant(ctx, "to", Instant.parse("9999-01-01T00:00:00Z"));
        ctx.json(jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, property_id, action_id, rule_version, call_id, event_id, session_id, click_id, click_id_type,
                               converted_at, conversion_value, currency, value_version, retracted_at, outcome_id, created_at,
                               updated_at
                          FROM conversion
                         WHERE account_id = :account
                           AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                           AND (CAST(:action AS BIGINT) IS NULL OR action_id = :action)
                           AND converted_at >= :from AND converted_at < :to
                         ORDER BY converted_at DESC, id DESC LIMIT 1000""")
                .bind("account", account.id()).bind("property", property).bind("action", action)
                .bind("from", from).bind("to", to).mapToMap().list()));
    }

    private ConversionAction read(JsonBody body, ConversionAction base) {
        String name = body.has("name") || base.name() == null ? body.requiredString("name", 200) : base.name();
        ConversionAction.Kind kind = body.optionalEnum("kind", ConversionAction.Kind.class).orElse(base.kind());
        int minTalk = body.optionalInt("min_talk_seconds", 0, 24 * 3600).orElse(base.minTalkSeconds());
        boolean answered = body.optionalBoolean("answered_only").orElse(base.answeredOnly());
        boolean firstTime = body.optionalBoolean("first_time_only").orElse(base.firstTimeOnly());
        Set<String> methods = base.attributionMethods();
        if (body.has("attribution_methods")) {
            List<String> given = body.optionalStringList("attribution_methods", 4, 16);
            for (int i = 0; i < given.size(); i++) {
                if (!METHODS.contains(given.get(i))) {
                    throw ApiError.invalid("attribution_methods[" + i + "]", "attribution methods are lease, linger, static_source and none");
                }
            }
            if (given.isEmpty()) {
                throw ApiError.invalid("attribution_methods", "name at least one attribution method");
            }
            methods = new LinkedHashSet<>(given);
        }
        BigDecimal minConfidence = confidence(body, "min_confidence", base.minConfidence());
        BigDecimal exportMinConfidence = confidence(body, "export_min_confidence", base.exportMinConfidence());
        ConversionAction.Counting counting = body.optionalEnum("counting", ConversionAction.Counting.class).orElse(base.counting());
        int window = body.optionalInt("click_window_days", 1, 90).orElse(base.clickWindowDays());
        BigDecimal value = base.value();
        if (body.has("value")) {
            var raw = body.raw("value");
            if (raw != null && !raw.isNull() && (!raw.isNumber() || raw.decimalValue().signum() < 0 || raw.decimalValue().scale() > 2)) {
                throw ApiError.invalid("value", "value must be a non-negative amount with at most two decimals");
            }
            value = raw == null || raw.isNull() ? null : raw.decimalValue();
        }
        String currency = body.optionalString("currency", 3).map(c -> c.toUpperCase(java.util.Locale.ROOT)).orElse(base.currency());
        try {
            java.util.Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("currency", "currency must be an ISO 4217 code such as USD");
        }
        ConversionAction.ValueSource valueSource = body.optionalEnum("value_source", ConversionAction.ValueSource.class)
                .orElse(base.valueSource());
        if (valueSource == ConversionAction.ValueSource.OUTCOME && kind != ConversionAction.Kind.CALL) {
            throw ApiError.invalid("value_source", "only call actions take their value from outcomes");
        }
        Set<String> statuses = names(body, "outcome_statuses", base.outcomeStatuses(), 40);
        if (statuses.isEmpty()) {
            throw ApiError.invalid("outcome_statuses", "name at least one outcome status, e.g. qualified");
        }
        Set<String> included = names(body, "sources_included", base.sourcesIncluded(), 256);
        Set<String> excluded = names(body, "sources_excluded", base.sourcesExcluded(), 256);
        String googleId = base.googleConversionId();
        if (body.has("google_conversion_id")) {
            googleId = body.optionalString("google_conversion_id", 32).orElse(null);
            if (googleId != null && !googleId.matches("[0-9]{1,20}")) {
                throw ApiError.invalid("google_conversion_id", "the Google Ads conversion action id is a number, e.g. 123456789");
            }
        }
        return new ConversionAction(base.id(), base.accountId(), base.propertyId(), name, kind, minTalk, answered, firstTime,
                methods, minConfidence, counting, window, value, currency, base.ruleVersion(), base.createdAt(), base.updatedAt(),
                valueSource, statuses, included, excluded, googleId, exportMinConfidence);
    }

    private static BigDecimal confidence(JsonBody body, String field, BigDecimal base) {
        if (!body.has(field)) {
            return base;
        }
        var raw = body.raw(field);
        if (raw == null || !raw.isNumber() || raw.asDouble() < 0 || raw.asDouble() > 1 || raw.decimalValue().scale() > 3) {
            throw ApiError.invalid(field, field + " must be a number from 0 to 1, at most three decimals");
        }
        return raw.decimalValue();
    }

    /** A list of lower-case names without commas (sources, outcome statuses). */
    private static Set<String> names(JsonBody body, String field, Set<String> base, int maxLength) {
        if (!body.has(field)) {
            return base;
        }
        List<String> given = body.optionalStringList(field, 100, maxLength);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i).trim().toLowerCase(java.util.Locale.ROOT);
            if (name.isEmpty() || name.contains(",")) {
                throw ApiError.invalid(field + "[" + i + "]", "a name must be non-empty and without commas");
            }
            names.add(name);
        }
        return names;
    }
}
