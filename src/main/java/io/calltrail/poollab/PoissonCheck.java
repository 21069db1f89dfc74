package io.calltrail.poollab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What queueing theory expects of an unlimited pool: sessions arrive as a Poisson process and each keeps a
 * number for its visit plus the idle timeout plus the linger, so the numbers busy at any instant are Poisson
 * distributed with mean ∫ rate(t − u) · P(lease longer than u) du (an M/G/∞ queue). With the pool large enough
 * never to run out, the simulation must agree with it; that is the lab's own check.
 */
final class PoissonCheck {
    private static final int STEP_SECONDS = 60;
    /** The expectation depends on the traffic and the lease times, not on the pool size: sweeps and searches reuse it. */
    private static final Map<List<Object>, LabResult.Expectation> CACHE = new ConcurrentHashMap<>();

    private PoissonCheck() {
    }

    static LabResult.Expectation expect(Scenario scenario) {
        List<Object> key = List.of(scenario.traffic(), scenario.pool().idleTimeout(), scenario.pool().linger(), scenario.days());
        LabResult.Expectation known = CACHE.get(key);
        if (known == null) {
            known = compute(scenario);
            if (CACHE.size() > 1000) {
                CACHE.clear();
            }
            CACHE.put(key, known);
        }
        return known;
    }

    private static LabResult.Expectation compute(Scenario scenario) {
        Traffic traffic = scenario.traffic();
        double fixed = scenario.pool().idleTimeout().toSeconds() + scenario.pool().linger().toSeconds();
        // P(a lease lasts longer than u), at the middle of each minute, until it no longer matters
        int maxSteps = (int) (Duration.ofDays(scenario.days()).toSeconds() / STEP_SECONDS);
        double[] survival = new double[maxSteps];
        int steps = 0;
        while (steps < maxSteps) {
            double u = (steps + 0.5) * STEP_SECONDS;
            survival[steps] = u < fixed ? 1 : traffic.sessionLength().survival(u - fixed);
            if (survival[steps] < 1e-9) {
                break;
            }
            steps++;
        }
        double[] perMinute = new double[maxSteps];
        for (int minute = 0; minute < maxSteps; minute++) {
            int hour = (minute / 60) % 24;
            perMinute[minute] = traffic.sessionsPerDay() * traffic.profile().share(hour) / 60;
        }
        int samples = maxSteps;
        double[] means = new double[samples];
        double total = 0;
        double highest = 0;
        for (int t = 0; t < samples; t++) {
            double mean = 0;
            for (int back = 0; back < steps && back < t; back++) {
                mean += perMinute[t - 1 - back] * survival[back];
            }
            means[t] = mean;
            total += mean;
            highest = Math.max(highest, mean);
        }
        int low = 0;
        int high = (int) Math.ceil(highest + 10 * Math.sqrt(highest) + 10);
        while (low < high) {
            int middle = (low + high) >>> 1;
            double below = 0;
            for (double mean : means) {
                below += Stats.poissonCdf(middle, mean);
            }
            if (below / samples >= 0.99) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return new LabResult.Expectation(total / samples, low);
    }
}
