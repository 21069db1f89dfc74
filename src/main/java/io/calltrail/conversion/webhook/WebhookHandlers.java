package io.calltrail.conversion.webhook;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.calltrail.app.JsonBody;
import io.calltrail.conversion.delivery.DeliveryReport;
import io.calltrail.privacy.AuditLog;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin API for webhook endpoints, their secrets (shown once) and their deliveries. */
public final class WebhookHandlers {
    private static final Set<String> FIELDS = Set.of("url", "events", "active");
    private static final int DEFAULT_DELIVERIES = 100;

    private final Jdbi jdbi;
    private final Webhooks webhooks;
    private final WebhookStore store = new WebhookStore();
    private final AuditLog audit;

    public WebhookHandlers(Jdbi jdbi, Webhooks webhooks, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.webhooks = webhooks;
    }

    public void list(Context ctx) {
        ctx.json(webhooks(Admin.account(ctx)));
    }

    public List<WebhookEndpoint> webhooks(Account account) {
        return jdbi.withHandle(handle -> store.list(handle, account.id()));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "webhook");
        ctx.json(webhook(account, id).orElseThrow(() -> ApiError.notFound("webhook")));
    }

    public java.util.Optional<WebhookEndpoint> webhook(Account account, long id) {
        return jdbi.withHandle(handle -> store.get(handle, account.id(), id));
    }

    /** The generated secret is in this answer and nowhere else, ever. */
    public void create(Context ctx) {
        ctx.status(201).json(withSecret(create(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body()))));
    }

    /** Makes an endpoint with a new signing secret, which the caller shows once. */
    public Webhooks.WithSecret create(Account account, Actor actor, JsonBody body) {
        body.allowOnly(FIELDS);
        String url = url(body);
        if (!body.has("events")) {
            throw ApiError.invalid("events", "events is required: a list of " + String.join(", ", Webhooks.EVENTS));
        }
        List<String> events = events(body);
        boolean active = body.optionalBoolean("active").orElse(true);
        return jdbi.inTransaction(handle -> {
            Webhooks.WithSecret made = webhooks.create(handle, account.id(), url, events, active);
            recordChange(handle, actor, made.endpoint().id(), "create", auditView(made.endpoint()));
            return made;
        });
    }

    public void update(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "webhook");
        ctx.json(update(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    public WebhookEndpoint update(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(FIELDS);
        return jdbi.inTransaction(handle -> {
            WebhookEndpoint existing = store.get(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("webhook"));
            String url = body.has("url") ? url(body) : existing.url();
            List<String> events = body.has("events") ? events(body) : existing.events();
            boolean active = body.optionalBoolean("active").orElse(existing.active());
            WebhookEndpoint saved = webhooks.update(handle, new WebhookEndpoint(id, account.id(), url, events, active,
                    existing.createdAt(), existing.updatedAt()));
            recordChange(handle, actor, id, "update", AuditLog.changed(auditView(existing), auditView(saved)));
            return saved;
        });
    }

    public void delete(Context ctx) {
        delete(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "webhook"));
        ctx.status(204);
    }

    public void delete(Account account, Actor actor, long id) {
        if (!jdbi.inTransaction(handle -> {
            var existing = store.get(handle, account.id(), id);
            if (existing.isEmpty() || !webhooks.delete(handle, account.id(), id)) {
                return false;
            }
            recordChange(handle, actor, id, "delete", auditView(existing.get()));
            return true;
        })) {
            throw ApiError.notFound("webhook");
        }
    }

    /** {@code POST /api/v1/webhooks/{id}/rotate-secret}: the old secret stops signing at once; the new one is shown once. */
    public void rotateSecret(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "webhook");
        if (!ctx.body().isBlank()) {
            JsonBody.of(ctx.body()).allowOnly(Set.of());
        }
        ctx.json(withSecret(rotateSecret(account, Admin.actor(ctx), id)));
    }

    public Webhooks.WithSecret rotateSecret(Account account, Actor actor, long id) {
        return jdbi.inTransaction(handle -> {
            var done = webhooks.rotateSecret(handle, account.id(), id);
            if (done.isPresent()) {
                recordChange(handle, actor, id, "rotate_secret", Map.of("secret_replaced", true));
            }
            return done;
        }).orElseThrow(() -> ApiError.notFound("webhook"));
    }

    /** {@code GET /api/v1/webhooks/{id}/deliveries[?status=pending|delivered|failed&limit=100]}, newest first. */
    public void deliveries(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "webhook");
        DeliveryReport.Status status = status(ctx);
        int limit = limit(ctx);
        ctx.json(deliveries(account, id, status, limit));
    }

    /** The endpoint's latest deliveries, newest first; {@code status} null for every status. */
    public java.util.List<DeliveryReport> deliveries(Account account, long id, DeliveryReport.Status status, int limit) {
        return jdbi.withHandle(handle -> {
            store.get(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("webhook"));
            return webhooks.deliveries(handle, account.id(), id, status, limit);
        });
    }

    private void recordChange(org.jdbi.v3.core.Handle handle, Actor actor, long id, String operation, Map<String, Object> what) {
        audit.record(handle, actor, "webhook.change", "webhook", Long.toString(id), AuditLog.details(operation, what));
    }

    /** An endpoint as the audit log keeps it: its URL without query or fragment, which may carry a receiver's token. */
    private static Map<String, Object> auditView(WebhookEndpoint endpoint) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("url", withoutQuery(endpoint.url()));
        view.put("events", endpoint.events());
        view.put("active", endpoint.active());
        return view;
    }

    /** A URL as shown and audited: without its query or fragment, which may carry a token of the receiver's. */
    static String withoutQuery(String url) {
        int cut = url.length();
        for (char mark : new char[] {'?', '#'}) {
            int at = url.indexOf(mark);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return cut == url.length() ? url : url.substring(0, cut) + "?…";
    }

    private static String url(JsonBody body) {
        String text = body.requiredString("url", 2048);
        String problem = "url must be an absolute http:// or https:// URL such as https://crm.example.com/calltrail";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiError.invalid("url", problem + "; '" + e.getInput() + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.isOpaque()) {
            throw ApiError.invalid("url", problem);
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiError.invalid("url", "url must not hold a user name or password; verify the Calltrail-Signature header instead");
        }
        if (uri.getRawFragment() != null) {
            throw ApiError.invalid("url", "url must not have a #fragment (it is never sent)");
        }
        return scheme + text.substring(scheme.length());
    }

    private static List<String> events(JsonBody body) {
        List<String> given = body.optionalStringList("events", Webhooks.EVENTS.size() * 2, 64);
        if (given.isEmpty()) {
            throw ApiError.invalid("events", "events must name at least one of " + String.join(", ", Webhooks.EVENTS));
        }
        for (int i = 0; i < given.size(); i++) {
            if (!Webhooks.EVENTS.contains(given.get(i))) {
                throw ApiError.invalid("events[" + i + "]", "events[" + i + "] '" + given.get(i) + "' is not an event; known: "
                        + String.join(", ", Webhooks.EVENTS));
            }
        }
        List<String> events = new ArrayList<>(Webhooks.EVENTS);
        events.retainAll(given);
        return List.copyOf(events);
    }

    private static DeliveryReport.Status status(Context ctx) {
        String raw = ctx.queryParam("status");
        if (raw == null || raw.isBlank()) {
            return null;
        }
        for (DeliveryReport.Status status : DeliveryReport.Status.values()) {
            if (status.toString().equals(raw)) {
                return status;
            }
        }
        throw new ApiError(400, "invalid_query", "status", "status must be pending, delivered or failed");
    }

    private static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isBlank()) {
            return DEFAULT_DELIVERIES;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= 1000) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ApiError(400, "invalid_query", "limit", "limit must be a whole number from 1 to 1000");
    }

    private static Map<String, Object> withSecret(Webhooks.WithSecret shown) {
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = Json.MAPPER.convertValue(shown.endpoint(), LinkedHashMap.class);
        answer.put("secret", shown.secret());
        return answer;
    }
}
