package io.calltrail.poollab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.calltrail.pool.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool lab: repeatable, in agreement with queueing theory, and honest about confidence. */
class SimulationTest {

    private static Scenario defaults(int days) {
        return new Scenario(Traffic.DEFAULT, PoolSettings.defaults(Scenario.DEFAULT_SIZE), days, 1, 0.9);
    }

    @Test
    void theSameSeedGivesTheSameRunCallForCall() {
        List<Simulation.SimulatedCall> first = new ArrayList<>();
        List<Simulation.SimulatedCall> second = new ArrayList<>();
        LabResult one = Simulation.run(defaults(3), first::add);
        LabResult two = Simulation.run(defaults(3), second::add);
        assertThat(two).isEqualTo(one);
        assertThat(second).isNotEmpty().isEqualTo(first);

        LabResult otherSeed = Simulation.run(defaults(3).withSeed(2));
        assertThat(otherSeed.sessions().total()).isNotEqualTo(one.sessions().total());
    }

    @Test
    void numbersInUseAreWhatPoissonExpectsForExponentialVisitsWithoutLinger() {
        double sessionsPerDay = 20_000;
        double visitMinutes = 3;
        int idleMinutes = 10;
        Traffic traffic = new Traffic(sessionsPerDay, HourlyProfile.FLAT, SessionLength.exponential(visitMinutes), null, 0.04, 0,
                0.6, 0.25, 0.15, Duration.ofMinutes(15), Duration.ofHours(24), Duration.ofHours(4), 0.7, 0.01);
        PoolSettings ample = new PoolSettings(2_000, Duration.ofMinutes(idleMinutes), Duration.ZERO, Pool.OverflowPolicy.FALLBACK,
                io.calltrail.pool.LeaseRules.ReuseOrder.LONGEST_FREE);
        LabResult result = Simulation.run(new Scenario(traffic, ample, 14, 7, 0.9));

        // M/M/∞ (each number busy for the visit plus the idle timeout): Poisson with mean arrival rate × busy time
        double mean = sessionsPerDay / (24 * 60) * (visitMinutes + idleMinutes);
        assertThat(result.sessions().fallback()).isZero();
        assertThat(result.usage().mean()).isCloseTo(mean, within(0.05 * mean));
        int p99 = poissonQuantile(mean, 0.99);
        assertThat((double) result.usage().p99()).isCloseTo(p99, within(0.05 * p99));
        // the lab's own check says the same
        assertThat(result.usage().poisson().mean()).isCloseTo(mean, within(0.01 * mean));
        assertThat((double) result.usage().poisson().p99()).isCloseTo(p99, within(1.0));
    }

    /** The smallest k with P(N ≤ k) ≥ level for N Poisson(mean), summed term by term. */
    private static int poissonQuantile(double mean, double level) {
        double term = Math.exp(-mean);
        double total = term;
        int k = 0;
        while (total < level) {
            k++;
            term *= mean / k;
            total += term;
        }
        return k;
    }

    @Test
    void attributionsOfConfidenceAtLeastPointNineAreRightAtLeast99PercentInTheDefaultScenario() {
        LabResult result = Simulation.run(defaults(91));
        LabResult.Quality high = result.highConfidence();
        assertThat(high.threshold()).isEqualTo(0.9);
        assertThat(high.attributions()).isGreaterThan(2_000);
        assertThat(high.precision()).isGreaterThanOrEqualTo(0.99);
        // the scale means what it says: lower bands are right less often
        List<LabResult.Band> bands = result.bands();
        LabResult.Band highest = bands.stream().filter(band -> band.from() == 0.95).findFirst().orElseThrow();
        LabResult.Band middle = bands.stream().filter(band -> band.from() == 0.7).findFirst().orElseThrow();
        LabResult.Band lowest = bands.stream().filter(band -> band.from() == 0).findFirst().orElseThrow();
        assertThat(highest.shareCorrect()).isGreaterThan(middle.shareCorrect());
        assertThat(middle.shareCorrect()).isGreaterThan(lowest.shareCorrect());
        assertThat(middle.shareCorrect()).isGreaterThan(0.95);
        assertThat(lowest.wrong()).isPositive();
    }

    @Test
    void everyCallIsCountedOnceAndEveryAttributionInOneBand() {
        LabResult result = Simulation.run(defaults(7).withPool(PoolSettings.defaults(120)));
        LabResult.Calls calls = result.calls();
        assertThat(calls.correct() + calls.wrong() + calls.none() + calls.fallbackOnly()).isEqualTo(calls.total());
        assertThat(result.bands().stream().mapToLong(LabResult.Band::correct).sum()).isEqualTo(calls.correct());
        assertThat(result.bands().stream().mapToLong(LabResult.Band::wrong).sum()).isEqualTo(calls.wrong());
        assertThat(result.highConfidence().recall()).isEqualTo((double) result.highConfidence().correct() / calls.total());
    }

    @Test
    void aPoolTooSmallShowsTheFallbackAndReuseOldestTakesLingeringNumbersInstead() {
        LabResult small = Simulation.run(defaults(7).withPool(PoolSettings.defaults(40)));
        assertThat(small.sessions().fallbackShare()).isGreaterThan(0.2);
        assertThat(small.calls().fallbackOnly()).isPositive();
        assertThat(small.usage().peak()).isEqualTo(40);

        LabResult reusing = Simulation.run(defaults(7).withPool(PoolSettings.defaults(40).withOverflow(Pool.OverflowPolicy.REUSE_OLDEST)));
        assertThat(reusing.sessions().reused()).isPositive();
        assertThat(reusing.sessions().fallback()).isLessThan(small.sessions().fallback());
    }

    @Test
    void moreNumbersMeanFewerWrongAttributions() {
        LabResult few = Simulation.run(defaults(28).withPool(PoolSettings.defaults(200)));
        LabResult many = Simulation.run(defaults(28).withPool(PoolSettings.defaults(1_000)));
        assertThat(many.calls().wrong()).isLessThan(few.calls().wrong());
        assertThat(many.highConfidence().recall()).isGreaterThan(few.highConfidence().recall());
    }
}
