package io.calltrail.pool;

import java.time.Instant;

/**
 * One continuous holding of a pool number by a session: from {@code leasedAt} until {@code idleUntil}
 * (moved on by activity), then lingering until {@code lingerUntil} unless {@code releasedAt} cut it short.
 */
public record Lease(
        long id,
        long accountId,
        long poolId,
        long trackingNumberId,
        String e164,
        String sessionId,
        Instant leasedAt,
        Instant lastSeenAt,
        Instant idleUntil,
        Instant lingerUntil,
        Instant releasedAt,
        boolean reused) {

    /** True when this lease answers for calls to its number at {@code instant} (held or lingering). */
    public boolean covers(Instant instant) {
        Instant end = releasedAt != null && releasedAt.isBefore(lingerUntil) ? releasedAt : lingerUntil;
        return !instant.isBefore(leasedAt) && instant.isBefore(end);
    }
}
