package io.calltrail.poollab;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How long visits last, from the first request the server sees to the last (page views and heartbeats):
 * lognormal with a median and a spread, or exponential with a mean.
 */
public record SessionLength(Shape shape, double minutes, double sigma) {
    public enum Shape {
        LOGNORMAL, EXPONENTIAL;

        public static Shape parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "lognormal" -> LOGNORMAL;
                case "exponential" -> EXPONENTIAL;
                default -> throw new IllegalArgumentException("session length must be lognormal or exponential");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Lognormal, median 3 minutes, sigma 1: half the visits are over within 3 minutes, one in a hundred lasts over half an hour. */
    public static final SessionLength DEFAULT = new SessionLength(Shape.LOGNORMAL, 3, 1.0);

    public SessionLength {
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
            throw new IllegalArgumentException("session minutes must be above 0");
        }
        if (shape == Shape.LOGNORMAL && (!(sigma > 0) || sigma > 4)) {
            throw new IllegalArgumentException("session sigma must be above 0 and at most 4");
        }
    }

    public static SessionLength exponential(double meanMinutes) {
        return new SessionLength(Shape.EXPONENTIAL, meanMinutes, 0);
    }

    /** A visit's length in seconds. */
    public double sampleSeconds(RandomGenerator random) {
        return switch (shape) {
            case LOGNORMAL -> minutes * 60 * Math.exp(sigma * random.nextGaussian());
            case EXPONENTIAL -> -minutes * 60 * Math.log(1 - random.nextDouble());
        };
    }

    public double meanSeconds() {
        return switch (shape) {
            case LOGNORMAL -> minutes * 60 * Math.exp(sigma * sigma / 2);
            case EXPONENTIAL -> minutes * 60;
        };
    }

    /** The chance that a visit lasts longer than {@code seconds}. */
    public double survival(double seconds) {
        if (seconds <= 0) {
            return 1;
        }
        return switch (shape) {
            case LOGNORMAL -> 1 - Stats.normalCdf(Math.log(seconds / (minutes * 60)) / sigma);
            case EXPONENTIAL -> Math.exp(-seconds / (minutes * 60));
        };
    }

    /** E[(length / typical)^k]: makes the call weight length^k average 1. */
    double moment(double k) {
        return switch (shape) {
            case LOGNORMAL -> Math.exp(k * k * sigma * sigma / 2);
            case EXPONENTIAL -> Math.exp(Stats.logGamma(1 + k));
        };
    }

    /** The length of a visit relative to the typical one (median or mean), for the call weight. */
    double relative(double seconds) {
        return seconds / (minutes * 60);
    }

    @Override
    public String toString() {
        return shape == Shape.LOGNORMAL
                ? String.format(Locale.ROOT, "lognormal, median %s min, sigma %s", Stats.plain(minutes), Stats.plain(sigma))
                : String.format(Locale.ROOT, "exponential, mean %s min", Stats.plain(minutes));
    }
}
