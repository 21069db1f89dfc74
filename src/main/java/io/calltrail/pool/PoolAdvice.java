package io.calltrail.pool;

import io.calltrail.poollab.Recommender;
import java.util.Locale;

/**
 * Whether a pool was big enough over a period, in words a marketing manager reads: too small (and about how many
 * numbers to add), nearly full, big enough, or not used. The number to add comes from the pool lab's Poisson rule:
 * the sessions asking in the busiest hour, per minute, times the minutes a lease keeps its number.
 *
 * @param numbersToAdd about how many numbers to add; 0 when none are needed
 */
public record PoolAdvice(Level level, String message, int numbersToAdd) {

    public enum Level {
        TOO_SMALL, NEARLY_FULL, ENOUGH, UNUSED
    }

    /** What visitors are shown when the pool has no number free. */
    public record Fallback(String e164, boolean tracked, String sourceName) {
        String phrase() {
            if (e164 == null) {
                return "your own number (the pool has no fallback number), whose calls cannot be attributed";
            }
            if (tracked && sourceName != null) {
                return "the fallback number, whose calls can only be attributed to the source (" + sourceName + ")";
            }
            return "the fallback number, whose calls cannot be attributed";
        }
    }

    /** A pool is nearly full when its busiest moment used this share of its numbers or more. */
    static final double NEARLY_FULL = 0.8;

    public static PoolAdvice of(Pool pool, PoolStore.PoolStats stats, PoolStore.PoolUse use, Fallback fallback) {
        int size = stats.size();
        int add = Math.max(0, needed(pool, use) - size);
        if (use.fallbackSessions() > 0) {
            add = Math.max(1, add);
            return new PoolAdvice(Level.TOO_SMALL, "At busy times every number was in use: " + share(use.fallbackSessions(),
                    use.sessions()) + " of visitors (" + use.fallbackSessions() + " of " + use.sessions() + ") saw "
                    + fallback.phrase() + ". Add about " + numbers(add) + ".", add);
        }
        if (stats.exhaustions() > 0) {
            add = Math.max(1, add);
            return new PoolAdvice(Level.TOO_SMALL, "At busy times every number was in use: " + stats.exhaustions()
                    + (stats.exhaustions() == 1 ? " time" : " times") + " a visitor saw " + fallback.phrase() + ". Add about "
                    + numbers(add) + ".", add);
        }
        if (stats.reusedLeases() > 0) {
            add = Math.max(1, add);
            return new PoolAdvice(Level.TOO_SMALL, "At busy times every number was in use, so " + stats.reusedLeases()
                    + " visitor" + (stats.reusedLeases() == 1 ? " was" : "s were") + " given a number that another visitor "
                    + "had been shown minutes before: calls to it are attributed with less confidence. Add about "
                    + numbers(add) + ".", add);
        }
        if (use.sessions() == 0) {
            return new PoolAdvice(Level.UNUSED, "No visitor was given a number from this pool in this period.", 0);
        }
        if (size > 0 && use.peak() >= Math.ceil(size * NEARLY_FULL)) {
            return new PoolAdvice(Level.NEARLY_FULL, "At the busiest moment " + use.peak() + " of " + size + " numbers "
                    + (use.peak() == 1 ? "was" : "were") + " in use. Every visitor still got a number of their own, but there is little room left"
                    + (add > 0 ? ": add about " + numbers(add) + " before busier days." : "; watch it on busier days."), add);
        }
        return new PoolAdvice(Level.ENOUGH, "Big enough: at the busiest moment " + use.peak() + " of " + size + " numbers "
                + (use.peak() == 1 ? "was" : "were") + " in use, and every visitor got a number of their own.", 0);
    }

    /**
     * The numbers the busiest hour called for. A lease keeps its number for the visit, the idle timeout and the
     * linger at least, so that is the least a lease is taken to last, even before any lease has ended.
     */
    static int needed(Pool pool, PoolStore.PoolUse use) {
        if (use.busiestHourSessions() == 0) {
            return 0;
        }
        double leaseMinutes = Math.max(use.meanLeaseMinutes(), (pool.idleTimeoutSeconds() + pool.lingerSeconds()) / 60.0);
        return Recommender.numbersFor(use.busiestHourSessions() / 60.0 * leaseMinutes);
    }

    /** A share of visitors as people say it: 12%, or "under 1%" rather than 0% when some were. */
    static String share(int part, int whole) {
        if (whole == 0 || part == 0) {
            return "0%";
        }
        double percent = 100.0 * part / whole;
        return percent < 1 ? "under 1%" : String.format(Locale.ROOT, "%d%%", Math.round(percent));
    }

    private static String numbers(int count) {
        return count + (count == 1 ? " number" : " numbers");
    }
}
