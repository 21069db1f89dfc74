package io.calltrail.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.ApiError;
import io.calltrail.app.ClientAddress;
import io.calltrail.app.Json;
import io.calltrail.app.JsonBody;
import io.calltrail.metrics.Metrics;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The public tracking API the snippet calls: sessions, event beacons and AMP call tracking. */
public final class TrackingHandlers {
    static final int MAX_SESSION_BODY = 16 * 1024;
    static final int MAX_EVENTS_BODY = 64 * 1024;
    private static final int MAX_EVENTS_PER_BATCH = 500;
    private static final Pattern GA_CLIENT_ID = Pattern.compile("[0-9]{1,20}\\.[0-9]{1,20}");
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PUBLIC_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> EVENT_TYPES = Set.of("page_view", "tel_click", "cta_click");
    private static final Set<String> CONSENT_VALUES = Set.of("granted", "denied");
    private static final Instant EARLIEST_EVENT = Instant.parse("2020-01-01T00:00:00Z");
    private static final Set<String> AMP_CACHE_SUFFIXES = Set.of(".cdn.ampproject.org", ".amp.cloudflare.com", ".bing-amp.com");

    private final PropertyCatalog catalog;
    private final Sessions sessions;
    private final Events events;
    private final Bots bots;
    private final RateLimiter rateLimiter;
    private final Metrics metrics;
    private final Clock clock;
    private final boolean trustForwardedHeaders;

    public TrackingHandlers(PropertyCatalog catalog, Sessions sessions, Events events, Bots bots, RateLimiter rateLimiter,
                            Metrics metrics, Clock clock, boolean trustForwardedHeaders) {
        this.catalog = catalog;
        this.sessions = sessions;
        this.events = events;
        this.bots = bots;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
        this.clock = clock;
        this.trustForwardedHeaders = trustForwardedHeaders;
    }

    /** CORS preflight: answered for any origin; the request itself is checked against the property's domains. */
    public void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
        ctx.header("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Content-Type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    public void openSession(Context ctx) {
        JsonBody body = JsonBody.object(Json.parse(boundedBody(ctx, MAX_SESSION_BODY)), "");
        Snapshot snapshot = property(body.requiredString("property", 64), "property");
        allowOrigin(ctx, snapshot);
        String sessionId = body.optionalString("session", 64).orElse(null);
        if (sessionId != null && !UUID_FORM.matcher(sessionId).matches()) {
            throw ApiError.invalid("session", "session must be a session id this server issued (a UUID)");
        }
        String url = httpUrl(body, "url");
        String referrer = httpUrl(body, "referrer");
        Consent consent = consent(body);
        String userAgent = ctx.userAgent();
        if (bots.isBot(userAgent)) {
            metrics.trackingRefused("bot");
            Json.respond(ctx, sessions.forBot(snapshot, url, referrer));
            return;
        }
        String ip = ClientAddress.of(ctx, trustForwardedHeaders);
        limitRate(ctx, ip);
        boolean gpc = body.optionalBoolean("gpc").orElse(false);
        String ga = body.optionalString("ga", 64).orElse(null);
        if (ga != null && !GA_CLIENT_ID.matcher(ga).matches()) {
            throw ApiError.invalid("ga", "ga must be Google Analytics' client id as in its _ga cookie, e.g. 1234567890.1700000000");
        }
        answer(ctx, sessions.open(snapshot, new Sessions.OpenRequest(sessionId, url, referrer, consent, ip, userAgent, gpc, ga)), opened -> Json.respond(ctx, opened));
    }

    public void recordEvents(Context ctx) {
        JsonNode root = Json.parse(boundedBody(ctx, MAX_EVENTS_BODY));
        List<JsonNode> items = new ArrayList<>();
        String where;
        if (root.isArray()) {
            root.forEach(items::add);
            where = "events";
            if (items.isEmpty()) {
                throw ApiError.invalid("events", "the batch is empty");
            }
            if (items.size() > MAX_EVENTS_PER_BATCH) {
                throw ApiError.invalid("events", "a batch holds at most " + MAX_EVENTS_PER_BATCH + " events");
            }
        } else {
            items.add(root);
            where = "";
        }
        Snapshot snapshot = null;
        Map<String, TrackingEvent> parsed = new LinkedHashMap<>();
        Map<String, String> sessionField = new LinkedHashMap<>();
        Instant latest = clock.instant().plusSeconds(24 * 3600);
        for (int i = 0; i < items.size(); i++) {
            String prefix = where.isEmpty() ? "" : where + "[" + i + "]";
            JsonBody event = JsonBody.object(items.get(i), prefix);
            String key = event.requiredString("property", 64);
            if (snapshot == null) {
                snapshot = property(key, event.path("property"));
                allowOrigin(ctx, snapshot);
            } else if (!snapshot.property().publicKey().equals(key)) {
                throw ApiError.invalid(event.path("property"), "all events of a batch must name the same property");
            }
            String type = event.requiredString("type", 16);
            if (!EVENT_TYPES.contains(type)) {
                throw ApiError.invalid(event.path("type"), event.path("type") + " must be one of cta_click, page_view, tel_click");
            }
            String id = event.requiredString("id", 36);
            if (!UUID_FORM.matcher(id).matches()) {
                throw ApiError.invalid(event.path("id"), event.path("id") + " must be a UUID made by the client");
            }
            String session = event.requiredString("session", 64);
            if (!UUID_FORM.matcher(session).matches()) {
                throw ApiError.invalid(event.path("session"), event.path("session") + " must be a session id this server issued");
            }
            long at = event.optionalLong("at").orElseThrow(() -> ApiError.invalid(event.path("at"), event.path("at") + " is required (epoch milliseconds)"));
            Instant occurredAt = Instant.ofEpochMilli(at);
            if (occurredAt.isBefore(EARLIEST_EVENT) || occurredAt.isAfter(latest)) {
                throw ApiError.invalid(event.path("at"), event.path("at") + " is not a plausible time in epoch milliseconds");
            }
            String number = event.optionalString("number", 64).orElse(null);
            if ("tel_click".equals(type) && number == null) {
                throw ApiError.invalid(event.path("number"), event.path("number") + " is required for tel_click (the number as written)");
            }
            String url = httpUrl(event, "url");
            parsed.putIfAbsent(id.toLowerCase(), new TrackingEvent(id.toLowerCase(), type, session, url, number, occurredAt));
            sessionField.putIfAbsent(session, event.path("session"));
        }
        Set<String> unknown = sessions.unknown(snapshot, new LinkedHashSet<>(sessionField.keySet()));
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new ApiError(422, "unknown_session", sessionField.get(first), "unknown session '" + first + "' for this property");
        }
        // Answered when the events are durable; the request's thread serves others meanwhile.
        CompletableFuture<Integer> durable = events.record(snapshot, List.copyOf(parsed.values()));
        ctx.future(() -> durable.thenAccept(accepted -> Json.respond(ctx, Map.of("accepted", accepted))));
    }

    /** AMP amp-call-tracking: {@code {"phoneNumber", "formattedPhoneNumber"}} for the page's first target number. */
    public void ampNumber(Context ctx) {
        Snapshot snapshot = property(ctx.pathParam("propertyKey"), "propertyKey");
        allowAmpOrigin(ctx, snapshot);
        if (snapshot.targets().isEmpty()) {
            throw new ApiError(409, "no_target_number", null, "the property has no target number to track");
        }
        String sessionId = ctx.queryParam("session");
        if (sessionId != null && (sessionId.isBlank() || !UUID_FORM.matcher(sessionId).matches())) {
            sessionId = null;
        }
        String url = queryUrl(ctx, "url");
        String referrer = queryUrl(ctx, "referrer");
        String target = snapshot.targets().get(0).e164();
        CompletableFuture<Sessions.Opened> opened;
        if (bots.isBot(ctx.userAgent())) {
            metrics.trackingRefused("bot");
            opened = CompletableFuture.completedFuture(sessions.forBot(snapshot, url, referrer));
        } else {
            String ip = ClientAddress.of(ctx, trustForwardedHeaders);
            limitRate(ctx, ip);
            opened = sessions.open(snapshot, new Sessions.OpenRequest(sessionId, url, referrer, Consent.UNKNOWN, ip, ctx.userAgent(), false, null));
        }
        ctx.header("Cache-Control", "private, no-store");
        answer(ctx, opened, session -> {
            String shown = session.numbers().stream().filter(n -> n.target().equals(target)).map(Sessions.Shown::tracking)
                    .findFirst().orElse(target);
            PhoneNumber number = new PhoneNumber(shown);
            Json.respond(ctx, Map.of("phoneNumber", number.e164(), "formattedPhoneNumber", number.national()));
        });
    }

    /**
     * Answers at once when the session was settled without waiting (resumed from memory, or updated in place), else
     * when the commit that stores it is done; the request's thread serves others meanwhile.
     */
    private static void answer(Context ctx, CompletableFuture<Sessions.Opened> opened, Consumer<Sessions.Opened> respond) {
        if (opened.isDone() && !opened.isCompletedExceptionally()) {
            respond.accept(opened.join());
        } else {
            ctx.future(() -> opened.thenAccept(respond));
        }
    }

    private Snapshot property(String key, String field) {
        if (!PUBLIC_KEY.matcher(key).matches()) {
            throw new ApiError(404, "unknown_property", field, "no property has this key");
        }
        return catalog.byPublicKey(key)
                .orElseThrow(() -> new ApiError(404, "unknown_property", field, "no property has this key"));
    }

    /** CORS protects browsers: a request with no Origin is not a browser's and is served; a foreign one is refused. */
    private void allowOrigin(Context ctx, Snapshot snapshot) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        if (!snapshot.property().allowsOrigin(origin)) {
            metrics.trackingRefused("foreign_origin");
            throw new ApiError(403, "foreign_origin", "Origin", "origin " + origin + " is not one of the property's domains");
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
    }

    /** AMP pages may be served from an AMP cache; the page's own origin comes in __amp_source_origin. */
    private void allowAmpOrigin(Context ctx, Snapshot snapshot) {
        String sourceOrigin = ctx.queryParam("__amp_source_origin");
        String origin = ctx.header("Origin");
        if (sourceOrigin != null) {
            if (!snapshot.property().allowsOrigin(sourceOrigin)) {
                metrics.trackingRefused("foreign_origin");
                throw new ApiError(403, "foreign_origin", "__amp_source_origin", "source origin " + sourceOrigin + " is not one of the property's domains");
            }
            ctx.header("AMP-Access-Control-Allow-Source-Origin", sourceOrigin);
            ctx.header("Access-Control-Expose-Headers", "AMP-Access-Control-Allow-Source-Origin");
        }
        if (origin == null) {
            return;
        }
        boolean ampCache = sourceOrigin != null && AMP_CACHE_SUFFIXES.stream().anyMatch(suffix -> hostOf(origin).endsWith(suffix));
        if (!ampCache && !snapshot.property().allowsOrigin(origin)) {
            metrics.trackingRefused("foreign_origin");
            throw new ApiError(403, "foreign_origin", "Origin", "origin " + origin + " is not one of the property's domains");
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Allow-Credentials", "true");
        ctx.header("Vary", "Origin");
    }

    private static String hostOf(String origin) {
        try {
            String host = java.net.URI.create(origin).getHost();
            return host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private void limitRate(Context ctx, String ip) {
        if (!rateLimiter.tryAcquire(ip)) {
            metrics.trackingRefused("rate_limited");
            ctx.header("Retry-After", Integer.toString(rateLimiter.retryAfterSeconds()));
            throw new ApiError(429, "rate_limited", null, "too many session requests from this address; retry later");
        }
    }

    /** Reads the body only up to {@code limit} bytes; anything larger is a 413, whatever Content-Length said. */
    private static byte[] boundedBody(Context ctx, int limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw new ApiError(413, "body_too_large", null, "request body exceeds " + limit + " bytes");
        }
        try (var in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new ApiError(413, "body_too_large", null, "request body exceeds " + limit + " bytes");
            }
            return bytes;
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("unreadable_body", "request body could not be read");
        }
    }

    private static String httpUrl(JsonBody body, String field) {
        String value = body.optionalString(field, 2048).orElse(null);
        if (value != null && !(value.startsWith("http://") || value.startsWith("https://"))) {
            throw ApiError.invalid(body.path(field), body.path(field) + " must be an http:// or https:// URL");
        }
        return value;
    }

    private static String queryUrl(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 2048 || !(value.startsWith("http://") || value.startsWith("https://"))) {
            throw ApiError.invalid(name, name + " must be an http:// or https:// URL of at most 2048 characters");
        }
        return value;
    }

    private static Consent consent(JsonBody body) {
        if (!body.has("consent") || body.isNull("consent")) {
            return Consent.UNKNOWN;
        }
        JsonBody consent = JsonBody.object(body.raw("consent"), "consent");
        return new Consent(consentValue(consent, "ad_storage"), consentValue(consent, "analytics_storage"),
                consentValue(consent, "ad_user_data"), consentValue(consent, "ad_personalization"));
    }

    private static String consentValue(JsonBody consent, String field) {
        String value = consent.optionalString(field, 16).orElse(null);
        if (value != null && !CONSENT_VALUES.contains(value)) {
            throw ApiError.invalid(consent.path(field), consent.path(field) + " must be granted or denied");
        }
        return value;
    }
}
