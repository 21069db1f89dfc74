package io.calltrail.poollab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Recommends a pool for a traffic: for each lease setting in a small grid, the fewest numbers whose simulated
 * recall of high-confidence attributions reaches the target (with precision at least 99 %); the cheapest wins.
 * Without a target, the target is what Calltrail's default lease settings reach with numbers enough never to run
 * out (the 99th percentile of an unlimited pool's use). Next to it: what more numbers buy, and what the vendors'
 * rules of thumb would buy and how those pools do in the same simulation.
 */
public final class Recommender {
    static final List<Duration> IDLE_TIMEOUTS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(30));
    static final List<Duration> LINGERS = List.of(Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30));
    static final List<Double> FURTHER_RECALLS = List.of(0.5, 0.6, 0.7);
    static final double MIN_PRECISION = 0.99;
    /** Enough simulated calls for a steady recall: at least this many, over at least a week. */
    private static final int CALLS_TO_SIMULATE = 2500;

    private Recommender() {
    }

    /** A pool and how it did. */
    public record Option(String name, PoolSettings pool, LabResult result, double monthlyCost) {
    }

    /** A higher recall and the numbers it takes with the recommended lease settings (null: not with up to one per session). */
    public record Step(double recall, Option option) {
    }

    /**
     * @param target the recall aimed at
     * @param baseline Calltrail's default lease settings with numbers enough never to run out (the default target's source)
     * @param reached whether some pool reached the target; if not, {@code recommended} is the best one found
     */
    public record Recommendation(Scenario base, double target, Option baseline, boolean reached, Option recommended,
                                 Option defaultsAtTarget, List<Step> further, Option perTwentyVisitors, Option peakHour) {
    }

    /** The simulated days for this traffic: a week, or longer until it has enough calls. */
    static int days(Traffic traffic) {
        double callsPerDay = traffic.sessionsPerDay() * traffic.callShare();
        return (int) Math.max(7, Math.min(365, Math.ceil(CALLS_TO_SIMULATE / Math.max(callsPerDay, 1e-9))));
    }

    /** One number per 20 daily visitors. */
    static int perTwentyVisitors(Traffic traffic) {
        return Math.max(1, (int) Math.ceil(traffic.sessionsPerDay() / 20));
    }

    /** Peak hourly visitors ÷ (60 ÷ average visit minutes). */
    static int peakHour(Traffic traffic) {
        double peakHourly = traffic.sessionsPerDay() * traffic.profile().peakShare();
        return Math.max(1, (int) Math.ceil(peakHourly / (60 / traffic.meanSessionMinutes())));
    }

    public static Recommendation recommend(Traffic traffic, Double targetRecall, double numberCost, long seed,
                                           double highConfidence, int threads) {
        Scenario base = new Scenario(traffic, PoolSettings.defaults(1), days(traffic), seed, highConfidence);
        List<PoolSettings> grid = new ArrayList<>();
        for (Duration idle : IDLE_TIMEOUTS) {
            for (Duration linger : LINGERS) {
                grid.add(PoolSettings.defaults(1).withIdleTimeout(idle).withLinger(linger));
            }
        }
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            Future<Option> baselineRun = workers.submit(() -> {
                Scenario defaults = base.withPool(PoolSettings.defaults(1));
                int size = Math.max(1, PoissonCheck.expect(defaults).p99());
                return option("Calltrail's default lease settings, never running out", defaults.withPool(
                        PoolSettings.defaults(size)), numberCost);
            });
            Future<Option> twenty = workers.submit(() -> option("one number per 20 daily visitors",
                    base.withPool(PoolSettings.defaults(perTwentyVisitors(traffic))), numberCost));
            Future<Option> peak = workers.submit(() -> option("peak hourly visitors ÷ (60 ÷ visit minutes)",
                    base.withPool(PoolSettings.defaults(peakHour(traffic))), numberCost));
            List<Future<Option>> ample = new ArrayList<>();
            for (PoolSettings settings : grid) {
                ample.add(workers.submit(() -> option("ample", base.withPool(settings.withSize(ampleSize(base.withPool(settings)))),
                        numberCost)));
            }
            Option baseline = baselineRun.get();
            double target = targetRecall != null ? targetRecall
                    : Math.floor(baseline.result().highConfidence().recall() * 1000) / 1000;
            List<Option> ampleResults = collect(ample);

            List<Future<Option>> smallest = new ArrayList<>();
            for (Option option : ampleResults) {
                smallest.add(workers.submit(() -> smallestReaching(base, option.pool(), option, target, numberCost)));
            }
            List<Option> found = collect(smallest);
            Option recommended = found.stream().filter(option -> option != null)
                    .min(Comparator.comparingInt((Option option) -> option.pool().size())
                            .thenComparing(option -> -option.result().highConfidence().recall()))
                    .orElse(null);
            boolean reached = recommended != null;
            if (!reached) {
                recommended = ampleResults.stream().max(Comparator.comparingDouble(
                        (Option option) -> option.result().highConfidence().recall())).orElseThrow();
            }
            recommended = rename("recommended", recommended);
            Option defaults = found.get(grid.indexOf(PoolSettings.defaults(1)));

            List<Step> further = new ArrayList<>();
            if (reached) {
                PoolSettings chosen = recommended.pool();
                int cap = (int) Math.min(100_000, Math.max(chosen.size(), Math.ceil(traffic.sessionsPerDay())));
                Option largest = option("largest", base.withPool(chosen.withSize(cap)), numberCost);
                List<Future<Option>> steps = new ArrayList<>();
                for (double recall : FURTHER_RECALLS) {
                    steps.add(recall <= target ? null
                            : workers.submit(() -> smallestReaching(base, chosen, largest, recall, numberCost)));
                }
                for (int i = 0; i < FURTHER_RECALLS.size(); i++) {
                    if (steps.get(i) != null) {
                        further.add(new Step(FURTHER_RECALLS.get(i), steps.get(i).get()));
                    }
                }
            }
            return new Recommendation(base, target, baseline, reached, recommended,
                    defaults == null ? null : rename("Calltrail's default lease settings", defaults), further, twenty.get(),
                    peak.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * Numbers enough for a pool whose unlimited use would be Poisson with this mean (sessions per minute × minutes a
     * lease keeps its number): the 99th percentile, so that at busy times it runs out about one minute in a hundred.
     */
    public static int numbersFor(double meanBusy) {
        return Math.max(1, Stats.poissonQuantile(Math.max(0, meanBusy), 0.99));
    }

    /** Numbers enough that the pool almost never runs out: twice the Poisson 99th percentile, and some. */
    static int ampleSize(Scenario scenario) {
        return Math.min(100_000, 2 * PoissonCheck.expect(scenario).p99() + 10);
    }

    /**
     * Binary search for the fewest numbers with these lease settings reaching the target, given a larger pool that
     * does; null when even that one does not.
     */
    private static Option smallestReaching(Scenario base, PoolSettings settings, Option larger, double target, double numberCost) {
        if (!good(larger, target)) {
            return null;
        }
        // below half the numbers an unlimited pool has busy on average, most sessions would get the fallback
        int low = Math.max(1, (int) (PoissonCheck.expect(base.withPool(settings)).mean() / 2));
        int high = larger.pool().size();
        Option best = larger;
        while (low < high) {
            int middle = (low + high) >>> 1;
            Option tried = option("candidate", base.withPool(settings.withSize(middle)), numberCost);
            if (good(tried, target)) {
                high = middle;
                best = tried;
            } else {
                low = middle + 1;
            }
        }
        return best;
    }

    private static boolean good(Option option, double target) {
        LabResult.Quality quality = option.result().highConfidence();
        return quality.recall() >= target - 1e-12 && quality.precision() >= MIN_PRECISION;
    }

    private static Option option(String name, Scenario scenario, double numberCost) {
        return new Option(name, scenario.pool(), Simulation.run(scenario), scenario.pool().size() * numberCost);
    }

    private static Option rename(String name, Option option) {
        return new Option(name, option.pool(), option.result(), option.monthlyCost());
    }

    private static <T> List<T> collect(List<Future<T>> futures) throws InterruptedException, ExecutionException {
        List<T> done = new ArrayList<>();
        for (Future<T> future : futures) {
            done.add(future.get());
        }
        return done;
    }
}
