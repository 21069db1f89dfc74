package io.calltrail.pool;

import java.time.Instant;

/**
 * A number Calltrail routes. In a pool it is leased per session; with a source name it is static
 * ("Yelp listing"); with neither it is not yet assigned.
 */
public record TrackingNumber(
        long id,
        long accountId,
        long propertyId,
        String e164,
        String name,
        String provider,
        String forwardTo,
        Long poolId,
        String sourceName,
        Instant createdAt) {
}
