package io.calltrail.poollab;

import io.calltrail.app.Json;
import io.calltrail.pool.LeaseRules.ReuseOrder;
import io.calltrail.pool.Pool;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calltrail pool-lab}: simulates traffic through the real lease and attribution rules and reports the numbers. */
@Command(name = "pool-lab", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay simulated visits and calls through Calltrail's own lease and attribution rules and report "
                + "numbers in use, fallbacks, and how calls were attributed, by confidence.",
                "Deterministic: the same options and --seed give the same figures."})
public final class PoolLabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--sessions-per-day", paramLabel = "N", description = "Pool sessions a day (default 2000).")
    double sessionsPerDay = Traffic.DEFAULT.sessionsPerDay();
    @Mixin
    TrafficOptions traffic = new TrafficOptions();
    @Option(names = "--days", paramLabel = "D", description = "Simulated days (default 7).")
    int days = Scenario.DEFAULT.days();
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    long seed = Scenario.DEFAULT.seed();

    @Option(names = "--size", paramLabel = "N", description = "Numbers in the pool (default 200).")
    int size = Scenario.DEFAULT_SIZE;
    @Option(names = "--idle-minutes", paramLabel = "M", description = "Idle timeout (default 30).")
    double idleMinutes = 30;
    @Option(names = "--linger-minutes", paramLabel = "M", description = "Linger after the idle timeout (default 30).")
    double lingerMinutes = 30;
    @Option(names = "--overflow", paramLabel = "fallback|reuse-oldest", description = "When no number is free (default fallback).")
    String overflow = "fallback";
    @Option(names = "--reuse-order", paramLabel = "longest-free|quiet-first",
            description = "Which free number goes first (default longest-free).")
    String reuseOrder = "longest-free";

    @Option(names = "--high-confidence", paramLabel = "C",
            description = "Confidence from which an attribution counts for precision and recall (default 0.9).")
    double highConfidence = Scenario.DEFAULT.highConfidence();

    @Option(names = "--sweep", paramLabel = "KEY=FROM..TO[:STEP]",
            description = "One row per value of size, idle, linger (minutes) or sessions, e.g. size=10..200.")
    String sweep;
    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;
    @Option(names = "--calls", paramLabel = "FILE", description = "Also write every simulated call to a CSV file.")
    Path callsFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario;
        Sweep parsedSweep;
        try {
            scenario = scenario();
            parsedSweep = sweep == null ? null : Sweep.parse(sweep);
            if (parsedSweep != null) {
                for (int value : parsedSweep.values()) {
                    parsedSweep.apply(scenario, value);
                }
                if (callsFile != null) {
                    throw new IllegalArgumentException("--calls writes one run's calls; it cannot be combined with --sweep");
                }
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("pool-lab: " + e.getMessage());
            return 2;
        }
        try {
            if (parsedSweep == null) {
                LabResult result = callsFile == null ? Simulation.run(scenario) : runWritingCalls(scenario);
                out.print(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(LabJson.result(result)) + "\n"
                        : LabTables.single(result));
            } else {
                List<LabResult> results = new ArrayList<>();
                for (int value : parsedSweep.values()) {
                    results.add(Simulation.run(parsedSweep.apply(scenario, value)));
                }
                out.print(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(LabJson.sweep(parsedSweep, results))
                        + "\n" : LabTables.sweep(parsedSweep, results));
            }
            out.flush();
            return 0;
        } catch (IOException | UncheckedIOException e) {
            spec.commandLine().getErr().println("pool-lab: " + e.getMessage());
            return 1;
        }
    }

    private LabResult runWritingCalls(Scenario scenario) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(callsFile, StandardCharsets.UTF_8)) {
            writer.write("at,timing,caller,dialled,method,confidence,attributed_to,outcome,minutes_since_holder_active,"
                    + "other_holders,holder_clicked,reused,other_holders_minutes\n");
            return Simulation.run(scenario, call -> {
                try {
                    writer.write(String.join(",", call.at().toString(), call.timing(), call.caller(), call.dialled(),
                            call.method(), Double.toString(call.confidence()), nullable(call.attributedTo()), call.outcome(),
                            nullable(call.minutesSinceHolderSeen()), Integer.toString(call.otherHolders()),
                            Boolean.toString(call.holderClicked()), Boolean.toString(call.reused()),
                            call.otherHoldersMinutes()) + "\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String nullable(Object value) {
        return value == null ? "" : value.toString();
    }

    /** The scenario the options describe; an IllegalArgumentException says what is wrong with them. */
    Scenario scenario() {
        Pool.OverflowPolicy policy;
        try {
            policy = Pool.OverflowPolicy.fromWire(overflow.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--overflow must be fallback or reuse-oldest");
        }
        PoolSettings pool = new PoolSettings(size, minutes(idleMinutes, "--idle-minutes"), minutes(lingerMinutes, "--linger-minutes"),
                policy, ReuseOrder.fromWire(reuseOrder.toLowerCase(Locale.ROOT)));
        return new Scenario(traffic.traffic(sessionsPerDay), pool, days, seed, highConfidence);
    }

    static Duration minutes(double value, String option) {
        if (!(value >= 0) || value > 24 * 60) {
            throw new IllegalArgumentException(option + " must be between 0 and 1440");
        }
        return Duration.ofSeconds(Math.round(value * 60));
    }
}
