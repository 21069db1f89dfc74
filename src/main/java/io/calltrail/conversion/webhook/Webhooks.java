package io.calltrail.conversion.webhook;

import io.calltrail.app.Json;
import io.calltrail.conversion.delivery.DeliveryReport;
import io.calltrail.conversion.delivery.Outbox;
import io.calltrail.privacy.CallerCrypto;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer webhooks: endpoints with their signing secrets, and events published to them through the
 * {@link Outbox}, in the transaction of the change they announce.
 */
public final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    /** The delivery kind of webhooks, signed by {@link WebhookAuthorizer}. */
    public static final String KIND = "webhook";
    public static final String CALL_COMPLETED = "call.completed";
    public static final String CONVERSION_CREATED = "conversion.created";
    public static final String CONVERSION_UPDATED = "conversion.updated";
    /** Every event type an endpoint may subscribe to, in the order endpoints list them. */
    public static final List<String> EVENTS = List.of(CALL_COMPLETED, CONVERSION_CREATED, CONVERSION_UPDATED);
    /** Associated-data purpose of sealed signing secrets. */
    static final String SECRET_PURPOSE = "webhook-secret";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Outbox outbox;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final WebhookStore store = new WebhookStore();
    private final EventStore events = new EventStore();

    /** An endpoint just created or given a new secret: the only time the secret is shown. */
    public record WithSecret(WebhookEndpoint endpoint, String secret) {
    }

    public Webhooks(Outbox outbox, CallerCrypto crypto, Clock clock) {
        this.outbox = outbox;
        this.crypto = crypto;
        this.clock = clock;
    }

    /**
     * Queues the event for every active endpoint of the account that subscribes to it, in the caller's
     * transaction: nothing is sent if it rolls back. Every endpoint gets the same body and event id.
     *
     * @param data the event's {@code data}, with snake_case keys
     */
    public void publish(Handle handle, long accountId, String eventType, Map<String, Object> data) {
        if (!EVENTS.contains(eventType)) {
            throw new IllegalArgumentException("unknown webhook event type '" + eventType + "'; known: " + String.join(", ", EVENTS));
        }
        List<WebhookEndpoint> endpoints = store.subscribers(handle, accountId, eventType);
        if (endpoints.isEmpty()) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId());
        event.put("type", eventType);
        event.put("created_at", clock.instant().truncatedTo(ChronoUnit.MILLIS));
        event.put("data", data);
        String body = Json.write(event);
        for (WebhookEndpoint endpoint : endpoints) {
            try {
                outbox.enqueue(handle, accountId, KIND, endpoint.id(), URI.create(endpoint.url()), eventType, body);
            } catch (IllegalArgumentException e) {
                // refused before any SQL, so the caller's transaction is intact: a bad endpoint never loses a call
                log.error("webhook endpoint {} of account {} cannot take {}: {}", endpoint.id(), accountId, eventType, e.getMessage());
            }
        }
    }

    /** Publishes {@code call.completed} for a call that has just ended, in the transaction that ended it. */
    public void onCallCompleted(Handle handle, long callId) {
        events.callCompleted(handle, callId)
                .ifPresent(call -> publish(handle, call.accountId(), CALL_COMPLETED, call.data()));
    }

    public WithSecret create(Handle handle, long accountId, String url, List<String> eventTypes, boolean active) {
        String secret = WebhookSignature.newSecret();
        WebhookEndpoint endpoint = store.insert(handle, accountId, url, eventTypes, active,
                crypto.seal(accountId, SECRET_PURPOSE, secret), clock.instant());
        return new WithSecret(endpoint, secret);
    }

    /** Saves a changed endpoint; deliveries still pending follow a new URL. */
    public WebhookEndpoint update(Handle handle, WebhookEndpoint changed) {
        WebhookEndpoint existing = store.get(handle, changed.accountId(), changed.id()).orElseThrow();
        store.update(handle, changed, clock.instant());
        if (!existing.url().equals(changed.url())) {
            outbox.retarget(handle, changed.accountId(), KIND, changed.id(), URI.create(changed.url()));
        }
        return store.get(handle, changed.accountId(), changed.id()).orElseThrow();
    }

    /** A new secret, effective at once, also for retries of deliveries queued before; empty for an unknown endpoint. */
    public Optional<WithSecret> rotateSecret(Handle handle, long accountId, long id) {
        String secret = WebhookSignature.newSecret();
        if (!store.replaceSecret(handle, accountId, id, crypto.seal(accountId, SECRET_PURPOSE, secret), clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(new WithSecret(store.get(handle, accountId, id).orElseThrow(), secret));
    }

    /** Deletes the endpoint with its deliveries, sent or pending; false for an unknown endpoint. */
    public boolean delete(Handle handle, long accountId, long id) {
        if (store.get(handle, accountId, id).isEmpty()) {
            return false;
        }
        outbox.forget(handle, accountId, KIND, id);
        return store.delete(handle, accountId, id);
    }

    /** The endpoint's newest deliveries (of {@code status}, or any when null) with their attempts. */
    public List<DeliveryReport> deliveries(Handle handle, long accountId, long id, DeliveryReport.Status status, int limit) {
        return outbox.recent(handle, accountId, KIND, id, status, limit);
    }

    private static String eventId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return "evt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
