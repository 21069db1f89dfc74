package io.calltrail.conversion.export;

import io.calltrail.app.Json;
import io.calltrail.conversion.delivery.Authorizer;
import io.calltrail.conversion.delivery.Outbox;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.property.Property;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Queues conversions for Google's Data Manager API and GA4's Measurement Protocol in the outbox, which sends them
 * with retries; the credentials are added only when a request leaves, so no delivery row ever holds them.
 */
public final class HttpDestinations implements Exports.HttpSender {
    static final String CREDENTIAL_PURPOSE = "export-destination";
    private static final String USER_AGENT = "Calltrail-Exports";

    private final Outbox outbox;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final DestinationStore store = new DestinationStore();

    public HttpDestinations(Outbox outbox, CallerCrypto crypto, Clock clock) {
        this.outbox = outbox;
        this.crypto = crypto;
        this.clock = clock;
    }

    @Override
    public boolean configured(Handle handle, Property property, Destination destination) {
        return store.find(handle, property.accountId(), property.id(), destination).isPresent();
    }

    @Override
    public void send(Handle handle, Property property, Destination destination, List<ExportRow> rows) {
        DestinationStore.Settings settings = store.find(handle, property.accountId(), property.id(), destination)
                .orElseThrow(() -> new IllegalStateException(destination + " is not set up for property " + property.id()));
        URI endpoint = URI.create(settings.endpointUrl());
        switch (destination) {
            case GOOGLE_DATA_MANAGER -> {
                Map<String, List<ExportRow>> byAction = new LinkedHashMap<>();
                rows.forEach(row -> byAction.computeIfAbsent(row.googleConversionId(), id -> new java.util.ArrayList<>()).add(row));
                byAction.forEach((action, actionRows) -> {
                    for (int from = 0; from < actionRows.size(); from += AdPlatformPayloads.DATA_MANAGER_BATCH) {
                        List<ExportRow> chunk = actionRows.subList(from, Math.min(actionRows.size(), from + AdPlatformPayloads.DATA_MANAGER_BATCH));
                        outbox.enqueue(handle, property.accountId(), destination.toString(), settings.id(), endpoint, "events.ingest",
                                Json.write(AdPlatformPayloads.dataManager(settings.accountRef(), action, chunk,
                                        row -> crypto.decrypt(row.accountId(), row.callerSealed()))));
                    }
                });
            }
            case GA4 -> {
                URI withMeasurement = URI.create(endpoint + (endpoint.getQuery() == null ? "?" : "&") + "measurement_id="
                        + URLEncoder.encode(settings.accountRef(), StandardCharsets.UTF_8));
                for (ExportRow row : rows) {
                    outbox.enqueue(handle, property.accountId(), destination.toString(), settings.id(), withMeasurement, "generate_lead",
                            Json.write(AdPlatformPayloads.ga4(row, clock.instant())));
                }
            }
            default -> throw new IllegalArgumentException(destination + " is not sent over HTTP");
        }
    }

    /** Signs Data Manager requests with the OAuth access token, and adds GA4's API secret to the URL, at send time. */
    public Map<String, Authorizer> authorizers() {
        Authorizer dataManager = (handle, delivery, request, body, now) -> {
            request.header("Authorization", "Bearer " + credential(handle, delivery.accountId(), delivery.targetId()));
            request.header("User-Agent", USER_AGENT);
        };
        Authorizer ga4 = (handle, delivery, request, body, now) -> {
            request.uri(URI.create(delivery.url() + "&api_secret="
                    + URLEncoder.encode(credential(handle, delivery.accountId(), delivery.targetId()), StandardCharsets.UTF_8)));
            request.header("User-Agent", USER_AGENT);
        };
        return Map.of(Destination.GOOGLE_DATA_MANAGER.toString(), dataManager, Destination.GA4.toString(), ga4);
    }

    private String credential(Handle handle, long accountId, Long destinationId) {
        if (destinationId == null) {
            throw new IllegalStateException("the delivery names no destination");
        }
        DestinationStore.Settings settings = store.byId(handle, accountId, destinationId)
                .orElseThrow(() -> new IllegalStateException("export destination " + destinationId + " no longer exists"));
        if (settings.credentialSealed() == null) {
            throw new IllegalStateException(settings.destination() + " has no credential");
        }
        return crypto.unseal(accountId, CREDENTIAL_PURPOSE, settings.credentialSealed());
    }
}
