package io.calltrail.pool;

import java.time.Instant;

/**
 * The lease rules, free of storage: how long a lease lasts, when a number is free, and which free number
 * goes first. {@link Leases} applies them through a {@link LeaseLedger}: the database in production
 * ({@code LeaseStore}'s SQL states the same conditions as compare-and-set guards), memory in the pool lab.
 */
public final class LeaseRules {
    private LeaseRules() {
    }

    /** When a lease taken or extended at some instant goes idle, and when its linger ends. */
    public record Term(Instant idleUntil, Instant lingerUntil) {
        public static Term from(Pool pool, Instant now) {
            Instant idleUntil = now.plus(pool.idleTimeout());
            return new Term(idleUntil, idleUntil.plus(pool.linger()));
        }
    }

    /** The holder is active: activity now extends the lease. After that the number lingers, then is free. */
    public static boolean active(Instant idleUntil, Instant now) {
        return idleUntil != null && idleUntil.isAfter(now);
    }

    /** Nobody may call the number theirs any more: any session may take it. */
    public static boolean free(Instant freeAt, Instant now) {
        return !freeAt.isAfter(now);
    }

    /** The holder went idle: a {@code reuse-oldest} overflow may cut its linger short. */
    public static boolean idle(Instant idleUntil, Instant now) {
        return idleUntil != null && !idleUntil.isAfter(now);
    }
}
