package io.calltrail.property;

import java.time.Instant;
import java.util.List;

/** A tracked website: where its snippet may load, how its numbers parse, how its sessions are attributed. */
public record Property(
        long id,
        long accountId,
        String name,
        String publicKey,
        List<String> domains,
        String country,
        String timeZone,
        String currency,
        AttributionModel attributionModel,
        int sessionTimeoutSeconds,
        Instant createdAt,
        Instant updatedAt) {

    public enum AttributionModel {
        LAST_TOUCH, FIRST_TOUCH;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** True when a browser at {@code origin} may use this property's tracking endpoints. */
    public boolean allowsOrigin(String origin) {
        return DomainPattern.anyMatches(domains, origin);
    }
}
