package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.metrics.Metrics;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lease, linger and overflow behaviour, with a fixed clock, on H2 and on PostgreSQL. */
class LeasesTest {
    private static final int IDLE = 30 * 60;
    private static final int LINGER = 30 * 60;

    private MutableClock clock;
    private Leases leases;
    private Fixtures fixtures;
    private Property property;

    private Database setUp(Database.Kind kind) {
        Database database = TestDatabases.fresh(kind);
        clock = MutableClock.at("2026-03-02T14:00:00Z");
        leases = new Leases(database.jdbi(), clock, new Metrics());
        fixtures = new Fixtures(database);
        property = fixtures.property(fixtures.account("Plumber"), "k" + System.nanoTime());
        return database;
    }

    private Pool pool(int size, Pool.OverflowPolicy policy) {
        return fixtures.pool(property, size, 100, policy, IDLE, LINGER, "+17375559999");
    }

    private static Lease held(Leases.Outcome outcome) {
        assertThat(outcome).isInstanceOf(Leases.Held.class);
        return ((Leases.Held) outcome).lease();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void numberFreeLongestIsLeasedFirst(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(3, Pool.OverflowPolicy.FALLBACK);
            Lease first = held(leases.obtain(pool, "s1", null, null));
            Lease second = held(leases.obtain(pool, "s2", null, null));
            assertThat(first.e164()).isEqualTo("+17375550100");
            assertThat(second.e164()).isEqualTo("+17375550101");
            assertThat(first.idleUntil()).isEqualTo(clock.instant().plusSeconds(IDLE));
            assertThat(first.lingerUntil()).isEqualTo(clock.instant().plusSeconds(IDLE + LINGER));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void activityExtendsTheLeaseAndKeepsTheNumber(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(2, Pool.OverflowPolicy.FALLBACK);
            Lease lease = held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofMinutes(25));
            Leases.Outcome again = leases.obtain(pool, "s1", lease.id(), lease.trackingNumberId());
            assertThat(((Leases.Held) again).kind()).isEqualTo(Leases.Kind.EXTENDED);
            Lease extended = held(again);
            assertThat(extended.id()).isEqualTo(lease.id());
            assertThat(extended.idleUntil()).isEqualTo(clock.instant().plusSeconds(IDLE));
            // 25 more minutes: still inside the extended idle window, so still the same lease
            clock.advance(Duration.ofMinutes(25));
            assertThat(held(leases.obtain(pool, "s1", lease.id(), lease.trackingNumberId())).id()).isEqualTo(lease.id());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void leaseIsReusedOnlyAfterLinger(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(1, Pool.OverflowPolicy.FALLBACK);
            Lease first = held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofSeconds(IDLE + 1));
            // idle but lingering: nobody else may have it
            assertThat(leases.obtain(pool, "s2", null, null)).isInstanceOf(Leases.Exhausted.class);
            clock.advance(Duration.ofSeconds(LINGER - 2));
            assertThat(leases.obtain(pool, "s3", null, null)).isInstanceOf(Leases.Exhausted.class);
            clock.advance(Duration.ofSeconds(1));
            Lease next = held(leases.obtain(pool, "s4", null, null));
            assertThat(next.trackingNumberId()).isEqualTo(first.trackingNumberId());
            assertThat(next.sessionId()).isEqualTo("s4");
            assertThat(next.reused()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void visitorReturningDuringLingerGetsTheSameNumberBack(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(2, Pool.OverflowPolicy.FALLBACK);
            Lease first = held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofMinutes(45));
            Leases.Outcome back = leases.obtain(pool, "s1", first.id(), first.trackingNumberId());
            assertThat(((Leases.Held) back).kind()).isEqualTo(Leases.Kind.RESUMED);
            Lease resumed = held(back);
            assertThat(resumed.trackingNumberId()).isEqualTo(first.trackingNumberId());
            assertThat(resumed.id()).isNotEqualTo(first.id());
            // the first holding ended when the visitor came back
            List<Lease> history = leases.history(property.accountId(), pool.id(), clock.instant().minus(Duration.ofDays(1)),
                    clock.instant().plusSeconds(1), 10);
            assertThat(history).extracting(Lease::releasedAt).containsExactly(null, clock.instant());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void fallbackPolicyCountsExhaustionAndLeasesNothing(Database.Kind kind) {
        try (Database database = setUp(kind)) {
            Pool pool = pool(2, Pool.OverflowPolicy.FALLBACK);
            held(leases.obtain(pool, "s1", null, null));
            held(leases.obtain(pool, "s2", null, null));
            assertThat(leases.obtain(pool, "s3", null, null)).isInstanceOf(Leases.Exhausted.class);
            PoolStore.PoolStats stats = database.jdbi().withHandle(handle -> new PoolStore().stats(handle, pool,
                    clock.instant(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(1)));
            assertThat(stats.exhaustions()).isEqualTo(1);
            assertThat(stats.inUse()).isEqualTo(2);
            assertThat(stats.leases()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void numberAddedToAnExhaustedPoolIsLeasedAtOnce(Database.Kind kind) {
        try (Database database = setUp(kind)) {
            Pool pool = pool(1, Pool.OverflowPolicy.FALLBACK);
            held(leases.obtain(pool, "s1", null, null));
            assertThat(leases.obtain(pool, "s2", null, null)).isInstanceOf(Leases.Exhausted.class);
            TrackingNumber added = database.jdbi().inTransaction(handle -> new PoolStore().insertNumber(handle,
                    new TrackingNumber(0, property.accountId(), property.id(), "+17375550200", "added", "twilio", "+15125550100",
                            pool.id(), null, clock.instant(), null, TrackingNumber.CallerId.CALLER)));
            leases.numbersChanged();
            Lease lease = held(leases.obtain(pool, "s3", null, null));
            assertThat(lease.trackingNumberId()).isEqualTo(added.id());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void reuseOldestTakesTheNumberIdleLongestAndMarksItReused(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(2, Pool.OverflowPolicy.REUSE_OLDEST);
            Lease older = held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofMinutes(5));
            Lease newer = held(leases.obtain(pool, "s2", null, null));
            clock.advance(Duration.ofMinutes(32));
            // both idle now (lingering); s1 has been idle longest
            Leases.Outcome outcome = leases.obtain(pool, "s3", null, null);
            assertThat(((Leases.Held) outcome).kind()).isEqualTo(Leases.Kind.REUSED);
            Lease reused = held(outcome);
            assertThat(reused.trackingNumberId()).isEqualTo(older.trackingNumberId());
            assertThat(reused.reused()).isTrue();
            List<Lease> atOlderNumber = leases.leasesAt(property.accountId(), older.trackingNumberId(), clock.instant());
            assertThat(atOlderNumber).extracting(Lease::sessionId).containsExactly("s3");
            assertThat(newer.trackingNumberId()).isNotEqualTo(older.trackingNumberId());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void reuseOldestNeverTakesANumberFromAnActiveSession(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(1, Pool.OverflowPolicy.REUSE_OLDEST);
            held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofMinutes(29));
            assertThat(leases.obtain(pool, "s2", null, null)).isInstanceOf(Leases.Exhausted.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void leaseHistoryAnswersWhoHeldANumberAtAnInstant(Database.Kind kind) {
        try (Database ignored = setUp(kind)) {
            Pool pool = pool(1, Pool.OverflowPolicy.FALLBACK);
            Instant start = clock.instant();
            Lease first = held(leases.obtain(pool, "s1", null, null));
            clock.advance(Duration.ofMinutes(61));
            held(leases.obtain(pool, "s2", null, null));
            long number = first.trackingNumberId();
            assertThat(leases.leasesAt(property.accountId(), number, start.plusSeconds(60))).extracting(Lease::sessionId)
                    .containsExactly("s1");
            // idle after 30 min, lingering until 60 min: still s1's
            assertThat(leases.leasesAt(property.accountId(), number, start.plus(Duration.ofMinutes(45))))
                    .extracting(Lease::sessionId).containsExactly("s1");
            assertThat(leases.leasesAt(property.accountId(), number, start.plus(Duration.ofMinutes(60).plusSeconds(30))))
                    .isEmpty();
            assertThat(leases.leasesAt(property.accountId(), number, clock.instant())).extracting(Lease::sessionId)
                    .containsExactly("s2");
            // another account sees nothing of it
            assertThat(leases.leasesAt(property.accountId() + 1000, number, clock.instant())).isEmpty();
        }
    }
}
