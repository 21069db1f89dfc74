package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The words and figures of the numbers page: the peak of overlapping leases, and whether a pool is big enough. */
class PoolAdviceTest {
    private static final Instant FROM = Instant.parse("2026-05-04T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-05-11T00:00:00Z");

    private static Pool pool(Pool.OverflowPolicy policy) {
        return new Pool(1, 1, 1, "Google Ads visitors", 1800, 1800, policy, "+15125550109", FROM);
    }

    private static PoolStore.PoolStats stats(int size, int reused, int exhaustions) {
        return new PoolStore.PoolStats(1, size, 0, 0, size, 100, reused, exhaustions, FROM, TO);
    }

    private static PoolStore.PoolUse use(int peak, int sessions, int fallback, int busiestHour) {
        return new PoolStore.PoolUse(peak, FROM, sessions, fallback, busiestHour, 60, FROM, TO);
    }

    private static final PoolAdvice.Fallback GOOGLE = new PoolAdvice.Fallback("+15125550109", true, "Google Ads");

    private static PoolStore.Peak peak(long from, long to, long[]... spans) {
        PoolStore.Peak peak = new PoolStore.Peak(from, to);
        for (long[] span : spans) {
            peak.add(span[0], span[1]);
        }
        return peak;
    }

    @Test
    void thePeakCountsLeasesOpenAtOnceAndANumberPassedOnIsNotTwoAtOnce() {
        long[][] spans = {{-50, 6}, {0, 10}, {5, 15}, {10, 20}, {12, 30}};
        PoolStore.Peak busiest = peak(0, 100, spans);
        assertThat(busiest.busy()).isEqualTo(3); // at 5: [-50, 6), [0, 10), [5, 15)
        assertThat(busiest.atMillis()).isEqualTo(5);
        assertThat(peak(40, 100, spans).busy()).isZero();
        assertThat(peak(0, 100).busy()).isZero();
        // a lease taken before the window counts from the window's start
        PoolStore.Peak early = peak(0, 100, new long[] {-50, 60}, new long[] {0, 5});
        assertThat(early.busy()).isEqualTo(2);
        assertThat(early.atMillis()).isZero();
        // a lease taken when the window is over does not count
        assertThat(peak(0, 10, new long[] {0, 20}, new long[] {10, 30}).busy()).isEqualTo(1);
    }

    @Test
    void aPoolThatRanOutSaysWhoSawTheFallbackAndHowManyNumbersToAdd() {
        // 30 visitors in the busiest hour, each keeping a number an hour: 30 busy on average, 43 at the 99th percentile
        PoolAdvice advice = PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(20, 0, 40), use(20, 400, 48, 30), GOOGLE);
        assertThat(advice.level()).isEqualTo(PoolAdvice.Level.TOO_SMALL);
        assertThat(advice.numbersToAdd()).isEqualTo(23);
        assertThat(advice.message()).isEqualTo("At busy times every number was in use: 12% of visitors (48 of 400) saw the "
                + "fallback number, whose calls can only be attributed to the source (Google Ads). Add about 23 numbers.");

        assertThat(PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(20, 0, 1), use(20, 400, 1, 30),
                new PoolAdvice.Fallback(null, false, null)).message())
                .contains("under 1% of visitors (1 of 400) saw your own number (the pool has no fallback number), whose calls "
                        + "cannot be attributed.");
        assertThat(PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(20, 0, 1), use(20, 400, 1, 30),
                new PoolAdvice.Fallback("+15125550100", false, null)).message())
                .contains("saw the fallback number, whose calls cannot be attributed.");
    }

    @Test
    void aPoolThatReusedNumbersSaysConfidenceSuffered() {
        PoolAdvice advice = PoolAdvice.of(pool(Pool.OverflowPolicy.REUSE_OLDEST), stats(40, 3, 0), use(40, 400, 0, 30), GOOGLE);
        assertThat(advice.level()).isEqualTo(PoolAdvice.Level.TOO_SMALL);
        assertThat(advice.message()).isEqualTo("At busy times every number was in use, so 3 visitors were given a number that "
                + "another visitor had been shown minutes before: calls to it are attributed with less confidence. Add about "
                + "3 numbers.");
        // even when the busiest hour alone would not ask for more, running short asks for at least one
        assertThat(PoolAdvice.of(pool(Pool.OverflowPolicy.REUSE_OLDEST), stats(50, 1, 0), use(50, 400, 0, 30), GOOGLE)
                .numbersToAdd()).isEqualTo(1);
    }

    @Test
    void aPoolWithRoomLeftIsBigEnoughOrNearlyFull() {
        PoolAdvice enough = PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(60, 0, 0), use(41, 400, 0, 30), GOOGLE);
        assertThat(enough.level()).isEqualTo(PoolAdvice.Level.ENOUGH);
        assertThat(enough.numbersToAdd()).isZero();
        assertThat(enough.message()).isEqualTo("Big enough: at the busiest moment 41 of 60 numbers were in use, and every "
                + "visitor got a number of their own.");

        PoolAdvice tight = PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(40, 0, 0), use(38, 400, 0, 30), GOOGLE);
        assertThat(tight.level()).isEqualTo(PoolAdvice.Level.NEARLY_FULL);
        assertThat(tight.message()).endsWith("there is little room left: add about 3 numbers before busier days.");
        PoolAdvice watch = PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(50, 0, 0), use(45, 400, 0, 30), GOOGLE);
        assertThat(watch.message()).endsWith("there is little room left; watch it on busier days.");

        PoolAdvice unused = PoolAdvice.of(pool(Pool.OverflowPolicy.FALLBACK), stats(5, 0, 0), use(0, 0, 0, 0), GOOGLE);
        assertThat(unused.level()).isEqualTo(PoolAdvice.Level.UNUSED);
    }
}
