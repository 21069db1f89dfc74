package io.calltrail.pool;

import java.time.Duration;
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

    /** Which free number a new session gets. */
    public enum ReuseOrder {
        /** The number free the longest (least recently used). */
        LONGEST_FREE("longest-free"),
        /**
         * The number whose last holder is least likely to call it back: a number whose holder stayed a while
         * counts as freed {@link #ENGAGED_WAIT} later, one whose holder clicked a tel: link {@link #CLICKED_WAIT}
         * later; among equals, the one free the longest. Only the pool lab runs it: in its simulations it gave no
         * fewer wrong attributions than {@link #LONGEST_FREE}, so pools in the database keep that order.
         */
        QUIET_FIRST("quiet-first");

        private final String wire;

        ReuseOrder(String wire) {
            this.wire = wire;
        }

        public static ReuseOrder fromWire(String wire) {
            for (ReuseOrder order : values()) {
                if (order.wire.equals(wire)) {
                    return order;
                }
            }
            throw new IllegalArgumentException("reuse order must be longest-free or quiet-first");
        }

        @Override
        public String toString() {
            return wire;
        }
    }

    /** A visit shorter than this (one request, or two within a minute) bounced. */
    public static final Duration BOUNCE = Duration.ofMinutes(1);
    public static final Duration ENGAGED_WAIT = Duration.ofHours(12);
    public static final Duration CLICKED_WAIT = Duration.ofHours(24);

    /** What quiet-first weighs about a free number's last holder. */
    public record LastHolder(Duration visit, boolean clicked) {
    }

    /** The instant from which {@code order} counts a number free at {@code freeAt} as free; earlier goes first. */
    public static Instant freeFor(ReuseOrder order, Instant freeAt, LastHolder lastHolder) {
        if (order == ReuseOrder.LONGEST_FREE || lastHolder == null) {
            return freeAt;
        }
        if (lastHolder.clicked()) {
            return freeAt.plus(CLICKED_WAIT);
        }
        return lastHolder.visit().compareTo(BOUNCE) < 0 ? freeAt : freeAt.plus(ENGAGED_WAIT);
    }
}
