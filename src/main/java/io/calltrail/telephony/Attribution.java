package io.calltrail.telephony;

import io.calltrail.pool.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a call was tied to its source, and how far to trust it. Rules (never a guess):
 * <ul>
 *   <li>{@code static_source} 1.0 — the dialled number is bound to one source;</li>
 *   <li>{@code lease} 0.9 — a session held the pool number when the call started; 0.98 when that session
 *       clicked a {@code tel:} link within the 10 minutes before; times 0.8 when the lease came from a
 *       {@code reuse-oldest} overflow;</li>
 *   <li>{@code linger} 0.6 — the holder had gone idle but the number was still lingering; times 0.8
 *       after a reuse;</li>
 *   <li>{@code none} 0 — nobody held the number (or it is not a tracking number).</li>
 * </ul>
 */
public record Attribution(Method method, double confidence, String sessionId, Long leaseId, String sourceName, String reason) {

    public enum Method {
        LEASE, LINGER, STATIC_SOURCE, NONE;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final Duration CLICK_WINDOW = Duration.ofMinutes(10);

    public static Attribution none(String reason) {
        return new Attribution(Method.NONE, 0, null, null, null, reason);
    }

    /**
     * @param leases the leases of the dialled pool number that covered the call start, newest first
     * @param lastTelClick the holder's latest tel: click before the call, or null
     */
    static Attribution decide(RoutingTable.Route route, Instant callStart, List<Lease> leases, Instant lastTelClick) {
        if (route.poolId() == null) {
            return route.sourceName() != null
                    ? new Attribution(Method.STATIC_SOURCE, 1.0, null, null, route.sourceName(), "static number of the source")
                    : none("the number is neither in a pool nor bound to a source");
        }
        if (leases.isEmpty()) {
            return none("no session held this pool number when the call started");
        }
        Lease lease = leases.get(0);
        double reuse = lease.reused() ? 0.8 : 1.0;
        if (callStart.isBefore(lease.idleUntil())) {
            boolean clicked = lastTelClick != null && !lastTelClick.isAfter(callStart)
                    && Duration.between(lastTelClick, callStart).compareTo(CLICK_WINDOW) <= 0;
            double confidence = (clicked ? 0.98 : 0.9) * reuse;
            String reason = "session held the number" + (clicked ? " and clicked its tel: link shortly before" : "")
                    + (lease.reused() ? "; lease taken by reuse-oldest overflow" : "");
            return new Attribution(Method.LEASE, round(confidence), lease.sessionId(), lease.id(), null, reason);
        }
        return new Attribution(Method.LINGER, round(0.6 * reuse), lease.sessionId(), lease.id(), null,
                "session had gone idle; the number was lingering" + (lease.reused() ? "; lease taken by reuse-oldest overflow" : ""));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
