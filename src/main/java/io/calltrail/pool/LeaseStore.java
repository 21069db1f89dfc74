package io.calltrail.pool;

import io.calltrail.pool.LeaseLedger.Candidate;
import io.calltrail.store.JdbcBatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * SQL of the lease state machine. Every change of a number's holder is a compare-and-set on
 * {@code lease_version}, so two sessions can never hold one number, whichever instance serves them. The
 * conditions are {@link LeaseRules}' ({@code idle_until > now}: active; {@code free_at <= now}: free).
 */
final class LeaseStore {
    private static final RowMapper<Lease> LEASE = (rs, ctx) -> new Lease(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("pool_id"), rs.getLong("tracking_number_id"),
            rs.getString("e164"), rs.getString("session_id"), rs.getTimestamp("leased_at").toInstant(),
            rs.getTimestamp("last_seen_at").toInstant(), rs.getTimestamp("idle_until").toInstant(),
            rs.getTimestamp("linger_until").toInstant(),
            rs.getTimestamp("released_at") == null ? null : rs.getTimestamp("released_at").toInstant(),
            rs.getBoolean("reused"));
    private static final String LEASE_SELECT = """
            SELECT l.id, l.account_id, l.pool_id, l.tracking_number_id, n.e164, l.session_id, l.leased_at,
                   l.last_seen_at, l.idle_until, l.linger_until, l.released_at, l.reused
              FROM lease l JOIN tracking_number n ON n.id = l.tracking_number_id
            """;

    private static final RowMapper<Candidate> CANDIDATE = (rs, ctx) -> new Candidate(
            rs.getLong("id"), rs.getLong("lease_version"),
            rs.getObject("holder_lease_id") == null ? null : rs.getLong("holder_lease_id"));

    /** Moves an active lease on; false when the lease is no longer the number's current, active one. */
    boolean extend(Handle handle, long leaseId, long numberId, Instant now, LeaseRules.Term term) {
        int moved = handle.createUpdate("""
                        UPDATE tracking_number SET idle_until = :idle, free_at = :free
                         WHERE id = :number AND holder_lease_id = :lease AND idle_until > :now""")
                .bind("idle", term.idleUntil())
                .bind("free", term.lingerUntil())
                .bind("number", numberId)
                .bind("lease", leaseId)
                .bind("now", now)
                .execute();
        if (moved == 0) {
            return false;
        }
        handle.createUpdate("""
                        UPDATE lease SET last_seen_at = :now, idle_until = :idle, linger_until = :free WHERE id = :lease""")
                .bind("now", now)
                .bind("idle", term.idleUntil())
                .bind("free", term.lingerUntil())
                .bind("lease", leaseId)
                .execute();
        return true;
    }

    /** The number this session held last, if it still holds it (idle or lingering, but not taken since). */
    Optional<Candidate> heldBy(Handle handle, long poolId, long numberId, String sessionId) {
        return handle.createQuery("""
                        SELECT id, lease_version, holder_lease_id FROM tracking_number
                         WHERE id = :number AND pool_id = :pool AND holder_session_id = :session""")
                .bind("number", numberId)
                .bind("pool", poolId)
                .bind("session", sessionId)
                .map(CANDIDATE)
                .findOne();
    }

    /** Free numbers, the one free the longest first. */
    List<Candidate> free(Handle handle, long poolId, Instant now, int limit) {
        return handle.createQuery("""
                        SELECT id, lease_version, holder_lease_id FROM tracking_number
                         WHERE pool_id = :pool AND free_at <= :now
                         ORDER BY free_at, id LIMIT :limit""")
                .bind("pool", poolId)
                .bind("now", now)
                .bind("limit", limit)
                .map(CANDIDATE)
                .list();
    }

    /** When the pool's next number becomes free (its earliest {@code free_at}); empty when it has no number. */
    Optional<Instant> firstFreeAt(Handle handle, long poolId) {
        return handle.createQuery("SELECT MIN(free_at) FROM tracking_number WHERE pool_id = :pool")
                .bind("pool", poolId)
                .mapTo(Instant.class)
                .findOne();
    }

    /** Numbers whose holder went idle (lingering), the one idle longest first: reuse-oldest's victims. */
    List<Candidate> lingering(Handle handle, long poolId, Instant now, int limit) {
        return handle.createQuery("""
                        SELECT id, lease_version, holder_lease_id FROM tracking_number
                         WHERE pool_id = :pool AND idle_until <= :now
                         ORDER BY idle_until, id LIMIT :limit""")
                .bind("pool", poolId)
                .bind("now", now)
                .bind("limit", limit)
                .map(CANDIDATE)
                .list();
    }

    /**
     * Takes {@code candidate} for {@code sessionId} if nobody changed it since it was read, and records the
     * new lease. Returns the new lease id, or empty when another session won the race.
     */
    Optional<Long> take(Handle handle, long accountId, long poolId, Candidate candidate, String sessionId,
                        Instant now, LeaseRules.Term term, boolean reused) {
        int taken = handle.createUpdate("""
                        UPDATE tracking_number
                           SET holder_session_id = :session, holder_lease_id = NULL, idle_until = :idle,
                               free_at = :free, lease_version = lease_version + 1
                         WHERE id = :number AND lease_version = :version""")
                .bind("session", sessionId)
                .bind("idle", term.idleUntil())
                .bind("free", term.lingerUntil())
                .bind("number", candidate.numberId())
                .bind("version", candidate.version())
                .execute();
        if (taken == 0) {
            return Optional.empty();
        }
        if (candidate.holderLeaseId() != null) {
            // The previous holding ends now if it would still have lingered (reuse-oldest, or a resume).
            handle.createUpdate("""
                            UPDATE lease SET released_at = :now
                             WHERE id = :lease AND released_at IS NULL AND linger_until > :now""")
                    .bind("now", now)
                    .bind("lease", candidate.holderLeaseId())
                    .execute();
        }
        long leaseId = handle.createUpdate("""
                        INSERT INTO lease (account_id, pool_id, tracking_number_id, session_id, leased_at, last_seen_at,
                                           idle_until, linger_until, reused)
                        VALUES (:account, :pool, :number, :session, :now, :now, :idle, :free, :reused)""")
                .bind("account", accountId)
                .bind("pool", poolId)
                .bind("number", candidate.numberId())
                .bind("session", sessionId)
                .bind("now", now)
                .bind("idle", term.idleUntil())
                .bind("free", term.lingerUntil())
                .bind("reused", reused)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        handle.createUpdate("UPDATE tracking_number SET holder_lease_id = :lease WHERE id = :number")
                .bind("lease", leaseId)
                .bind("number", candidate.numberId())
                .execute();
        return Optional.of(leaseId);
    }

    void recordExhaustions(Handle handle, List<Leases.Exhaustion> exhaustions) {
        JdbcBatch.run(handle, INSERT_EXHAUSTION, exhaustions, (row, exhaustion) -> row.number(exhaustion.pool().accountId())
                .number(exhaustion.pool().id()).string(exhaustion.sessionId()).instant(exhaustion.at()));
    }

    private static final String INSERT_EXHAUSTION = """
            INSERT INTO pool_exhaustion (account_id, pool_id, session_id, occurred_at) VALUES (?, ?, ?, ?)""";

    Lease lease(Handle handle, long leaseId) {
        return handle.createQuery(LEASE_SELECT + " WHERE l.id = :id").bind("id", leaseId).map(LEASE).one();
    }

    /** Leases of the account's number that covered {@code instant}: the basis of call attribution. */
    List<Lease> leasesAt(Handle handle, long accountId, long numberId, Instant instant) {
        return handle.createQuery(LEASE_SELECT + """
                         WHERE l.account_id = :account AND l.tracking_number_id = :number AND l.leased_at <= :at
                           AND l.linger_until > :at AND (l.released_at IS NULL OR l.released_at > :at)
                         ORDER BY l.leased_at DESC""")
                .bind("account", accountId)
                .bind("number", numberId)
                .bind("at", instant)
                .map(LEASE)
                .list();
    }

    /** Leases of the account's number taken in [from, to], newest first: who else may be calling it back. */
    List<Lease> numberHistory(Handle handle, long accountId, long numberId, Instant from, Instant to) {
        return handle.createQuery(LEASE_SELECT + """
                         WHERE l.account_id = :account AND l.tracking_number_id = :number
                           AND l.leased_at >= :from AND l.leased_at <= :to
                         ORDER BY l.leased_at DESC, l.id DESC""")
                .bind("account", accountId)
                .bind("number", numberId)
                .bind("from", from)
                .bind("to", to)
                .map(LEASE)
                .list();
    }

    List<Lease> history(Handle handle, long accountId, long poolId, Instant from, Instant to, int limit) {
        return handle.createQuery(LEASE_SELECT + """
                         WHERE l.account_id = :account AND l.pool_id = :pool AND l.leased_at < :to AND l.linger_until > :from
                         ORDER BY l.leased_at DESC, l.id DESC LIMIT :limit""")
                .bind("account", accountId)
                .bind("pool", poolId)
                .bind("from", from)
                .bind("to", to)
                .bind("limit", limit)
                .map(LEASE)
                .list();
    }
}
