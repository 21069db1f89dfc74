package io.calltrail.pool;

import io.calltrail.metrics.Metrics.PoolReading;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for pools and tracking numbers (their settings; lease state lives in {@link LeaseStore}). */
public final class PoolStore {
    private static final RowMapper<Pool> POOL = (rs, ctx) -> new Pool(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getString("name"),
            rs.getInt("idle_timeout_seconds"), rs.getInt("linger_seconds"),
            Pool.OverflowPolicy.fromWire(rs.getString("overflow_policy")), rs.getString("fallback_e164"),
            rs.getTimestamp("created_at").toInstant());
    private static final RowMapper<TrackingNumber> NUMBER = (rs, ctx) -> new TrackingNumber(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getString("e164"),
            rs.getString("name"), rs.getString("provider"), rs.getString("forward_to"),
            rs.getObject("pool_id") == null ? null : rs.getLong("pool_id"), rs.getString("source_name"),
            rs.getTimestamp("created_at").toInstant(), rs.getString("whisper"),
            "tracking".equals(rs.getString("caller_id")) ? TrackingNumber.CallerId.TRACKING : TrackingNumber.CallerId.CALLER,
            rs.getBoolean("record_calls"), rs.getString("recording_announcement"));
    private static final String POOL_COLUMNS = """
            id, account_id, property_id, name, idle_timeout_seconds, linger_seconds, overflow_policy, fallback_e164, created_at
            """;
    private static final String NUMBER_COLUMNS = """
            id, account_id, property_id, e164, name, provider, forward_to, pool_id, source_name, created_at, whisper, caller_id,
            record_calls, recording_announcement
            """;

    public Pool insertPool(Handle handle, Pool pool) {
        long id = handle.createUpdate("""
                        INSERT INTO pool (account_id, property_id, name, idle_timeout_seconds, linger_seconds,
                                          overflow_policy, fallback_e164, created_at)
                        VALUES (:account, :property, :name, :idle, :linger, :policy, :fallback, :now)""")
                .bind("account", pool.accountId())
                .bind("property", pool.propertyId())
                .bind("name", pool.name())
                .bind("idle", pool.idleTimeoutSeconds())
                .bind("linger", pool.lingerSeconds())
                .bind("policy", pool.overflowPolicy().toString())
                .bind("fallback", pool.fallbackE164())
                .bind("now", pool.createdAt())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return pool(handle, pool.accountId(), id).orElseThrow();
    }

    public void updatePool(Handle handle, Pool pool) {
        handle.createUpdate("""
                        UPDATE pool SET name = :name, idle_timeout_seconds = :idle, linger_seconds = :linger,
                               overflow_policy = :policy, fallback_e164 = :fallback
                         WHERE id = :id AND account_id = :account""")
                .bind("name", pool.name())
                .bind("idle", pool.idleTimeoutSeconds())
                .bind("linger", pool.lingerSeconds())
                .bind("policy", pool.overflowPolicy().toString())
                .bind("fallback", pool.fallbackE164())
                .bind("id", pool.id())
                .bind("account", pool.accountId())
                .execute();
    }

    public Optional<Pool> pool(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + POOL_COLUMNS + " FROM pool WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(POOL)
                .findOne();
    }

    public List<Pool> pools(Handle handle, long accountId, Long propertyId) {
        return handle.createQuery("SELECT " + POOL_COLUMNS + """
                         FROM pool WHERE account_id = :account AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                         ORDER BY id""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .map(POOL)
                .list();
    }

    public boolean deletePool(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM pool WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .execute() == 1;
    }

    public TrackingNumber insertNumber(Handle handle, TrackingNumber number) {
        long id = handle.createUpdate("""
                        INSERT INTO tracking_number (account_id, property_id, e164, name, provider, forward_to, pool_id,
                                                     source_name, free_at, lease_version, created_at, whisper, caller_id,
                                                     record_calls, recording_announcement)
                        VALUES (:account, :property, :e164, :name, :provider, :forward, :pool, :source, :now, 0, :now,
                                :whisper, :callerId, :record, :announcement)""")
                .bind("record", number.recordCalls())
                .bind("announcement", number.recordingAnnouncement())
                .bind("whisper", number.whisper())
                .bind("callerId", number.callerId().toString())
                .bind("account", number.accountId())
                .bind("property", number.propertyId())
                .bind("e164", number.e164())
                .bind("name", number.name())
                .bind("provider", number.provider())
                .bind("forward", number.forwardTo())
                .bind("pool", number.poolId())
                .bind("source", number.sourceName())
                .bind("now", number.createdAt())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return number(handle, number.accountId(), id).orElseThrow();
    }

    /**
     * Updates a number's settings. Moving it to another pool (or out of its pool) ends its lease, with a
     * compare-and-set like every change of holder.
     */
    public void updateNumber(Handle handle, TrackingNumber number, boolean poolChanged, Instant now) {
        handle.createUpdate("""
                        UPDATE tracking_number SET e164 = :e164, name = :name, provider = :provider, forward_to = :forward,
                               pool_id = :pool, source_name = :source, whisper = :whisper, caller_id = :callerId,
                               record_calls = :record, recording_announcement = :announcement
                         WHERE id = :id AND account_id = :account""")
                .bind("record", number.recordCalls())
                .bind("announcement", number.recordingAnnouncement())
                .bind("whisper", number.whisper())
                .bind("callerId", number.callerId().toString())
                .bind("e164", number.e164())
                .bind("name", number.name())
                .bind("provider", number.provider())
                .bind("forward", number.forwardTo())
                .bind("pool", number.poolId())
                .bind("source", number.sourceName())
                .bind("id", number.id())
                .bind("account", number.accountId())
                .execute();
        if (poolChanged) {
            handle.createUpdate("""
                            UPDATE lease SET released_at = :now
                             WHERE tracking_number_id = :id AND released_at IS NULL AND linger_until > :now""")
                    .bind("now", now)
                    .bind("id", number.id())
                    .execute();
            handle.createUpdate("""
                            UPDATE tracking_number SET holder_session_id = NULL, holder_lease_id = NULL, idle_until = NULL,
                                   free_at = :now, lease_version = lease_version + 1
                             WHERE id = :id AND account_id = :account""")
                    .bind("now", now)
                    .bind("id", number.id())
                    .bind("account", number.accountId())
                    .execute();
        }
    }

    public Optional<TrackingNumber> number(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + NUMBER_COLUMNS + " FROM tracking_number WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(NUMBER)
                .findOne();
    }

    public List<TrackingNumber> numbers(Handle handle, long accountId, Long propertyId, Long poolId) {
        return handle.createQuery("SELECT " + NUMBER_COLUMNS + """
                         FROM tracking_number
                        WHERE account_id = :account
                          AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                          AND (CAST(:pool AS BIGINT) IS NULL OR pool_id = :pool)
                        ORDER BY id""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .bind("pool", poolId)
                .map(NUMBER)
                .list();
    }

    public boolean e164Taken(Handle handle, String e164, long exceptId) {
        return handle.createQuery("SELECT COUNT(*) FROM tracking_number WHERE e164 = :e164 AND id <> :id")
                .bind("e164", e164)
                .bind("id", exceptId)
                .mapTo(Integer.class)
                .one() > 0;
    }

    public boolean deleteNumber(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM tracking_number WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .execute() == 1;
    }

    /** Size and use of every pool of every account, for the metrics gauges. */
    public List<PoolReading> readings(Handle handle, Instant now) {
        return handle.createQuery("""
                        SELECT p.account_id, p.id,
                               COUNT(n.id) AS size,
                               SUM(CASE WHEN n.idle_until > :now THEN 1 ELSE 0 END) AS in_use,
                               SUM(CASE WHEN n.idle_until <= :now AND n.free_at > :now THEN 1 ELSE 0 END) AS lingering
                          FROM pool p LEFT JOIN tracking_number n ON n.pool_id = p.id
                         GROUP BY p.account_id, p.id""")
                .bind("now", now)
                .map((rs, ctx) -> new PoolReading(rs.getLong("account_id"), rs.getLong("id"), rs.getInt("size"),
                        rs.getInt("in_use"), rs.getInt("lingering")))
                .list();
    }

    /** Counts that tell whether a pool is big enough, over [from, to). */
    public PoolStats stats(Handle handle, Pool pool, Instant now, Instant from, Instant to) {
        PoolReading reading = handle.createQuery("""
                        SELECT COUNT(id) AS size,
                               SUM(CASE WHEN idle_until > :now THEN 1 ELSE 0 END) AS in_use,
                               SUM(CASE WHEN idle_until <= :now AND free_at > :now THEN 1 ELSE 0 END) AS lingering
                          FROM tracking_number WHERE pool_id = :pool AND account_id = :account""")
                .bind("now", now)
                .bind("pool", pool.id())
                .bind("account", pool.accountId())
                .map((rs, ctx) -> new PoolReading(pool.accountId(), pool.id(), rs.getInt("size"), rs.getInt("in_use"),
                        rs.getInt("lingering")))
                .one();
        int leases = handle.createQuery("""
                        SELECT COUNT(*) FROM lease WHERE pool_id = :pool AND account_id = :account
                           AND leased_at >= :from AND leased_at < :to""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        int reused = handle.createQuery("""
                        SELECT COUNT(*) FROM lease WHERE pool_id = :pool AND account_id = :account AND reused = TRUE
                           AND leased_at >= :from AND leased_at < :to""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        int exhaustions = handle.createQuery("""
                        SELECT COUNT(*) FROM pool_exhaustion WHERE pool_id = :pool AND account_id = :account
                           AND occurred_at >= :from AND occurred_at < :to""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        return new PoolStats(pool.id(), reading.size(), reading.inUse(), reading.lingering(),
                reading.size() - reading.inUse() - reading.lingering(), leases, reused, exhaustions, from, to);
    }

    public record PoolStats(long poolId, int size, int inUse, int lingering, int free, int leases, int reusedLeases,
                            int exhaustions, Instant from, Instant to) {
    }

    /**
     * How much of a pool was wanted over [from, to): the most numbers busy at once (held, or lingering for a call
     * back) and when, the sessions that asked for a number and those that got none (the fallback), the sessions that
     * asked in the busiest hour, and how long a lease keeps its number on average, lingering included.
     */
    public PoolUse use(Handle handle, Pool pool, Instant from, Instant to) {
        // Leases taken up to a day before the period may still hold a number in it; one taken earlier would be a visitor
        // active for a whole day, and the bound keeps the scan on the (pool, leased_at) index.
        Instant earliest = from.minus(Duration.ofDays(1));
        Peak peak = new Peak(from.toEpochMilli(), to.toEpochMilli());
        // In the order they were taken, so that only the leases still open are kept (a pool's size at most); the rows
        // come in batches (in a transaction, PostgreSQL's driver fetches that many at a time rather than all).
        handle.createQuery("""
                        SELECT leased_at, linger_until, released_at FROM lease
                         WHERE pool_id = :pool AND account_id = :account AND leased_at >= :earliest AND leased_at < :to
                           AND linger_until > :from
                         ORDER BY leased_at""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("earliest", earliest).bind("to", to)
                .bind("from", from)
                .setFetchSize(10_000)
                .map((rs, ctx) -> {
                    long leased = rs.getTimestamp("leased_at").toInstant().toEpochMilli();
                    long linger = rs.getTimestamp("linger_until").toInstant().toEpochMilli();
                    java.sql.Timestamp released = rs.getTimestamp("released_at");
                    return new long[] {leased, released == null ? linger : Math.min(linger, released.toInstant().toEpochMilli())};
                })
                .forEach(span -> peak.add(span[0], span[1]));
        double meanSeconds = handle.createQuery("""
                        SELECT AVG(EXTRACT(EPOCH FROM LEAST(linger_until, COALESCE(released_at, linger_until)))
                                   - EXTRACT(EPOCH FROM leased_at))
                          FROM lease WHERE pool_id = :pool AND account_id = :account AND leased_at >= :from AND leased_at < :to""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Double.class).findOne().orElse(0.0);
        int sessions = handle.createQuery("""
                        SELECT COUNT(session_id) FROM (
                               SELECT session_id FROM lease
                                WHERE pool_id = :pool AND account_id = :account AND leased_at >= :from AND leased_at < :to
                               UNION
                               SELECT session_id FROM pool_exhaustion
                                WHERE pool_id = :pool AND account_id = :account AND occurred_at >= :from AND occurred_at < :to) asked""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        int fallback = handle.createQuery("""
                        SELECT COUNT(DISTINCT session_id) FROM pool_exhaustion
                         WHERE pool_id = :pool AND account_id = :account AND occurred_at >= :from AND occurred_at < :to""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        int busiestHour = handle.createQuery("""
                        SELECT COALESCE(MAX(asked), 0) FROM (
                               SELECT hour_number, COUNT(*) AS asked FROM (
                                      SELECT session_id, CAST(FLOOR(EXTRACT(EPOCH FROM leased_at)) AS BIGINT) / 3600 AS hour_number
                                        FROM lease
                                       WHERE pool_id = :pool AND account_id = :account AND leased_at >= :from AND leased_at < :to
                                      UNION
                                      SELECT session_id, CAST(FLOOR(EXTRACT(EPOCH FROM occurred_at)) AS BIGINT) / 3600 AS hour_number
                                        FROM pool_exhaustion
                                       WHERE pool_id = :pool AND account_id = :account AND occurred_at >= :from AND occurred_at < :to
                                         AND session_id IS NOT NULL) asks
                                GROUP BY hour_number) hours""")
                .bind("pool", pool.id()).bind("account", pool.accountId()).bind("from", from).bind("to", to)
                .mapTo(Integer.class).one();
        return new PoolUse(peak.busy(), peak.busy() == 0 ? null : Instant.ofEpochMilli(peak.atMillis()), sessions, fallback,
                busiestHour, meanSeconds / 60, from, to);
    }

    /**
     * @param peak            the most numbers busy at once (held or lingering), and {@code peakAt} the first moment it was so
     * @param sessions        sessions that asked the pool for a number
     * @param fallbackSessions of those, the sessions that found no number free and were shown the fallback
     * @param busiestHourSessions sessions that asked in the busiest clock hour
     * @param meanLeaseMinutes how long a lease taken in the period kept its number, lingering included, on average
     */
    public record PoolUse(int peak, Instant peakAt, int sessions, int fallbackSessions, int busiestHourSessions,
                          double meanLeaseMinutes, Instant from, Instant to) {
    }

    /**
     * The most leases open at once within a window {@code [from, to)}, and the first instant they were: leases are
     * added in the order they were taken, and only those still open are kept. A lease that ends when another starts
     * does not overlap it (the number passes from one to the next); one taken before the window counts from its start.
     */
    static final class Peak {
        private final long from;
        private final long to;
        private final java.util.PriorityQueue<Long> openUntil = new java.util.PriorityQueue<>();
        private int busy;
        private long atMillis;

        Peak(long from, long to) {
            this.from = from;
            this.to = to;
            this.atMillis = from;
        }

        /** A lease {@code [start, end)} in epoch milliseconds, taken no earlier than the one added before. */
        void add(long start, long end) {
            long opened = Math.max(start, from);
            if (end <= opened || opened >= to) {
                return;
            }
            while (!openUntil.isEmpty() && openUntil.peek() <= opened) {
                openUntil.poll();
            }
            openUntil.add(end);
            if (openUntil.size() > busy) {
                busy = openUntil.size();
                atMillis = opened;
            }
        }

        int busy() {
            return busy;
        }

        long atMillis() {
            return atMillis;
        }
    }
}
