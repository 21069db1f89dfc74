package io.calltrail.property;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.web.Ago;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Set-up pages of properties (each with the tag to paste and whether it has been seen on the site) and of their
 * target numbers. Every change goes through {@link PropertyHandlers}, as the admin API's do.
 */
public final class PropertyPages {
    private static final String PROPERTIES = "/app/setup/properties";
    private static final String TARGETS = "/app/setup/target-numbers";
    /** A tag not seen for this long may have been taken off the site. */
    private static final Duration RECENT = Duration.ofDays(7);
    private static final FormJson PROPERTY_FORM = FormJson.fields()
            .textOrNull("name")
            .text("public_key", "country", "time_zone", "currency", "attribution_model", "consent_mode")
            .list("domains")
            .number("session_timeout_seconds")
            .checkbox("anti_flicker");
    private static final FormJson TARGET_FORM = FormJson.fields().number("property_id").textOrNull("number").text("label");
    private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream()
            .filter(zone -> zone.contains("/") && !zone.startsWith("Etc/") && !zone.startsWith("SystemV/"))
            .sorted().toList();

    private final Forms forms;
    private final PropertyHandlers handlers;
    private final PropertyStore store;
    private final InstallationCheck installation;
    private final Supplier<String> publicUrl;
    private final Clock clock;

    /** @param publicUrl the server's public address, which the snippet tag loads from */
    public PropertyPages(Forms forms, PropertyHandlers handlers, PropertyStore store, InstallationCheck installation,
                         Supplier<String> publicUrl, Clock clock) {
        this.forms = forms;
        this.handlers = handlers;
        this.store = store;
        this.installation = installation;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Map<Long, Long> targets = handlers.targets(account, null).stream()
                .collect(Collectors.groupingBy(TargetNumber::propertyId, Collectors.counting()));
        forms.render(ctx, "setup/properties", Map.of("properties", store.list(account.id()), "targets", targets));
    }

    public void newForm(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("domains", List.of());
        values.put("country", "US");
        values.put("currency", "USD");
        values.put("attribution_model", Property.AttributionModel.LAST_TOUCH.toString());
        values.put("consent_mode", Property.ConsentMode.REQUIRED.toString());
        values.put("session_timeout_seconds", "1800");
        values.put("anti_flicker", false);
        showProperty(ctx, null, Forms.showing(values));
    }

    public void create(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = PROPERTY_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.create(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(PROPERTIES + "/" + created.id(),
                        "Property “" + created.name() + "” added. Next: paste its tag into your site."),
                form.values(), model -> showProperty(ctx, null, model));
    }

    public void show(Context ctx) {
        Dashboard.requireWriter(ctx);
        Property property = property(ctx);
        showProperty(ctx, property, Forms.showing(values(property)));
    }

    public void update(Context ctx) {
        Dashboard.requireWriter(ctx);
        Property property = property(ctx);
        FormJson.Submitted form = PROPERTY_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.update(Admin.account(ctx), Admin.actor(ctx), property.id(), form.body()),
                saved -> new Forms.Redirect(PROPERTIES + "/" + saved.id(), "Property “" + saved.name() + "” saved."),
                form.values(), model -> showProperty(ctx, property, model));
    }

    public void delete(Context ctx) {
        Dashboard.requireWriter(ctx);
        Property property = property(ctx);
        forms.change(ctx, () -> handlers.delete(Admin.account(ctx), Admin.actor(ctx), property.id()),
                new Forms.Redirect(PROPERTIES, "Property “" + property.name() + "” deleted."),
                values(property), model -> showProperty(ctx, property, model));
    }

    public void listTargets(Context ctx) {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Map<Long, String> names = Property.namesById(store.list(account.id()));
        List<Map<String, Object>> rows = handlers.targets(account, null).stream().map(target -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("target", target);
            row.put("number", Readable.phone(target.e164()));
            row.put("property", names.get(target.propertyId()));
            return row;
        }).toList();
        forms.render(ctx, "setup/target-numbers", Map.of("targets", rows, "hasProperties", !names.isEmpty()));
    }

    public void newTarget(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", defaultProperty(ctx));
        values.put("label", "Main number");
        showTarget(ctx, null, Forms.showing(values));
    }

    public void createTarget(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = TARGET_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.createTarget(Admin.account(ctx), Admin.actor(ctx), form.body()),
                created -> new Forms.Redirect(TARGETS, "Target number " + Readable.phone(created.e164()) + " added."),
                form.values(), model -> showTarget(ctx, null, model));
    }

    public void showTargetPage(Context ctx) {
        Dashboard.requireWriter(ctx);
        TargetNumber target = target(ctx);
        showTarget(ctx, target, Forms.showing(values(target)));
    }

    public void updateTarget(Context ctx) {
        Dashboard.requireWriter(ctx);
        TargetNumber target = target(ctx);
        FormJson.Submitted form = TARGET_FORM.read(ctx.formParamMap());
        form.json().remove("property_id"); // a target number stays with its property
        forms.change(ctx, () -> handlers.updateTarget(Admin.account(ctx), Admin.actor(ctx), target.id(), form.body()),
                saved -> new Forms.Redirect(TARGETS, "Target number " + Readable.phone(saved.e164()) + " saved."),
                form.values(), model -> showTarget(ctx, target, model));
    }

    public void deleteTarget(Context ctx) {
        Dashboard.requireWriter(ctx);
        TargetNumber target = target(ctx);
        forms.change(ctx, () -> handlers.deleteTarget(Admin.account(ctx), Admin.actor(ctx), target.id()),
                new Forms.Redirect(TARGETS, "Target number " + Readable.phone(target.e164()) + " deleted."),
                values(target), model -> showTarget(ctx, target, model));
    }

    private void showProperty(Context ctx, Property property, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        all.put("attributionModels", Forms.options(Property.AttributionModel.class, choice -> switch (choice) {
            case LAST_TOUCH -> "Last touch: the visit that led to the call";
            case FIRST_TOUCH -> "First touch: the visitor's first visit";
        }));
        all.put("consentModes", Forms.options(Property.ConsentMode.class, mode -> switch (mode) {
            case REQUIRED -> "Wait for consent before storing anything in the browser";
            case NOT_REQUIRED -> "Keep the visit id from the start (you have another legal basis)";
        }));
        all.put("zones", ZONES);
        if (property != null) {
            all.put("property", property);
            all.put("snippet", "<script src=\"" + publicUrl.get() + "/s/" + property.publicKey() + ".js\" async></script>");
            all.put("install", installation(property));
            Account account = Admin.account(ctx);
            all.put("targets", handlers.targets(account, property.id()).stream()
                    .map(target -> Map.of("target", target, "number", Readable.phone(target.e164()))).toList());
        }
        forms.render(ctx, "setup/property", all);
    }

    /** What "check installation" says: seen recently (when, on which page), seen long ago, or not yet. */
    private Map<String, Object> installation(Property property) {
        Instant now = clock.instant();
        return installation.latest(property.accountId(), property.id()).<Map<String, Object>>map(seen -> Map.of(
                        "seen", true,
                        "recent", Duration.between(seen.lastSeenAt(), now).compareTo(RECENT) < 0,
                        "ago", Ago.since(seen.lastSeenAt(), now),
                        "at", seen.lastSeenAt().toString(),
                        "page", seen.page()))
                .orElse(Map.of("seen", false));
    }

    private void showTarget(Context ctx, TargetNumber target, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        Account account = Admin.account(ctx);
        List<Property> properties = store.list(account.id());
        all.put("properties", properties.stream().map(property -> new Forms.Option(Long.toString(property.id()), property.name())).toList());
        if (target != null) {
            all.put("target", target);
            all.put("property", properties.stream().filter(property -> property.id() == target.propertyId()).findFirst().orElseThrow());
        }
        forms.render(ctx, "setup/target-number", all);
    }

    private static Map<String, Object> values(Property property) {
        Map<String, Object> values = new HashMap<>();
        values.put("name", property.name());
        values.put("public_key", property.publicKey());
        values.put("domains", property.domains());
        values.put("country", property.country());
        values.put("time_zone", property.timeZone());
        values.put("currency", property.currency());
        values.put("attribution_model", property.attributionModel().toString());
        values.put("consent_mode", property.consentMode().toString());
        values.put("session_timeout_seconds", Integer.toString(property.sessionTimeoutSeconds()));
        values.put("anti_flicker", property.antiFlicker());
        return values;
    }

    private static Map<String, Object> values(TargetNumber target) {
        Map<String, Object> values = new HashMap<>();
        values.put("property_id", Long.toString(target.propertyId()));
        values.put("number", Readable.phone(target.e164()));
        values.put("label", target.label());
        return values;
    }

    /** The property named by ?property= (from a property's page), else none chosen yet. */
    private static String defaultProperty(Context ctx) {
        String given = ctx.queryParam("property");
        return given == null || !given.matches("[0-9]{1,18}") ? "" : given;
    }

    private Property property(Context ctx) {
        return store.get(Admin.account(ctx).id(), Admin.pathId(ctx, "property")).orElseThrow(() -> ApiError.notFound("property"));
    }

    private TargetNumber target(Context ctx) {
        return handlers.target(Admin.account(ctx), Admin.pathId(ctx, "target number"))
                .orElseThrow(() -> ApiError.notFound("target number"));
    }
}
