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
        Instant createdAt,
        String whisper,
        CallerId callerId) {

    /** Which number the business sees calling when a call is forwarded. */
    public enum CallerId {
        /** The caller's own number. */
        CALLER,
        /** The tracking number, so staff can tell a tracked call from others. */
        TRACKING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
