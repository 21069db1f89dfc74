package io.calltrail.pool;

import java.time.Duration;
import java.time.Instant;

/** Tracking numbers leased one visitor session at a time (dynamic number insertion). */
public record Pool(
        long id,
        long accountId,
        long propertyId,
        String name,
        int idleTimeoutSeconds,
        int lingerSeconds,
        OverflowPolicy overflowPolicy,
        String fallbackE164,
        Instant createdAt) {

    public Duration idleTimeout() {
        return Duration.ofSeconds(idleTimeoutSeconds);
    }

    public Duration linger() {
        return Duration.ofSeconds(lingerSeconds);
    }

    /** What a session gets when no number is free. */
    public enum OverflowPolicy {
        /** Show the pool's fallback number (attributable to the source only) and count an exhaustion. */
        FALLBACK("fallback"),
        /** Take the number idle longest, cutting its linger short; calls on it get lower confidence. */
        REUSE_OLDEST("reuse-oldest");

        private final String wire;

        OverflowPolicy(String wire) {
            this.wire = wire;
        }

        public static OverflowPolicy fromWire(String wire) {
            for (OverflowPolicy policy : values()) {
                if (policy.wire.equals(wire)) {
                    return policy;
                }
            }
            throw new IllegalArgumentException("unknown overflow policy " + wire);
        }

        @Override
        public String toString() {
            return wire;
        }
    }
}
