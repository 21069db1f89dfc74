package io.calltrail.conversion.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A delivery as the deliveries API shows it: where it stands and every attempt so far. */
public record DeliveryReport(long id, String url, String eventType, Status status, Instant createdAt, Instant nextAttemptAt,
                             Instant deliveredAt, Integer lastStatusCode, String lastError, List<Attempt> attempts) {

    public enum Status {
        /** Waiting for its first or next attempt. */
        PENDING,
        /** A receiver answered 2xx. */
        DELIVERED,
        /** Every attempt failed; no more will be made. */
        FAILED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status of(String stored) {
            return valueOf(stored.toUpperCase(Locale.ROOT));
        }
    }

    /** One POST: the receiver's status code, or what went wrong before it answered. */
    public record Attempt(int attempt, Instant attemptedAt, Integer statusCode, String error, long durationMs) {
    }
}
