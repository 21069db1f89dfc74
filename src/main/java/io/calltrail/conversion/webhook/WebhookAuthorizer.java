package io.calltrail.conversion.webhook;

import io.calltrail.conversion.delivery.Authorizer;
import io.calltrail.conversion.delivery.Delivery;
import io.calltrail.privacy.CallerCrypto;
import java.net.http.HttpRequest;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Signs each attempt of a webhook delivery with the endpoint's current secret (so a rotation applies to
 * retries too) and names the event and the delivery, which stays the same over retries.
 */
public final class WebhookAuthorizer implements Authorizer {
    public static final String USER_AGENT = "Calltrail-Webhooks/" + version();

    private final CallerCrypto crypto;
    private final WebhookStore store = new WebhookStore();

    public WebhookAuthorizer(CallerCrypto crypto) {
        this.crypto = crypto;
    }

    @Override
    public void authorize(Handle handle, Delivery delivery, HttpRequest.Builder request, String body, Instant now) {
        if (delivery.targetId() == null) {
            throw new IllegalStateException("the webhook delivery names no endpoint");
        }
        String sealed = store.sealedSecret(handle, delivery.accountId(), delivery.targetId())
                .orElseThrow(() -> new IllegalStateException("webhook endpoint " + delivery.targetId() + " no longer exists"));
        String secret = crypto.unseal(delivery.accountId(), Webhooks.SECRET_PURPOSE, sealed);
        request.header("Calltrail-Signature", WebhookSignature.header(secret, now.getEpochSecond(), body));
        request.header("Calltrail-Event", delivery.eventType());
        request.header("Calltrail-Delivery", Long.toString(delivery.id()));
        request.header("User-Agent", USER_AGENT);
    }

    private static String version() {
        String version = WebhookAuthorizer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
