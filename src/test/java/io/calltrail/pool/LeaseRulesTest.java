package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.metrics.Metrics;
import io.calltrail.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two reuse orders the pool lab compares. */
class LeaseRulesTest {
    private static final Instant FREE = Instant.parse("2026-03-02T14:00:00Z");

    @Test
    void longestFreeIgnoresWhoHeldTheNumber() {
        LeaseRules.LastHolder clicked = new LeaseRules.LastHolder(Duration.ofMinutes(9), true);
        assertThat(LeaseRules.freeFor(LeaseRules.ReuseOrder.LONGEST_FREE, FREE, clicked)).isEqualTo(FREE);
    }

    @Test
    void quietFirstHoldsBackNumbersWhoseHolderStayedOrClicked() {
        LeaseRules.ReuseOrder quiet = LeaseRules.ReuseOrder.QUIET_FIRST;
        assertThat(LeaseRules.freeFor(quiet, FREE, null)).isEqualTo(FREE);
        assertThat(LeaseRules.freeFor(quiet, FREE, new LeaseRules.LastHolder(Duration.ofSeconds(20), false))).isEqualTo(FREE);
        assertThat(LeaseRules.freeFor(quiet, FREE, new LeaseRules.LastHolder(Duration.ofMinutes(4), false)))
                .isEqualTo(FREE.plus(LeaseRules.ENGAGED_WAIT));
        assertThat(LeaseRules.freeFor(quiet, FREE, new LeaseRules.LastHolder(Duration.ofSeconds(20), true)))
                .isEqualTo(FREE.plus(LeaseRules.CLICKED_WAIT));
    }

    @Test
    void inMemoryQuietFirstLeasesTheBouncedVisitorsNumberBeforeTheOneWhoseVisitorClicked() {
        for (LeaseRules.ReuseOrder order : LeaseRules.ReuseOrder.values()) {
            MutableClock clock = MutableClock.at("2026-03-02T14:00:00Z");
            Pool pool = new Pool(1, 1, 1, "lab", 60, 0, Pool.OverflowPolicy.FALLBACK, null, clock.instant());
            MemoryLedger ledger = new MemoryLedger(Duration.ofDays(3), order, Set.of("clicker")::contains);
            long clickersNumber = ledger.addNumber(1, 1, "+15125550101", clock.instant());
            long bouncersNumber = ledger.addNumber(1, 1, "+15125550102", clock.instant());
            Leases leases = new Leases(ledger, clock, new Metrics());
            assertThat(((Leases.Held) leases.obtain(pool, "clicker", null, null)).lease().trackingNumberId()).isEqualTo(clickersNumber);
            assertThat(((Leases.Held) leases.obtain(pool, "bouncer", null, null)).lease().trackingNumberId()).isEqualTo(bouncersNumber);
            clock.advance(Duration.ofMinutes(2));
            long next = ((Leases.Held) leases.obtain(pool, "newcomer", null, null)).lease().trackingNumberId();
            // both free since the same instant: longest-free takes the first number, quiet-first the bounced visitor's
            assertThat(next).isEqualTo(order == LeaseRules.ReuseOrder.LONGEST_FREE ? clickersNumber : bouncersNumber);
        }
    }
}
