package io.calltrail.poollab;

import java.util.List;
import java.util.Locale;

/** The pool lab's results as text tables. */
final class LabTables {
    private LabTables() {
    }

    static String describe(Scenario scenario) {
        Traffic traffic = scenario.traffic();
        return format("Traffic: %,.0f sessions a day (%s hours), visits %s, heartbeat every %s; %s of sessions call "
                        + "(%s during the visit, %s within %d min after, %s about %d h later)%n"
                        + "Pool:    %s%n"
                        + "Run:     %d simulated days, seed %d%n",
                traffic.sessionsPerDay(), traffic.profile(), traffic.sessionLength(),
                minutes(traffic.heartbeatFor(scenario.pool().idleTimeout()).toSeconds()), percent(traffic.callShare()),
                percent(traffic.duringShare()), percent(traffic.soonShare()), traffic.soonWithin().toMinutes(),
                percent(traffic.laterShare()), traffic.laterAfter().toHours(), scenario.pool(), scenario.days(), scenario.seed());
    }

    static String single(LabResult result) {
        StringBuilder out = new StringBuilder(describe(result.scenario())).append('\n');
        LabResult.Usage usage = result.usage();
        out.append(format("Numbers in use (held or lingering, every simulated minute): mean %.1f, 99th percentile %d, peak %d "
                + "of %d%n", usage.mean(), usage.p99(), usage.peak(), result.scenario().pool().size()));
        out.append(format("  Poisson expectation for an unlimited pool:                mean %.1f, 99th percentile %d%n",
                usage.poisson().mean(), usage.poisson().p99()));
        LabResult.Sessions sessions = result.sessions();
        out.append(format("Sessions: %,d; shown the fallback number: %,d (%s)%s%n%n", sessions.total(), sessions.fallback(),
                percent(sessions.fallbackShare()), sessions.reused() == 0 ? "" : format("; numbers taken by reuse-oldest: %,d",
                        sessions.reused())));

        LabResult.Calls calls = result.calls();
        out.append(format("Calls: %,d%n", calls.total()));
        row(out, "correctly attributed", calls.correct(), calls.total());
        row(out, "wrongly attributed (to another session)", calls.wrong(), calls.total());
        row(out, "not attributed", calls.none(), calls.total());
        row(out, "fallback number only (source, no session)", calls.fallbackOnly(), calls.total());

        out.append(format("%nCalibration: attributions by confidence (a confidence c promises at least 1 - (1 - c)/10 right)%n"));
        out.append(format("  %-12s %12s %8s %6s %14s %10s%n", "confidence", "attributions", "correct", "wrong", "share correct",
                "promised"));
        for (LabResult.Band band : result.bands()) {
            out.append(format("  %-12s %,12d %,8d %,6d %14s %10s%n", band.label(), band.attributions(), band.correct(),
                    band.wrong(), band.attributions() == 0 ? "-" : percent(band.shareCorrect()),
                    band.from() == 0 ? "-" : "≥ " + percent(1 - (1 - band.from()) / 10)));
        }
        LabResult.Quality quality = result.highConfidence();
        out.append(format("%nHigh confidence (≥ %s): %,d attributions, precision %s, recall %s of all calls%n",
                Stats.plain(quality.threshold()), quality.attributions(), percent(quality.precision()), percent(quality.recall())));
        return out.toString();
    }

    static String sweep(Sweep sweep, List<LabResult> results) {
        StringBuilder out = new StringBuilder(describe(results.get(0).scenario()).replaceAll("(?m)^(Pool: .*)$",
                "$1 (" + sweep.key() + " varies)")).append('\n');
        out.append(format("%8s %9s %8s %6s %9s %8s %8s %8s %9s %10s %8s%n", sweep.key(), "use mean", "use p99", "peak",
                "fallback", "correct", "wrong", "none", "fb only", "precision", "recall"));
        for (int i = 0; i < results.size(); i++) {
            LabResult result = results.get(i);
            LabResult.Calls calls = result.calls();
            out.append(format("%8d %9.1f %8d %6d %9s %8s %8s %8s %9s %10s %8s%n", sweep.values().get(i), result.usage().mean(),
                    result.usage().p99(), result.usage().peak(), percent(result.sessions().fallbackShare()),
                    percent(share(calls.correct(), calls.total())), percent(share(calls.wrong(), calls.total())),
                    percent(share(calls.none(), calls.total())), percent(share(calls.fallbackOnly(), calls.total())),
                    percent(result.highConfidence().precision()), percent(result.highConfidence().recall())));
        }
        out.append(format("%nuse: numbers held or lingering; fallback: sessions shown the fallback number; correct/wrong/none/"
                + "fb only: calls; precision and recall: attributions with confidence ≥ %s%n",
                Stats.plain(results.get(0).scenario().highConfidence())));
        return out.toString();
    }

    private static void row(StringBuilder out, String label, long count, long total) {
        out.append(format("  %-44s %,8d %8s%n", label, count, percent(share(count, total))));
    }

    static double share(long part, long total) {
        return total == 0 ? 0 : (double) part / total;
    }

    static String percent(double share) {
        return format("%.1f %%", share * 100);
    }

    private static String minutes(long seconds) {
        return seconds % 60 == 0 ? (seconds / 60) + " min" : seconds + " s";
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
