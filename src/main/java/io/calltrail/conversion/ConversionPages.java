package io.calltrail.conversion;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Set-up pages of conversion actions: which calls or phone-link clicks count as conversions, and what they are
 * worth. Every change goes through {@link ConversionHandlers}, as the API's do.
 */
public final class ConversionPages {
    private static final String ACTIONS = "/app/setup/conversion-actions";
    private static final FormJson ACTION_FORM = FormJson.fields()
            .number("property_id", "min_talk_seconds", "click_window_days")
            .textOrNull("name", "google_conversion_id")
            .text("kind", "counting", "currency", "value_source")
            .checkbox("answered_only", "first_time_only")
            .list("attribution_methods", "outcome_statuses", "sources_included", "sources_excluded")
            .decimal("min_confidence", "export_min_confidence")
            .decimalOrNull("value");
    private static final List<Forms.Option> METHODS = List.of(
            new Forms.Option("lease", "a number lent to the visit (pool)"),
            new Forms.Option("linger", "a pool number still resting after the visit (less sure)"),
            new Forms.Option("static_source", "a number bound to a source"),
            new Forms.Option("none", "not attributable (your own number, from the call log)"));

    private final Forms forms;
    private final ConversionHandlers handlers;
    private final PropertyStore properties;

    public ConversionPages(Forms forms, ConversionHandlers handlers, PropertyStore properties) {
        this.forms = forms;
        this.handlers = handlers;
        this.properties = properties;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Map<Long, String> names = properties.list(account.id()).stream().collect(Collectors.toMap(Property::id, Property::name));
        List<Map<String, Object>> rows = handlers.actions(account, null).stream().map(action -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("action", action);
            row.put("property", names.get(action.propertyId()));
            row.put("rules", rules(action));
            row.put("value", action.valueSource() == ConversionAction.ValueSource.OUTCOME ? "from outcomes"
                    : action.value() == null ? "—" : action.value().toPlainString() + " " + action.currency());
            return row;
        }).toList();
        forms.render(ctx, "setup/conversion-actions", Map.of("actions", rows, "hasProperties", !names.isEmpty()));
    }

    public void newForm(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = values(ConversionAction.defaults(0, 0, "", Instant.EPOCH));
        String property = ctx.queryParam("property");
        values.put("property_id", property == null || !property.matches("[0-9]{1,18}") ? "" : property);
        showAction(ctx, null, Forms.showing(values));
    }

    public void create(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = ACTION_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.create(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(ACTIONS, "Conversion action “" + created.name() + "” added."),
                form.values(), model -> showAction(ctx, null, model));
    }

    public void show(Context ctx) {
        Dashboard.requireWriter(ctx);
        ConversionAction action = action(ctx);
        showAction(ctx, action, Forms.showing(values(action)));
    }

    public void update(Context ctx) {
        Dashboard.requireWriter(ctx);
        ConversionAction action = action(ctx);
        FormJson.Submitted form = ACTION_FORM.read(ctx.formParamMap());
        // an action stays with its property and keeps its kind
        form.json().remove("property_id");
        form.json().remove("kind");
        forms.change(ctx, () -> handlers.update(Admin.account(ctx), Admin.actor(ctx), action.id(), form.body()),
                saved -> new Forms.Redirect(ACTIONS, "Conversion action “" + saved.name() + "” saved."),
                form.values(), model -> showAction(ctx, action, model));
    }

    public void delete(Context ctx) {
        Dashboard.requireWriter(ctx);
        ConversionAction action = action(ctx);
        forms.change(ctx, () -> handlers.delete(Admin.account(ctx), Admin.actor(ctx), action.id()),
                new Forms.Redirect(ACTIONS, "Conversion action “" + action.name() + "” deleted."),
                values(action), model -> showAction(ctx, action, model));
    }

    private void showAction(Context ctx, ConversionAction action, Map<String, Object> model) {
        Account account = Admin.account(ctx);
        Map<String, Object> all = new HashMap<>(model);
        List<Property> owned = properties.list(account.id());
        all.put("properties", owned.stream().map(property -> new Forms.Option(Long.toString(property.id()), property.name())).toList());
        all.put("kinds", Forms.options(ConversionAction.Kind.class, kind -> switch (kind) {
            case CALL -> "A phone call";
            case TEL_CLICK -> "A click on a phone link (call intent)";
        }));
        all.put("countings", Forms.options(ConversionAction.Counting.class, counting -> switch (counting) {
            case EVERY -> "Every qualifying call";
            case ONE -> "One per ad click (or per visit without one)";
        }));
        all.put("valueSources", Forms.options(ConversionAction.ValueSource.class, source -> switch (source) {
            case FIXED -> "The value below (an outcome with a value restates it)";
            case OUTCOME -> "Only outcomes from your CRM make the conversion, worth their value";
        }));
        all.put("methods", METHODS);
        if (action != null) {
            all.put("action", action);
            all.put("kindLabel", action.kind() == ConversionAction.Kind.CALL ? "a phone call" : "a click on a phone link");
            all.put("property", owned.stream().filter(property -> property.id() == action.propertyId()).findFirst().orElseThrow());
        }
        forms.render(ctx, "setup/conversion-action", all);
    }

    /** The rules in a line: "calls answered, 60 s or longer, first-time callers only, every one". */
    private static String rules(ConversionAction action) {
        List<String> parts = new ArrayList<>();
        if (action.kind() == ConversionAction.Kind.CALL) {
            parts.add(action.answeredOnly() ? "answered calls" : "calls");
            if (action.minTalkSeconds() > 0) {
                parts.add(action.minTalkSeconds() + " s or longer");
            }
            if (action.firstTimeOnly()) {
                parts.add("first-time callers only");
            }
        } else {
            parts.add("phone-link clicks");
        }
        parts.add(action.counting() == ConversionAction.Counting.EVERY ? "every one" : "one per ad click");
        return String.join(", ", parts);
    }

    private static Map<String, Object> values(ConversionAction action) {
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", Long.toString(action.propertyId()));
        values.put("name", action.name() == null ? "" : action.name());
        values.put("kind", action.kind().toString());
        values.put("min_talk_seconds", Integer.toString(action.minTalkSeconds()));
        values.put("answered_only", action.answeredOnly());
        values.put("first_time_only", action.firstTimeOnly());
        values.put("attribution_methods", List.copyOf(action.attributionMethods()));
        values.put("min_confidence", plain(action.minConfidence()));
        values.put("counting", action.counting().toString());
        values.put("click_window_days", Integer.toString(action.clickWindowDays()));
        values.put("value", plain(action.value()));
        values.put("currency", action.currency() == null ? "" : action.currency());
        values.put("value_source", action.valueSource().toString());
        values.put("outcome_statuses", List.copyOf(action.outcomeStatuses()));
        values.put("sources_included", List.copyOf(action.sourcesIncluded()));
        values.put("sources_excluded", List.copyOf(action.sourcesExcluded()));
        values.put("google_conversion_id", action.googleConversionId() == null ? "" : action.googleConversionId());
        values.put("export_min_confidence", plain(action.exportMinConfidence()));
        return values;
    }

    private static String plain(BigDecimal number) {
        return number == null ? "" : number.stripTrailingZeros().toPlainString();
    }

    private ConversionAction action(Context ctx) {
        return handlers.action(Admin.account(ctx), Admin.pathId(ctx, "conversion action"))
                .orElseThrow(() -> ApiError.notFound("conversion action"));
    }
}
