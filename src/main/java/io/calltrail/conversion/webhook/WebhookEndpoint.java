package io.calltrail.conversion.webhook;

import java.time.Instant;
import java.util.List;

/** A customer's receiver of events: where to POST them and which ones. Its signing secret is never part of it. */
public record WebhookEndpoint(long id, long accountId, String url, List<String> events, boolean active, Instant createdAt,
                              Instant updatedAt) {

    public boolean subscribesTo(String eventType) {
        return active && events.contains(eventType);
    }
}
