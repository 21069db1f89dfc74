package io.calltrail.poollab;

/**
 * One simulated run: the traffic, the pool under test, how many days, the seed that makes it repeatable, and
 * the confidence from which an attribution counts as high confidence (the one exports to ad platforms trust).
 */
public record Scenario(Traffic traffic, PoolSettings pool, int days, long seed, double highConfidence) {
    public static final int DEFAULT_SIZE = 200;
    public static final Scenario DEFAULT = new Scenario(Traffic.DEFAULT, PoolSettings.defaults(DEFAULT_SIZE), 7, 1, 0.9);

    public Scenario {
        Traffic.require(days >= 1 && days <= 366, "days must be between 1 and 366");
        Traffic.require(highConfidence > 0 && highConfidence <= 1, "the high-confidence threshold must be above 0 and at most 1");
    }

    public Scenario withPool(PoolSettings newPool) {
        return new Scenario(traffic, newPool, days, seed, highConfidence);
    }

    public Scenario withTraffic(Traffic newTraffic) {
        return new Scenario(newTraffic, pool, days, seed, highConfidence);
    }

    public Scenario withSeed(long newSeed) {
        return new Scenario(traffic, pool, days, newSeed, highConfidence);
    }
}
