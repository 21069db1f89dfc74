package io.calltrail.tracking;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolHandlers;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyHandlers;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.tracking.SourceRule.Action;
import io.calltrail.tracking.SourceRule.Condition;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Set-up pages of source rules: in the order they are tried, each with its conditions (all must hold) and what the
 * visit is shown. Every change goes through {@link SourceRuleHandlers}, as the API's do.
 */
public final class SourceRulePages {
    private static final String RULES = "/app/setup/source-rules";
    /** Blank condition rows under the rule's own, to add conditions without script. */
    private static final int BLANK_ROWS = 2;
    private static final FormJson RULE_FORM = FormJson.fields()
            .number("property_id", "ordinal")
            .textOrNull("name")
            .text("action")
            .numberOrNull("target_number_id", "pool_id", "tracking_number_id")
            .rows("conditions", "field", "operator", "value");

    private final Forms forms;
    private final SourceRuleHandlers handlers;
    private final PropertyStore properties;
    private final PropertyHandlers targets;
    private final PoolHandlers pools;

    public SourceRulePages(Forms forms, SourceRuleHandlers handlers, PropertyStore properties, PropertyHandlers targets,
                           PoolHandlers pools) {
        this.forms = forms;
        this.handlers = handlers;
        this.properties = properties;
        this.targets = targets;
        this.pools = pools;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Names names = names(account);
        List<Map<String, Object>> rows = handlers.rules(account, null).stream().map(rule -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rule", rule);
            row.put("property", names.properties().get(rule.propertyId()));
            row.put("conditions", rule.conditions().isEmpty() ? "every visit"
                    : rule.conditions().stream().map(SourceRulePages::describe).collect(Collectors.joining(" and ")));
            row.put("target", rule.targetNumberId() == null ? "every target number"
                    : names.targets().getOrDefault(rule.targetNumberId(), "#" + rule.targetNumberId()));
            row.put("action", switch (rule.action()) {
                case POOL -> "a number from the pool " + names.pools().getOrDefault(rule.poolId(), "#" + rule.poolId());
                case NUMBER -> names.numbers().getOrDefault(rule.trackingNumberId(), "#" + rule.trackingNumberId());
                case NONE -> "your own number (no tracking)";
            });
            return row;
        }).toList();
        forms.render(ctx, "setup/source-rules", Map.of("rules", rows, "hasProperties", !names.properties().isEmpty()));
    }

    public void newForm(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        String property = ctx.queryParam("property");
        values.put("property_id", property == null || !property.matches("[0-9]{1,18}") ? "" : property);
        values.put("action", Action.POOL.toString());
        values.put("conditions", List.of(Map.of("field", Condition.Field.CLICK_ID.toString(),
                "operator", Condition.Operator.PRESENT.toString(), "value", "any")));
        showRule(ctx, null, Forms.showing(values));
    }

    public void create(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = RULE_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.create(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(RULES, "Source rule “" + created.name() + "” added."),
                form.values(), model -> showRule(ctx, null, model));
    }

    public void show(Context ctx) {
        Dashboard.requireWriter(ctx);
        SourceRule rule = rule(ctx);
        showRule(ctx, rule, Forms.showing(values(rule)));
    }

    public void update(Context ctx) {
        Dashboard.requireWriter(ctx);
        SourceRule rule = rule(ctx);
        FormJson.Submitted form = RULE_FORM.read(ctx.formParamMap());
        form.json().remove("property_id"); // a rule stays with its property
        forms.change(ctx, () -> handlers.update(Admin.account(ctx), Admin.actor(ctx), rule.id(), form.body()),
                saved -> new Forms.Redirect(RULES, "Source rule “" + saved.name() + "” saved."),
                form.values(), model -> showRule(ctx, rule, model));
    }

    public void delete(Context ctx) {
        Dashboard.requireWriter(ctx);
        SourceRule rule = rule(ctx);
        handlers.delete(Admin.account(ctx), Admin.actor(ctx), rule.id());
        forms.redirect(ctx, RULES, "Source rule “" + rule.name() + "” deleted.");
    }

    private void showRule(Context ctx, SourceRule rule, Map<String, Object> model) {
        Account account = Admin.account(ctx);
        Long propertyId = rule == null ? null : rule.propertyId();
        Map<Long, String> propertyNames = Property.namesById(properties.list(account.id()));
        Map<String, Object> all = new HashMap<>(model);
        all.put("properties", propertyNames.entrySet().stream().map(entry -> new Forms.Option(entry.getKey().toString(), entry.getValue())).toList());
        boolean anyProperty = propertyId == null; // a new rule may be for any property: each choice says whose it is
        all.put("targets", targets.targets(account, propertyId).stream().map(target -> new Forms.Option(Long.toString(target.id()),
                Readable.phone(target.e164()) + " · " + target.label() + (anyProperty ? " · " + propertyNames.get(target.propertyId()) : ""))).toList());
        all.put("pools", pools.pools(account, propertyId).stream().map(pool -> new Forms.Option(Long.toString(pool.id()),
                pool.name() + (anyProperty ? " · " + propertyNames.get(pool.propertyId()) : ""))).toList());
        all.put("numbers", pools.numbers(account, propertyId, null).stream().filter(number -> number.poolId() == null)
                .map(number -> new Forms.Option(Long.toString(number.id()), label(number)
                        + (anyProperty ? " · " + propertyNames.get(number.propertyId()) : ""))).toList());
        all.put("actions", Forms.options(Action.class, action -> switch (action) {
            case POOL -> "Lend the visit a number from a pool";
            case NUMBER -> "Show a static tracking number";
            case NONE -> "Show your own number (no tracking)";
        }));
        all.put("fields", Forms.options(Condition.Field.class, SourceRulePages::fieldLabel));
        all.put("operators", Forms.options(Condition.Operator.class, operator -> switch (operator) {
            case PRESENT -> "is present";
            case EQUALS -> "equals";
            case CONTAINS -> "contains";
        }));
        all.put("rows", rows(model));
        if (rule != null) {
            all.put("rule", rule);
            all.put("property", propertyNames.get(rule.propertyId()));
        }
        forms.render(ctx, "setup/source-rule", all);
    }

    /** The rule's condition rows as typed, then blank ones to add more. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> rows(Map<String, Object> model) {
        Map<String, Object> values = (Map<String, Object>) model.get("form");
        List<Map<String, String>> rows = new ArrayList<>((List<Map<String, String>>) values.getOrDefault("conditions", List.of()));
        for (int i = 0; i < BLANK_ROWS; i++) {
            rows.add(Map.of("field", "", "operator", "", "value", ""));
        }
        return rows;
    }

    private static Map<String, Object> values(SourceRule rule) {
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", Long.toString(rule.propertyId()));
        values.put("name", rule.name());
        values.put("ordinal", Integer.toString(rule.ordinal()));
        values.put("action", rule.action().toString());
        values.put("target_number_id", rule.targetNumberId() == null ? "" : rule.targetNumberId().toString());
        values.put("pool_id", rule.poolId() == null ? "" : rule.poolId().toString());
        values.put("tracking_number_id", rule.trackingNumberId() == null ? "" : rule.trackingNumberId().toString());
        values.put("conditions", rule.conditions().stream().map(condition -> Map.of("field", condition.field().toString(),
                "operator", condition.operator().toString(), "value", condition.value() == null ? "" : condition.value())).toList());
        return values;
    }

    private static String fieldLabel(Condition.Field field) {
        return switch (field) {
            case CLICK_ID -> "ad click id (gclid, msclkid...)";
            case UTM_SOURCE -> "utm_source";
            case UTM_MEDIUM -> "utm_medium";
            case UTM_CAMPAIGN -> "utm_campaign";
            case UTM_TERM -> "utm_term";
            case REFERRER_DOMAIN -> "referring domain";
            case LANDING_URL -> "landing page address";
        };
    }

    /** A condition as a sentence: "gclid is present", "utm_source equals yelp". */
    static String describe(Condition condition) {
        if (condition.field() == Condition.Field.CLICK_ID) {
            return "any".equals(condition.value()) || condition.value() == null ? "an ad click id is present" : condition.value() + " is present";
        }
        String field = fieldLabel(condition.field());
        return switch (condition.operator()) {
            case PRESENT -> field + " is present";
            case EQUALS -> field + " equals " + condition.value();
            case CONTAINS -> field + " contains " + condition.value();
        };
    }

    private static String label(TrackingNumber number) {
        String shown = Readable.phone(number.e164());
        return number.sourceName() != null ? shown + " (" + number.sourceName() + ")" : shown.equals(Readable.phone(number.name())) ? shown
                : shown + " (" + number.name() + ")";
    }

    /** Names of what rules refer to, by id. */
    private record Names(Map<Long, String> properties, Map<Long, String> targets, Map<Long, String> pools, Map<Long, String> numbers) {
    }

    private Names names(Account account) {
        return new Names(
                Property.namesById(properties.list(account.id())),
                targets.targets(account, null).stream().collect(Collectors.toMap(TargetNumber::id,
                        target -> Readable.phone(target.e164()) + " (" + target.label() + ")")),
                pools.pools(account, null).stream().collect(Collectors.toMap(Pool::id, Pool::name)),
                pools.numbers(account, null, null).stream().collect(Collectors.toMap(TrackingNumber::id, SourceRulePages::label)));
    }

    private SourceRule rule(Context ctx) {
        return handlers.rule(Admin.account(ctx), Admin.pathId(ctx, "source rule")).orElseThrow(() -> ApiError.notFound("source rule"));
    }
}
