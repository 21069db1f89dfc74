package io.calltrail.report;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A property's period at a glance, each figure next to the previous period of the same length: calls, answered calls,
 * first-time callers, calls that could not be attributed (main-line calls from imported call logs included) and their
 * share, clicks on phone links, sessions, conversions and their value by currency; and day by day, calls and
 * conversions by source.
 */
public record Overview(long propertyId, String timeZone, String currency, String from, String to, String previousFrom,
                       String previousTo, Change calls, Change answeredCalls, Change firstTimeCallers,
                       Change notAttributableCalls, Share notAttributableShare, Change telClicks, Change sessions,
                       Change conversions, Map<String, Amount> conversionValue, List<String> sources, List<Day> daily) {

    /** A count now and in the previous period; {@code change} is relative (0.25 is 25 % more), null after zero. */
    public record Change(long current, long previous, Double change) {
    }

    /** An amount now and in the previous period, with its relative change. */
    public record Amount(BigDecimal current, BigDecimal previous, Double change) {
    }

    /** A share (0..1, null without calls) now and in the previous period; {@code difference} is in points of the share. */
    public record Share(Double current, Double previous, Double difference) {
    }

    /** One day: its calls and conversions, and by source the sources that had any. */
    public record Day(String date, long calls, long conversions, List<SourceDay> sources) {
    }

    public record SourceDay(String source, long calls, long conversions) {
    }
}
