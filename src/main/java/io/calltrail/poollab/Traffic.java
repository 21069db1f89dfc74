package io.calltrail.poollab;

import java.time.Duration;

/**
 * The visitors a pool serves, and which of them call when.
 *
 * @param sessionsPerDay pool sessions a day (visits that get a pool number)
 * @param profile how they spread over the hours of the day
 * @param sessionLength how long a visit lasts, first request to last
 * @param heartbeat how often an open page renews its lease; null: as the snippet does, half the idle timeout,
 *                  between 1 and 10 minutes
 * @param callShare share of sessions that call
 * @param engagement how much longer visits call more often: a session's chance to call grows with its length to this
 *                   power (0: length makes no difference), averaging {@code callShare}
 * @param duringShare share of calls made during the visit
 * @param soonShare share made shortly after it, uniformly within {@code soonWithin}
 * @param laterShare share made much later, around {@code laterAfter} (normal, standard deviation {@code laterSpread})
 * @param telClickShare share of calls during the visit that are dialled by clicking a tel: link (the click is recorded)
 * @param strayClickShare share of sessions that do not call but click a tel: link anyway
 */
public record Traffic(double sessionsPerDay, HourlyProfile profile, SessionLength sessionLength, Duration heartbeat,
                      double callShare, double engagement, double duringShare, double soonShare, double laterShare,
                      Duration soonWithin, Duration laterAfter, Duration laterSpread, double telClickShare,
                      double strayClickShare) {

    public static final Traffic DEFAULT = new Traffic(2000, HourlyProfile.BUSINESS, SessionLength.DEFAULT, null, 0.04, 0.5,
            0.60, 0.25, 0.15, Duration.ofMinutes(15), Duration.ofHours(24), Duration.ofHours(4), 0.7, 0.01);

    public Traffic {
        require(sessionsPerDay > 0 && sessionsPerDay <= 10_000_000, "sessions per day must be above 0 and at most 10,000,000");
        require(share(callShare), "the call share must be between 0 and 1");
        require(engagement >= 0 && engagement <= 2, "engagement must be between 0 and 2");
        require(share(duringShare) && share(soonShare) && share(laterShare)
                && Math.abs(duringShare + soonShare + laterShare - 1) < 1e-6, "call timing shares must add up to 100 %");
        require(heartbeat == null || (!heartbeat.isNegative() && !heartbeat.isZero()), "the heartbeat must be above 0");
        require(soonWithin.toSeconds() > 0 && laterAfter.toSeconds() > 0 && !laterSpread.isNegative(),
                "call delays must be above 0");
        require(share(telClickShare) && share(strayClickShare), "click shares must be between 0 and 1");
    }

    private static boolean share(double value) {
        return value >= 0 && value <= 1;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The heartbeat for a pool with this idle timeout: as set, or as the snippet beats. */
    public Duration heartbeatFor(Duration idleTimeout) {
        if (heartbeat != null) {
            return heartbeat;
        }
        long seconds = Math.max(60, Math.min(idleTimeout.toSeconds() / 2, 600));
        return Duration.ofSeconds(seconds);
    }

    public double meanSessionMinutes() {
        return sessionLength.meanSeconds() / 60;
    }

    public Traffic withCallShare(double share) {
        return new Traffic(sessionsPerDay, profile, sessionLength, heartbeat, share, engagement, duringShare, soonShare,
                laterShare, soonWithin, laterAfter, laterSpread, telClickShare, strayClickShare);
    }

    public Traffic withSessionsPerDay(double sessions) {
        return new Traffic(sessions, profile, sessionLength, heartbeat, callShare, engagement, duringShare, soonShare,
                laterShare, soonWithin, laterAfter, laterSpread, telClickShare, strayClickShare);
    }
}
