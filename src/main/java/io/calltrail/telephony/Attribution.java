package io.calltrail.telephony;

import io.calltrail.pool.Lease;
import java.time.Instant;
import java.util.List;

/**
 * How a call was tied to its source, and how far to trust it. Rules (never a guess):
 * <ul>
 *   <li>{@code static_source} 1.0 — the dialled number is bound to one source;</li>
 *   <li>{@code lease} — a session held the pool number when the call started;</li>
 *   <li>{@code linger} — the holder had gone idle but the number was still lingering;</li>
 *   <li>{@code none} 0 — nobody held the number (or it is not a tracking number).</li>
 * </ul>
 * A pool number's attribution goes to its holder, with the {@link Confidence} that it is right.
 */
public record Attribution(Method method, double confidence, String sessionId, Long leaseId, String sourceName, String reason) {

    public enum Method {
        LEASE, LINGER, STATIC_SOURCE, NONE;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Attribution none(String reason) {
        return new Attribution(Method.NONE, 0, null, null, null, reason);
    }

    /**
     * @param leases the leases of the dialled pool number that covered the call start, newest first
     * @param recentHolders the leases of that number taken in the lookback before the call, newest first
     * @param lastTelClick the holder's latest tel: click before the call, or null
     */
    static Attribution decide(RoutingTable.Route route, Instant callStart, List<Lease> leases, List<Lease> recentHolders,
                              Instant lastTelClick) {
        if (route.poolId() == null) {
            return route.sourceName() != null
                    ? new Attribution(Method.STATIC_SOURCE, 1.0, null, null, route.sourceName(), "static number of the source")
                    : none("the number is neither in a pool nor bound to a source");
        }
        return forPoolNumber(callStart, leases, recentHolders, lastTelClick);
    }

    /**
     * Attribution of a call to a pool number: the production rule, also run by the pool lab on simulated calls.
     *
     * @param leases the leases of the number that covered the call start, newest first
     * @param recentHolders the leases of the number taken in the {@link Confidence#LOOKBACK} before the call, newest first
     * @param lastTelClick the holder's latest tel: click before the call, or null
     */
    public static Attribution forPoolNumber(Instant callStart, List<Lease> leases, List<Lease> recentHolders,
                                            Instant lastTelClick) {
        if (leases.isEmpty()) {
            return none("no session held this pool number when the call started");
        }
        Lease lease = leases.get(0);
        Confidence.Estimate estimate = Confidence.estimate(lease, callStart, recentHolders, lastTelClick);
        boolean active = callStart.isBefore(lease.idleUntil());
        String reason = (active ? "session held the number" : "session had gone idle; the number was lingering")
                + "; last active " + estimate.minutesSinceActive() + " min before"
                + (estimate.clicked() ? "; clicked its tel: link shortly before" : "")
                + (estimate.otherHolders() == 0 ? "" : "; " + estimate.otherHolders() + " other holder"
                        + (estimate.otherHolders() == 1 ? "" : "s") + " in the " + Confidence.LOOKBACK.toHours() + " h before")
                + (lease.reused() ? "; taken by reuse-oldest overflow" : "");
        return new Attribution(active ? Method.LEASE : Method.LINGER, estimate.confidence(), lease.sessionId(), lease.id(),
                null, reason);
    }
}
