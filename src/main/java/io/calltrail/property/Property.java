package io.calltrail.property;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        ConsentMode consentMode,
        boolean antiFlicker,
        Instant createdAt,
        Instant updatedAt) {

    /** The properties' names by id, in the order given: what pages show beside whatever belongs to a property. */
    public static Map<Long, String> namesById(List<Property> properties) {
        Map<Long, String> names = new LinkedHashMap<>();
        properties.forEach(property -> names.put(property.id(), property.name()));
        return names;
    }

    public enum AttributionModel {
        LAST_TOUCH, FIRST_TOUCH;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether the snippet may store anything in the browser before the visitor grants storage consent. */
    public enum ConsentMode {
        /** Nothing is stored in the browser until ad_storage or analytics_storage is granted. */
        REQUIRED("required"),
        /** The operator has another legal basis: the snippet keeps its session id from the start. */
        NOT_REQUIRED("not-required");

        private final String wire;

        ConsentMode(String wire) {
            this.wire = wire;
        }

        @Override
        public String toString() {
            return wire;
        }
    }

    /** True when a browser at {@code origin} may use this property's tracking endpoints. */
    public boolean allowsOrigin(String origin) {
        return DomainPattern.anyMatches(domains, origin);
    }
}
