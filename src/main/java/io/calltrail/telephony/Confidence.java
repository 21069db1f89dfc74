package io.calltrail.telephony;

import io.calltrail.pool.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far to trust the attribution of a call to the session that held the pool number. Everyone who could be
 * calling the number gets a weight: its holder, each other session that held it in the {@link #LOOKBACK} before
 * (visitors call back numbers they saw yesterday), and a little for anyone else. A session's weight is highest
 * while it is active and falls by half every three minutes after its last activity, is {@link #CLICK_WEIGHT}
 * times higher after a {@code tel:} click in the {@link #CLICK_WINDOW} before the call, and never falls below
 * {@link #CALLBACK_WEIGHT}, the chance of a call back much later. The holder's share of all the weight is the
 * estimated chance that the attribution is right.
 *
 * <p>Confidence puts that chance on a scale that exports can trust: {@code 1 − 10 × (chance it is wrong)}, so
 * 0.9 means one such attribution in a hundred is wrong, 0.99 one in a thousand, 0.5 one in twenty, and 0 one in
 * ten or worse. The weights were fitted by the pool lab ({@code calltrail pool-lab}) to its default traffic,
 * which prints the calibration table that checks them.
 */
public final class Confidence {
    /** How far back the number's other holders are weighed as possible callers. */
    public static final Duration LOOKBACK = Duration.ofHours(48);
    /** A tel: click this long before the call counts for the holder. */
    public static final Duration CLICK_WINDOW = Duration.ofMinutes(10);
    static final double DECAY_MINUTES = 4.5;
    static final double CLICK_WEIGHT = 13;
    static final double CALLBACK_WEIGHT = 0.0008;
    static final double ANYONE_ELSE_WEIGHT = 0.0035;
    /** How many wrong attributions in ten one point of confidence stands for: 1 − 10 × P(wrong). */
    private static final double SCALE = 10;

    private Confidence() {
    }

    /** What the estimate rests on, for the attribution's reason. */
    public record Estimate(double confidence, long minutesSinceActive, boolean clicked, int otherHolders) {
    }

    /**
     * @param holder the lease that covered the call start
     * @param recentHolders leases of the number taken in the lookback before the call (the holder's among them or not)
     * @param lastTelClick the holder's latest tel: click, or null
     */
    public static Estimate estimate(Lease holder, Instant callStart, List<Lease> recentHolders, Instant lastTelClick) {
        boolean clicked = clickedShortlyBefore(lastTelClick, callStart);
        double holderWeight = weight(holder, callStart) * (clicked ? CLICK_WEIGHT : 1);
        Map<String, Lease> latestByOther = new HashMap<>();
        for (Lease lease : recentHolders) {
            if (!lease.sessionId().equals(holder.sessionId())) {
                latestByOther.merge(lease.sessionId(), lease, (one, two) -> one.lastSeenAt().isAfter(two.lastSeenAt()) ? one : two);
            }
        }
        double others = ANYONE_ELSE_WEIGHT;
        for (Lease other : latestByOther.values()) {
            others += weight(other, callStart);
        }
        double wrong = others / (holderWeight + others);
        double confidence = Math.max(0, 1 - SCALE * wrong);
        return new Estimate(Math.round(confidence * 1000) / 1000.0,
                Math.max(0, Duration.between(holder.lastSeenAt(), callStart).toMinutes()), clicked, latestByOther.size());
    }

    /** A tel: click (or null) in the {@link #CLICK_WINDOW} before the call, which counts for the holder. */
    static boolean clickedShortlyBefore(Instant lastTelClick, Instant callStart) {
        return lastTelClick != null && !lastTelClick.isAfter(callStart)
                && Duration.between(lastTelClick, callStart).compareTo(CLICK_WINDOW) <= 0;
    }

    /** How likely this session is to be calling now, relative to one that is active at this moment. */
    private static double weight(Lease lease, Instant callStart) {
        double minutes = Math.max(0, Duration.between(lease.lastSeenAt(), callStart).toMillis() / 60_000.0);
        return Math.exp(-minutes / DECAY_MINUTES) + CALLBACK_WEIGHT;
    }
}
