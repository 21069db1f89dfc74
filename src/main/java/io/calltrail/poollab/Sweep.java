package io.calltrail.poollab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One setting run over a range of values: {@code size=10..200}, {@code idle=5..30:5}, {@code linger=0..60:10}. */
public record Sweep(String key, List<Integer> values) {
    private static final Pattern FORM = Pattern.compile("([a-z-]+)=(\\d+)\\.\\.(\\d+)(?::(\\d+))?");
    static final String KEYS = "size, idle (minutes), linger (minutes) or sessions (per day)";

    /** Parses {@code key=from..to[:step]}; without a step, about twenty rows in round steps. */
    public static Sweep parse(String text) {
        Matcher matcher = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("--sweep must be KEY=FROM..TO or KEY=FROM..TO:STEP, e.g. size=10..200; KEY is " + KEYS);
        }
        String key = matcher.group(1);
        if (!List.of("size", "idle", "linger", "sessions").contains(key)) {
            throw new IllegalArgumentException("--sweep cannot vary " + key + "; it varies " + KEYS);
        }
        long from = Long.parseLong(matcher.group(2));
        long to = Long.parseLong(matcher.group(3));
        if (to < from || to > 10_000_000) {
            throw new IllegalArgumentException("--sweep needs FROM at most TO (and TO at most 10,000,000)");
        }
        long step = matcher.group(4) != null ? Long.parseLong(matcher.group(4)) : roundStep((to - from) / 19.0);
        if (step < 1) {
            throw new IllegalArgumentException("--sweep step must be at least 1");
        }
        if ((to - from) / step + 1 > 200) {
            throw new IllegalArgumentException("--sweep would run more than 200 simulations; use a larger step");
        }
        List<Integer> values = new ArrayList<>();
        for (long value = from; value <= to; value += step) {
            values.add((int) value);
        }
        if (values.get(values.size() - 1) != to) {
            values.add((int) to);
        }
        return new Sweep(key, values);
    }

    /** 1, 2, 5, 10, 20, 50, ... the first at least {@code raw}. */
    private static long roundStep(double raw) {
        for (long magnitude = 1; ; magnitude *= 10) {
            for (long factor : new long[] {1, 2, 5}) {
                if (factor * magnitude >= raw) {
                    return factor * magnitude;
                }
            }
        }
    }

    /** The scenario with this setting at {@code value}. */
    public Scenario apply(Scenario scenario, int value) {
        return switch (key) {
            case "size" -> scenario.withPool(scenario.pool().withSize(value));
            case "idle" -> scenario.withPool(scenario.pool().withIdleTimeout(Duration.ofMinutes(value)));
            case "linger" -> scenario.withPool(scenario.pool().withLinger(Duration.ofMinutes(value)));
            case "sessions" -> scenario.withTraffic(scenario.traffic().withSessionsPerDay(value));
            default -> throw new IllegalStateException(key);
        };
    }
}
