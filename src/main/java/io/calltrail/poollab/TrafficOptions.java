package io.calltrail.poollab;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The traffic options that pool-lab and pool-size share: who visits, for how long, and who calls when. */
public final class TrafficOptions {
    @Option(names = "--profile", paramLabel = "business|flat|W0,...,W23",
            description = "Sessions by hour of day: business (default), flat, or 24 weights.")
    String profile = "business";
    @Option(names = "--session-length", paramLabel = "lognormal|exponential", description = "Visit length distribution (default lognormal).")
    String sessionLength = "lognormal";
    @Option(names = "--session-minutes", paramLabel = "M", description = "Median visit (lognormal) or mean (exponential), default 3.")
    double sessionMinutes = SessionLength.DEFAULT.minutes();
    @Option(names = "--session-sigma", paramLabel = "S", description = "Spread of the lognormal visit length (default 1).")
    double sessionSigma = SessionLength.DEFAULT.sigma();
    @Option(names = "--heartbeat-seconds", paramLabel = "S",
            description = "How often an open page renews its lease (default as the snippet: half the idle timeout, 60-600 s).")
    Integer heartbeatSeconds;
    @Option(names = "--call-share", paramLabel = "SHARE", description = "Share of sessions that call (default 0.04).")
    double callShare = Traffic.DEFAULT.callShare();
    @Option(names = "--call-timing", paramLabel = "DURING/SOON/LATER",
            description = "Percent of calls during the visit, soon after, much later (default 60/25/15).")
    String callTiming = "60/25/15";
    @Option(names = "--soon-minutes", paramLabel = "M", description = "95 %% of soon calls come within this (default 15).")
    int soonMinutes = 15;
    @Option(names = "--later-hours", paramLabel = "H", description = "Later calls come around this long after (default 24, ± 4 h).")
    int laterHours = 24;
    @Option(names = "--engagement", paramLabel = "E",
            description = "Longer visits call more: chance grows with length^E (default 0.5; 0: no difference).")
    double engagement = Traffic.DEFAULT.engagement();
    @Option(names = "--tel-click-share", paramLabel = "SHARE",
            description = "Share of calls during the visit dialled by clicking a tel: link (default 0.7).")
    double telClickShare = Traffic.DEFAULT.telClickShare();

    /** The traffic the options describe; an IllegalArgumentException says what is wrong with them. */
    Traffic traffic(double sessionsPerDay) {
        String[] timing = callTiming.split("/");
        if (timing.length != 3) {
            throw new IllegalArgumentException("--call-timing must be three percentages DURING/SOON/LATER, e.g. 60/25/15");
        }
        double[] shares = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                shares[i] = Double.parseDouble(timing[i].trim()) / 100;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--call-timing must be three percentages DURING/SOON/LATER, e.g. 60/25/15");
            }
        }
        SessionLength.Shape shape = SessionLength.Shape.parse(sessionLength);
        SessionLength length = shape == SessionLength.Shape.EXPONENTIAL ? SessionLength.exponential(sessionMinutes)
                : new SessionLength(shape, sessionMinutes, sessionSigma);
        if (heartbeatSeconds != null && heartbeatSeconds < 1) {
            throw new IllegalArgumentException("--heartbeat-seconds must be at least 1");
        }
        if (soonMinutes < 1 || laterHours < 1) {
            throw new IllegalArgumentException("--soon-minutes and --later-hours must be at least 1");
        }
        return new Traffic(sessionsPerDay, HourlyProfile.parse(profile), length,
                heartbeatSeconds == null ? null : Duration.ofSeconds(heartbeatSeconds), callShare, engagement, shares[0], shares[1],
                shares[2], Duration.ofMinutes(soonMinutes), Duration.ofHours(laterHours), Traffic.DEFAULT.laterSpread(),
                telClickShare, Traffic.DEFAULT.strayClickShare());
    }
}
