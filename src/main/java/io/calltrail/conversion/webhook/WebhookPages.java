package io.calltrail.conversion.webhook;

import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.conversion.delivery.DeliveryReport;
import io.calltrail.web.Dashboard;
import io.calltrail.web.FormJson;
import io.calltrail.web.Forms;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Set-up pages of webhook endpoints: where events are posted and which ones. A signing secret is shown once, on
 * the page that answers its creation or rotation. Changes go through {@link WebhookHandlers}, as the API's do.
 */
public final class WebhookPages {
    private static final int RECENT_DELIVERIES = 20;
    private static final String PAGE = "/app/setup/webhooks";
    private static final FormJson WEBHOOK_FORM = FormJson.fields().textOrNull("url").list("events").checkbox("active");
    private static final List<Forms.Option> EVENTS = List.of(
            new Forms.Option(Webhooks.CALL_COMPLETED, Webhooks.CALL_COMPLETED + ": a call ended"),
            new Forms.Option(Webhooks.CONVERSION_CREATED, Webhooks.CONVERSION_CREATED + ": a call or click became a conversion"),
            new Forms.Option(Webhooks.CONVERSION_UPDATED, Webhooks.CONVERSION_UPDATED + ": a conversion's value changed or it was retracted"));

    private final Forms forms;
    private final WebhookHandlers handlers;

    public WebhookPages(Forms forms, WebhookHandlers handlers) {
        this.forms = forms;
        this.handlers = handlers;
    }

    public void list(Context ctx) {
        Dashboard.requireWriter(ctx);
        forms.render(ctx, "setup/webhooks", Map.of("webhooks", handlers.webhooks(Admin.account(ctx)).stream()
                .map(webhook -> Map.of("webhook", webhook, "address", WebhookHandlers.withoutQuery(webhook.url())))
                .toList()));
    }

    public void newForm(Context ctx) {
        Dashboard.requireWriter(ctx);
        Map<String, Object> values = new HashMap<>();
        values.put("events", Webhooks.EVENTS);
        values.put("active", true);
        showWebhook(ctx, null, Forms.showing(values));
    }

    public void create(Context ctx) {
        Dashboard.requireWriter(ctx);
        FormJson.Submitted form = WEBHOOK_FORM.read(ctx.formParamMap());
        Webhooks.WithSecret created;
        try {
            created = handlers.create(Admin.account(ctx), Admin.actor(ctx), form.body());
        } catch (ApiError refused) {
            showWebhook(ctx, null, forms.refused(ctx, refused, form.values()));
            return;
        }
        ctx.status(201);
        forms.render(ctx, "setup/webhook-secret", Map.of("address", WebhookHandlers.withoutQuery(created.endpoint().url()),
                "secret", created.secret(), "rotated", false));
    }

    public void show(Context ctx) {
        Dashboard.requireWriter(ctx);
        WebhookEndpoint webhook = webhook(ctx);
        showWebhook(ctx, webhook, Forms.showing(values(webhook)));
    }

    public void update(Context ctx) {
        Dashboard.requireWriter(ctx);
        WebhookEndpoint webhook = webhook(ctx);
        FormJson.Submitted form = WEBHOOK_FORM.read(ctx.formParamMap());
        forms.change(ctx, () -> handlers.update(Admin.account(ctx), Admin.actor(ctx), webhook.id(), form.body()),
                new Forms.Redirect(PAGE, "Webhook saved."), form.values(), model -> showWebhook(ctx, webhook, model));
    }

    /** A new signing secret: the old one stops signing at once; the new one is shown this once. */
    public void rotate(Context ctx) {
        Dashboard.requireWriter(ctx);
        WebhookEndpoint webhook = webhook(ctx);
        Webhooks.WithSecret rotated = handlers.rotateSecret(Admin.account(ctx), Admin.actor(ctx), webhook.id());
        forms.render(ctx, "setup/webhook-secret", Map.of("address", WebhookHandlers.withoutQuery(rotated.endpoint().url()),
                "secret", rotated.secret(), "rotated", true));
    }

    public void delete(Context ctx) {
        Dashboard.requireWriter(ctx);
        WebhookEndpoint webhook = webhook(ctx);
        handlers.delete(Admin.account(ctx), Admin.actor(ctx), webhook.id());
        forms.redirect(ctx, PAGE, "Webhook deleted: nothing more is sent to it.");
    }

    private void showWebhook(Context ctx, WebhookEndpoint webhook, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        all.put("events", EVENTS);
        if (webhook != null) {
            all.put("webhook", webhook);
            all.put("deliveries", handlers.deliveries(Admin.account(ctx), webhook.id(), null, RECENT_DELIVERIES).stream()
                    .map(DeliveryRow::of).toList());
        }
        forms.render(ctx, "setup/webhook", all);
    }

    /** A delivery as the webhook's page lists it: times in UTC, the receiver's last answer in words. */
    record DeliveryRow(String event, String created, String status, String badge, int attempts, String lastAnswer, String next) {
        static DeliveryRow of(DeliveryReport delivery) {
            String answer = delivery.lastStatusCode() != null ? "HTTP " + delivery.lastStatusCode()
                    : delivery.lastError() != null ? delivery.lastError() : "";
            String badge = switch (delivery.status()) {
                case DELIVERED -> "good";
                case FAILED -> "bad";
                case PENDING -> "warn";
            };
            String next = delivery.status() == DeliveryReport.Status.PENDING && delivery.nextAttemptAt() != null
                    ? Readable.dateTime(delivery.nextAttemptAt(), ZoneOffset.UTC) : "";
            return new DeliveryRow(delivery.eventType(), Readable.dateTime(delivery.createdAt(), ZoneOffset.UTC),
                    delivery.status().toString(), badge, delivery.attempts().size(), answer, next);
        }
    }

    private static Map<String, Object> values(WebhookEndpoint webhook) {
        Map<String, Object> values = new HashMap<>();
        values.put("url", webhook.url());
        values.put("events", webhook.events());
        values.put("active", webhook.active());
        return values;
    }

    private WebhookEndpoint webhook(Context ctx) {
        return handlers.webhook(Admin.account(ctx), Admin.pathId(ctx, "webhook")).orElseThrow(() -> ApiError.notFound("webhook"));
    }
}
