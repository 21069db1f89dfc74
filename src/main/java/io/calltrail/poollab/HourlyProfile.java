package io.calltrail.poollab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a day's sessions spread over its 24 hours: relative weights, one per hour from midnight. */
public record HourlyProfile(String name, List<Double> weights) {
    /** Quiet nights, a morning climb, a plateau from 10:00 to 16:00 and a slow evening: a local business's site. */
    public static final HourlyProfile BUSINESS = new HourlyProfile("business", List.of(
            0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.9, 1.8, 3.2, 4.6, 5.4, 5.6,
            5.2, 5.4, 5.4, 5.1, 4.5, 3.6, 2.8, 2.4, 2.1, 1.7, 1.1, 0.6));
    public static final HourlyProfile FLAT = new HourlyProfile("flat", List.of(
            1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
            1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0));

    public HourlyProfile {
        if (weights.size() != 24) {
            throw new IllegalArgumentException("an hourly profile has 24 weights, one per hour; got " + weights.size());
        }
        double total = 0;
        for (double weight : weights) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("hourly weights must be numbers of at least 0");
            }
            total += weight;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("at least one hourly weight must be above 0");
        }
        weights = List.copyOf(weights);
    }

    /** {@code business}, {@code flat}, or 24 comma-separated weights. */
    public static HourlyProfile parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals(BUSINESS.name)) {
            return BUSINESS;
        }
        if (trimmed.equals(FLAT.name)) {
            return FLAT;
        }
        List<Double> weights = new ArrayList<>();
        for (String part : trimmed.split(",")) {
            try {
                weights.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("profile must be business, flat or 24 comma-separated weights");
            }
        }
        return new HourlyProfile("custom", weights);
    }

    /** The share of a day's sessions that arrive in {@code hour} (0–23). */
    public double share(int hour) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        return weights.get(hour) / total;
    }

    /** The busiest hour's share of the day. */
    public double peakShare() {
        double peak = 0;
        for (int hour = 0; hour < 24; hour++) {
            peak = Math.max(peak, share(hour));
        }
        return peak;
    }

    @Override
    public String toString() {
        return name;
    }
}
