package io.calltrail.report;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One value of a dimension over a period. {@code value} is the conversions' value in the property's currency and
 * {@code otherValues} in any other; {@code conversionRate} is conversions per session and {@code callRate} calls per
 * session (both null without sessions, as for calls to a static number's source).
 */
public record ReportRow(String name, long sessions, long telClicks, long calls, long answered, long firstTime, long conversions,
                        BigDecimal value, Map<String, BigDecimal> otherValues, Double conversionRate, Double callRate) {
}
