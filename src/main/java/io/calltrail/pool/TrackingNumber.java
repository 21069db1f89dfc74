package io.calltrail.pool;

import java.time.Instant;

/**
 * A number Calltrail routes. In a pool it is leased per session; with a source name it is static
 * ("Yelp listing"); with neither it is not yet assigned. Its calls are recorded only if {@code recordCalls} is on,
 * and then callers first hear {@code recordingAnnouncement}.
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
        CallerId callerId,
        boolean recordCalls,
        String recordingAnnouncement) {

    /** What callers hear before a recorded call is forwarded, unless the operator words it otherwise. */
    public static final String DEFAULT_ANNOUNCEMENT = "This call may be recorded for quality and training purposes.";

    /** A number that is not recorded (the default). */
    public TrackingNumber(long id, long accountId, long propertyId, String e164, String name, String provider, String forwardTo,
                          Long poolId, String sourceName, Instant createdAt, String whisper, CallerId callerId) {
        this(id, accountId, propertyId, e164, name, provider, forwardTo, poolId, sourceName, createdAt, whisper, callerId, false,
                DEFAULT_ANNOUNCEMENT);
    }

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
