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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pool lab's memory ledger answers exactly as the database does: the same random script of sessions
 * coming and going, run through {@link Leases} on both, gives the same numbers, the same lease history and
 * the same answers to "who held this number then?".
 */
class MemoryLedgerTest {
    private static final int IDLE = 30 * 60;
    private static final int LINGER = 20 * 60;

    static Stream<Arguments> scripts() {
        List<Arguments> all = new ArrayList<>();
        for (Database.Kind kind : Database.Kind.values()) {
            for (Pool.OverflowPolicy policy : Pool.OverflowPolicy.values()) {
                all.add(Arguments.of(kind, policy, 7L));
                all.add(Arguments.of(kind, policy, 11L));
            }
        }
        return all.stream();
    }

    /** One step of the script and what it gave. */
    private record Step(String sessionId, String kind, String e164) {
    }

    /** A lease without its id (ids are the stores' own). */
    private record Holding(String e164, String sessionId, Instant leasedAt, Instant lastSeenAt, Instant idleUntil,
                           Instant lingerUntil, Instant releasedAt, boolean reused) {
        static Holding of(Lease lease) {
            return new Holding(lease.e164(), lease.sessionId(), lease.leasedAt(), lease.lastSeenAt(), lease.idleUntil(),
                    lease.lingerUntil(), lease.releasedAt(), lease.reused());
        }
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void memoryLedgerLeasesExactlyAsTheDatabaseDoes(Database.Kind kind, Pool.OverflowPolicy policy, long seed) {
        try (Database database = TestDatabases.fresh(kind)) {
            Fixtures fixtures = new Fixtures(database);
            Property property = fixtures.property(fixtures.account("Lab"), "k" + System.nanoTime());
            Pool pool = fixtures.pool(property, 3, 100, policy, IDLE, LINGER, "+17375559999");
            List<TrackingNumber> stored = database.jdbi().withHandle(handle -> new PoolStore().numbers(handle,
                    property.accountId(), property.id(), pool.id()));

            MemoryLedger memory = new MemoryLedger(Duration.ofDays(30));
            Map<Long, Long> memoryNumber = new HashMap<>();
            for (TrackingNumber number : stored) {
                memoryNumber.put(number.id(), memory.addNumber(property.accountId(), pool.id(), number.e164(), number.createdAt()));
            }
            MutableClock clock = MutableClock.at("2026-03-02T14:00:00Z");
            Instant start = clock.instant();
            Leases onDatabase = new Leases(database.jdbi(), clock, new Metrics());
            Leases inMemory = new Leases(memory, clock, new Metrics());

            List<Step> databaseSteps = new ArrayList<>();
            List<Step> memorySteps = new ArrayList<>();
            Map<String, Lease> databaseHeld = new HashMap<>();
            Map<String, Lease> memoryHeld = new HashMap<>();
            Random random = new Random(seed);
            for (int step = 0; step < 120; step++) {
                clock.advance(Duration.ofSeconds(random.nextInt(15 * 60)));
                String session = "s" + random.nextInt(step / 4 + 2);
                databaseSteps.add(obtain(onDatabase, pool, session, databaseHeld));
                memorySteps.add(obtain(inMemory, pool, session, memoryHeld));
            }
            assertThat(memorySteps).containsExactlyElementsOf(databaseSteps);
            assertThat(memorySteps).extracting(Step::kind).contains("NEW", "EXTENDED", "RESUMED",
                    policy == Pool.OverflowPolicy.REUSE_OLDEST ? "REUSED" : "exhausted");

            Instant end = clock.instant().plusSeconds(1);
            assertThat(inMemory.history(property.accountId(), pool.id(), start, end, 1000)).extracting(Holding::of)
                    .containsExactlyElementsOf(onDatabase.history(property.accountId(), pool.id(), start, end, 1000).stream()
                            .map(Holding::of).toList());
            for (TrackingNumber number : stored) {
                long inMemoryId = memoryNumber.get(number.id());
                for (Instant at = start; at.isBefore(end); at = at.plus(Duration.ofMinutes(7))) {
                    assertThat(inMemory.leasesAt(property.accountId(), inMemoryId, at)).extracting(Holding::of)
                            .containsExactlyElementsOf(onDatabase.leasesAt(property.accountId(), number.id(), at).stream()
                                    .map(Holding::of).toList());
                }
                assertThat(inMemory.numberHistory(property.accountId(), inMemoryId, start, end)).extracting(Holding::of)
                        .containsExactlyElementsOf(onDatabase.numberHistory(property.accountId(), number.id(), start, end)
                                .stream().map(Holding::of).toList());
            }
            PoolStore.PoolStats stats = database.jdbi().withHandle(handle -> new PoolStore().stats(handle, pool,
                    clock.instant(), start, end));
            MemoryLedger.Reading reading = memory.reading(pool.id(), clock.instant());
            assertThat(List.of(reading.size(), reading.inUse(), reading.lingering(), (int) memory.exhaustions(pool.id())))
                    .containsExactly(stats.size(), stats.inUse(), stats.lingering(), stats.exhaustions());
        }
    }

    private static Step obtain(Leases leases, Pool pool, String session, Map<String, Lease> held) {
        Lease current = held.get(session);
        Leases.Outcome outcome = leases.obtain(pool, session, current == null ? null : current.id(),
                current == null ? null : current.trackingNumberId());
        if (outcome instanceof Leases.Held got) {
            held.put(session, got.lease());
            return new Step(session, got.kind().name(), got.lease().e164());
        }
        return new Step(session, "exhausted", null);
    }
}
