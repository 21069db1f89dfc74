package io.calltrail.poollab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calltrail.app.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calltrail pool-size}: the pool size and lease settings to buy, from simulations, next to the rules of thumb. */
@Command(name = "pool-size", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Recommend a pool size and lease settings for a traffic, from pool-lab simulations: the fewest numbers "
                + "whose high-confidence attributions reach the target recall at 99 %% precision or better, next to what the "
                + "vendors' rules of thumb would buy and how those pools do."})
public final class PoolSizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--sessions-per-day", required = true, split = ",", paramLabel = "N[,N...]",
            description = "Pool sessions a day; several, comma-separated, give one recommendation each.")
    List<Double> sessionsPerDay;
    @Option(names = "--target-recall", paramLabel = "R",
            description = "Share of all calls that must get a correct high-confidence attribution (default: what Calltrail's "
                    + "default lease settings reach with numbers enough never to run out).")
    Double targetRecall;
    @Option(names = "--number-cost", paramLabel = "C", description = "Monthly cost of one tracking number (default 1.15).")
    double numberCost = 1.15;
    @Option(names = "--high-confidence", paramLabel = "C", description = "Confidence from which an attribution counts (default 0.9).")
    double highConfidence = Scenario.DEFAULT.highConfidence();
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    long seed = Scenario.DEFAULT.seed();
    @Option(names = "--threads", paramLabel = "N", description = "Simulations run at once (default: the number of processors).")
    int threads = Runtime.getRuntime().availableProcessors();
    @Mixin
    TrafficOptions traffic = new TrafficOptions();
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Option(names = "--markdown", description = "Print one Markdown table row per traffic (the README's table).")
    boolean markdown;

    @Override
    public Integer call() throws IOException {
        List<Traffic> traffics = new ArrayList<>();
        try {
            if (targetRecall != null && !(targetRecall > 0 && targetRecall <= 1)) {
                throw new IllegalArgumentException("--target-recall must be above 0 and at most 1");
            }
            if (!(numberCost >= 0) || Double.isInfinite(numberCost)) {
                throw new IllegalArgumentException("--number-cost must be 0 or more");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1");
            }
            for (double sessions : sessionsPerDay) {
                traffics.add(traffic.traffic(sessions));
            }
            new Scenario(traffics.get(0), PoolSettings.defaults(1), 7, seed, highConfidence);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("pool-size: " + e.getMessage());
            return 2;
        }
        List<Recommender.Recommendation> recommendations = new ArrayList<>();
        for (Traffic each : traffics) {
            recommendations.add(Recommender.recommend(each, targetRecall, numberCost, seed, highConfidence, threads));
        }
        if (json) {
            ArrayNode all = Json.MAPPER.createArrayNode();
            recommendations.forEach(recommendation -> all.add(json(recommendation)));
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                    recommendations.size() == 1 ? all.get(0) : all));
        } else if (markdown) {
            spec.commandLine().getOut().print(markdown(recommendations));
        } else {
            recommendations.forEach(recommendation -> spec.commandLine().getOut().print(text(recommendation) + "\n"));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String text(Recommender.Recommendation recommendation) {
        StringBuilder out = new StringBuilder();
        Scenario base = recommendation.base();
        out.append(LabTables.describe(base.withPool(recommendation.recommended().pool())).replaceAll("(?m)^Pool: .*\\R", ""));
        Recommender.Option baseline = recommendation.baseline();
        out.append(format("Target:  recall %s (a correct attribution of confidence ≥ %s for that share of all calls) at precision "
                        + "≥ 99 %%%n", LabTables.percent(recommendation.target()), Stats.plain(base.highConfidence())));
        out.append(format("         Calltrail's default lease settings reach %s with %,d numbers, enough never to run out%n",
                LabTables.percent(baseline.result().highConfidence().recall()), baseline.pool().size()));
        if (!recommendation.reached()) {
            out.append("No pool in the grid reaches the target; the best one found is shown.\n");
        }
        out.append(format("%n  %-44s %8s %7s %7s %9s %8s %7s %10s %7s %11s%n", "", "numbers", "idle", "linger", "fallback",
                "correct", "wrong", "precision", "recall", "per month"));
        for (Recommender.Option option : options(recommendation)) {
            LabResult result = option.result();
            LabResult.Calls calls = result.calls();
            out.append(format("  %-44s %,8d %3d min %3d min %9s %8s %7s %10s %7s %,11.2f%n", option.name(), option.pool().size(),
                    option.pool().idleTimeout().toMinutes(), option.pool().linger().toMinutes(),
                    LabTables.percent(result.sessions().fallbackShare()), LabTables.percent(LabTables.share(calls.correct(), calls.total())),
                    LabTables.percent(LabTables.share(calls.wrong(), calls.total())),
                    LabTables.percent(result.highConfidence().precision()), LabTables.percent(result.highConfidence().recall()),
                    option.monthlyCost()));
        }
        out.append(format("%n  correct, wrong: all calls, at any confidence; precision, recall: attributions of confidence ≥ %s%n",
                Stats.plain(base.highConfidence())));
        if (!recommendation.further().isEmpty()) {
            out.append("\nMore numbers are reused less, so fewer callbacks reach another visitor and confidence rises. "
                    + "With the recommended lease settings:\n");
            for (Recommender.Step step : recommendation.further()) {
                out.append(step.option() == null
                        ? format("  recall %s: not reached with up to one number per daily session%n", LabTables.percent(step.recall()))
                        : format("  recall %s: %,d numbers (%,.2f a month), precision %s%n", LabTables.percent(step.recall()),
                                step.option().pool().size(), step.option().monthlyCost(),
                                LabTables.percent(step.option().result().highConfidence().precision())));
            }
        }
        return out.toString();
    }

    private static List<Recommender.Option> options(Recommender.Recommendation recommendation) {
        List<Recommender.Option> options = new ArrayList<>();
        options.add(recommendation.recommended());
        if (recommendation.defaultsAtTarget() != null) {
            options.add(recommendation.defaultsAtTarget());
        }
        options.add(recommendation.perTwentyVisitors());
        options.add(recommendation.peakHour());
        return options;
    }

    static String markdown(List<Recommender.Recommendation> recommendations) {
        StringBuilder out = new StringBuilder();
        out.append("| sessions a day | 30/30 min, never running out | recommended numbers (idle timeout, linger) | precision | recall | "
                + "1 per 20 daily visitors | precision | recall | peak hour ÷ (60 ÷ visit minutes) | precision | recall |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Recommender.Recommendation recommendation : recommendations) {
            Recommender.Option best = recommendation.recommended();
            Recommender.Option baseline = recommendation.baseline();
            out.append(format("| %,.0f | %,d (recall %s) | %,d (%d min, %d min)%s | %s | %s | %s | %s |%n",
                    recommendation.base().traffic().sessionsPerDay(), baseline.pool().size(),
                    LabTables.percent(baseline.result().highConfidence().recall()), best.pool().size(), best.pool().idleTimeout().toMinutes(),
                    best.pool().linger().toMinutes(), recommendation.reached() ? "" : " (target not reached)",
                    LabTables.percent(best.result().highConfidence().precision()),
                    LabTables.percent(best.result().highConfidence().recall()),
                    rule(recommendation.perTwentyVisitors()), rule(recommendation.peakHour())));
        }
        return out.toString();
    }

    /** A rule of thumb's pool: numbers (share of sessions shown the fallback) | precision | recall. */
    private static String rule(Recommender.Option option) {
        LabResult result = option.result();
        return format("%,d (%s fallback) | %s | %s", option.pool().size(), LabTables.percent(result.sessions().fallbackShare()),
                LabTables.percent(result.highConfidence().precision()), LabTables.percent(result.highConfidence().recall()));
    }

    static ObjectNode json(Recommender.Recommendation recommendation) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("sessions_per_day", recommendation.base().traffic().sessionsPerDay());
        node.put("simulated_days", recommendation.base().days());
        node.put("target_recall", recommendation.target());
        node.put("target_reached", recommendation.reached());
        node.set("recommended", json(recommendation.recommended()));
        node.set("default_lease_settings_never_running_out", json(recommendation.baseline()));
        node.set("default_lease_settings_at_target",
                recommendation.defaultsAtTarget() == null ? null : json(recommendation.defaultsAtTarget()));
        ArrayNode further = node.putArray("more_recall");
        for (Recommender.Step step : recommendation.further()) {
            ObjectNode stepNode = further.addObject();
            stepNode.put("recall", step.recall());
            stepNode.set("pool", step.option() == null ? null : json(step.option()));
        }
        node.set("one_per_20_daily_visitors", json(recommendation.perTwentyVisitors()));
        node.set("peak_hour_rule", json(recommendation.peakHour()));
        return node;
    }

    private static ObjectNode json(Recommender.Option option) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("numbers", option.pool().size());
        node.put("idle_timeout_minutes", option.pool().idleTimeout().toSeconds() / 60.0);
        node.put("linger_minutes", option.pool().linger().toSeconds() / 60.0);
        node.put("overflow_policy", option.pool().overflow().toString());
        node.put("monthly_cost", Math.round(option.monthlyCost() * 100) / 100.0);
        node.put("fallback_share", option.result().sessions().fallbackShare());
        node.put("precision", option.result().highConfidence().precision());
        node.put("recall", option.result().highConfidence().recall());
        node.put("wrong_share", LabTables.share(option.result().calls().wrong(), option.result().calls().total()));
        node.put("numbers_in_use_p99", option.result().usage().p99());
        return node;
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
