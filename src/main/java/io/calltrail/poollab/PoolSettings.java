package io.calltrail.poollab;

import io.calltrail.pool.LeaseRules.ReuseOrder;
import io.calltrail.pool.Pool;
import java.time.Duration;
import java.util.Locale;

/** The pool under test: how many numbers, and its lease settings. */
public record PoolSettings(int size, Duration idleTimeout, Duration linger, Pool.OverflowPolicy overflow, ReuseOrder reuseOrder) {
    public PoolSettings {
        Traffic.require(size >= 1 && size <= 100_000, "the pool size must be between 1 and 100,000");
        Traffic.require(idleTimeout.toSeconds() >= 60 && idleTimeout.toHours() <= 24, "the idle timeout must be between 1 minute and 24 hours");
        Traffic.require(!linger.isNegative() && linger.toDays() <= 7, "the linger must be between 0 and 7 days");
    }

    /** Calltrail's defaults for a new pool: 30 minutes idle timeout, 30 minutes linger, fallback when none is free. */
    public static PoolSettings defaults(int size) {
        return new PoolSettings(size, Duration.ofMinutes(30), Duration.ofMinutes(30), Pool.OverflowPolicy.FALLBACK,
                ReuseOrder.LONGEST_FREE);
    }

    public PoolSettings withSize(int newSize) {
        return new PoolSettings(newSize, idleTimeout, linger, overflow, reuseOrder);
    }

    public PoolSettings withIdleTimeout(Duration newIdle) {
        return new PoolSettings(size, newIdle, linger, overflow, reuseOrder);
    }

    public PoolSettings withLinger(Duration newLinger) {
        return new PoolSettings(size, idleTimeout, newLinger, overflow, reuseOrder);
    }

    public PoolSettings withReuseOrder(ReuseOrder newOrder) {
        return new PoolSettings(size, idleTimeout, linger, overflow, newOrder);
    }

    public PoolSettings withOverflow(Pool.OverflowPolicy newOverflow) {
        return new PoolSettings(size, idleTimeout, linger, newOverflow, reuseOrder);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d numbers, idle timeout %d min, linger %d min, overflow %s, reuse order %s", size,
                idleTimeout.toMinutes(), linger.toMinutes(), overflow, reuseOrder);
    }
}
