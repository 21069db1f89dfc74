package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.pool.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The confidence of a pool attribution moves the way the evidence does. */
class ConfidenceTest {
    private static final Instant CALL = Instant.parse("2026-03-02T14:00:00Z");

    /** A lease of the number by {@code session}, last active {@code minutesBefore} the call. */
    private static Lease lease(String session, long minutesBefore, boolean reused) {
        Instant seen = CALL.minus(Duration.ofMinutes(minutesBefore));
        Instant leased = seen.minus(Duration.ofMinutes(3));
        return new Lease(session.hashCode(), 1, 1, 1, "+15125550101", session, leased, seen, seen.plus(Duration.ofMinutes(30)),
                seen.plus(Duration.ofMinutes(60)), null, reused);
    }

    /** Sessions that held the number earlier, the latest an hour and a half before the call, then one an hour. */
    private static List<Lease> earlierHolders(int count) {
        List<Lease> holders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            holders.add(lease("earlier-" + i, 90 + 60L * i, false));
        }
        return holders;
    }

    private static double confidence(Lease holder, List<Lease> others, Instant click) {
        List<Lease> recent = new ArrayList<>(others);
        recent.add(0, holder);
        return Attribution.forPoolNumber(CALL, List.of(holder), recent, click).confidence();
    }

    @Test
    void confidenceFallsWithTheTimeSinceTheHolderWasActive() {
        double active = confidence(lease("holder", 0, false), earlierHolders(3), null);
        double fiveMinutes = confidence(lease("holder", 5, false), earlierHolders(3), null);
        double tenMinutes = confidence(lease("holder", 10, false), earlierHolders(3), null);
        assertThat(active).isGreaterThan(fiveMinutes);
        assertThat(fiveMinutes).isGreaterThan(tenMinutes);
        assertThat(active).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void confidenceFallsWithEveryOtherSessionThatHeldTheNumberRecently() {
        double alone = confidence(lease("holder", 0, false), List.of(), null);
        double afterFive = confidence(lease("holder", 0, false), earlierHolders(5), null);
        double afterForty = confidence(lease("holder", 0, false), earlierHolders(40), null);
        assertThat(alone).isGreaterThan(afterFive);
        assertThat(afterFive).isGreaterThan(afterForty);
        // forty visitors who may call it back: no longer trusted for export without a click
        assertThat(afterForty).isLessThan(0.9);
        // a holder cut short by reuse-oldest a minute ago may well be the caller
        assertThat(confidence(lease("holder", 0, true), List.of(lease("cut-short", 1, false)), null)).isLessThan(0.5);
    }

    @Test
    void aTelClickShortlyBeforeTheCallRaisesConfidence() {
        Lease holder = lease("holder", 2, false);
        List<Lease> others = earlierHolders(40);
        double without = confidence(holder, others, null);
        double clicked = confidence(holder, others, CALL.minusSeconds(30));
        double longAgo = confidence(holder, others, CALL.minus(Duration.ofMinutes(11)));
        double after = confidence(holder, others, CALL.plusSeconds(5));
        assertThat(clicked).isGreaterThan(without).isGreaterThanOrEqualTo(0.9);
        assertThat(longAgo).isEqualTo(without);
        assertThat(after).isEqualTo(without);
    }

    @Test
    void aPoolAttributionIsNeverCertainAndNeverBelowZero() {
        double best = confidence(lease("holder", 0, false), List.of(), CALL.minusSeconds(10));
        assertThat(best).isLessThan(1.0).isGreaterThan(0.99);
        double worst = confidence(lease("holder", 55, false), earlierHolders(40), null);
        assertThat(worst).isZero();
        Attribution lingering = Attribution.forPoolNumber(CALL, List.of(lease("holder", 40, false)), List.of(), null);
        assertThat(lingering.method()).isEqualTo(Attribution.Method.LINGER);
        assertThat(lingering.reason()).contains("last active 40 min before");
    }

    @Test
    void theSameSessionHoldingTheNumberTwiceIsNotAnotherCaller() {
        Lease holder = lease("holder", 0, false);
        Lease itsEarlierLease = lease("holder", 50, false);
        assertThat(confidence(holder, List.of(itsEarlierLease), null)).isEqualTo(confidence(holder, List.of(), null));
    }
}
