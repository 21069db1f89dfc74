package io.calltrail.report;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened in one slice of a report (a day, a source, a campaign...): sessions, clicks on phone links, calls and
 * how many were answered, from first-time callers or not attributable, and conversions with their value by currency.
 */
public record Counts(long sessions, long telClicks, long calls, long answered, long firstTime, long notAttributable,
                     long conversions, Map<String, BigDecimal> values) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, Map.of());

    public Counts {
        values = Map.copyOf(values);
    }

    public static Counts ofSessions(long sessions) {
        return new Counts(sessions, 0, 0, 0, 0, 0, 0, Map.of());
    }

    public static Counts ofTelClicks(long clicks) {
        return new Counts(0, clicks, 0, 0, 0, 0, 0, Map.of());
    }

    public static Counts ofCalls(long calls, long answered, long firstTime, long notAttributable) {
        return new Counts(0, 0, calls, answered, firstTime, notAttributable, 0, Map.of());
    }

    /** Conversions in one currency; {@code value} is null when none of them has a value. */
    public static Counts ofConversions(long conversions, String currency, BigDecimal value) {
        return new Counts(0, 0, 0, 0, 0, 0, conversions, value == null ? Map.of() : Map.of(currency, value));
    }

    public Counts plus(Counts other) {
        Map<String, BigDecimal> sum = values;
        if (!other.values.isEmpty()) {
            Map<String, BigDecimal> merged = new TreeMap<>(values);
            other.values.forEach((currency, value) -> merged.merge(currency, value, BigDecimal::add));
            sum = merged;
        }
        return new Counts(sessions + other.sessions, telClicks + other.telClicks, calls + other.calls, answered + other.answered,
                firstTime + other.firstTime, notAttributable + other.notAttributable, conversions + other.conversions, sum);
    }

    /** The value in one currency, zero when there is none. */
    public BigDecimal value(String currency) {
        return values.getOrDefault(currency, BigDecimal.ZERO);
    }
}
