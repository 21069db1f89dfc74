package io.calltrail.pool;

import io.calltrail.metrics.Metrics;
import io.calltrail.store.SqlErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Leases pool numbers to sessions: the number free the longest goes first; activity extends a lease;
 * an idle number lingers before reuse; when none is free the pool's overflow policy decides.
 */
public final class Leases {
    private static final int CANDIDATES_PER_ROUND = 4;
    private static final int MAX_ROUNDS = 50;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Metrics metrics;
    private final LeaseStore store = new LeaseStore();

    public Leases(Jdbi jdbi, Clock clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** What a session got from a pool. */
    public sealed interface Outcome permits Held, Exhausted {
    }

    /** The session holds {@code lease}; {@code kind} says how it came to. */
    public record Held(Lease lease, Kind kind) implements Outcome {
    }

    /** No number could be had; the session is shown the fallback number. */
    public record Exhausted(Pool pool) implements Outcome {
    }

    public enum Kind { NEW, EXTENDED, RESUMED, REUSED }

    /**
     * Gives {@code sessionId} a number of {@code pool}: extends its current lease when still active,
     * takes its own number back when still lingering, otherwise leases a free one.
     *
     * @param currentLeaseId the session's lease in this pool from an earlier request, or null
     * @param currentNumberId the number of that lease, or null
     */
    public Outcome obtain(Pool pool, String sessionId, Long currentLeaseId, Long currentNumberId) {
        Instant now = clock.instant();
        Instant idleUntil = now.plus(pool.idleTimeout());
        Instant lingerUntil = idleUntil.plus(pool.linger());
        if (currentLeaseId != null && currentNumberId != null) {
            boolean extended = retrying(() -> jdbi.inTransaction(handle ->
                    store.extend(handle, currentLeaseId, currentNumberId, now, idleUntil, lingerUntil)));
            if (extended) {
                metrics.leaseGranted(pool.id(), "extended");
                return new Held(jdbi.withHandle(handle -> store.lease(handle, currentLeaseId)), Kind.EXTENDED);
            }
            Optional<Long> resumed = retrying(() -> jdbi.inTransaction(handle ->
                    store.heldBy(handle, pool.id(), currentNumberId, sessionId).flatMap(own ->
                            store.take(handle, pool.accountId(), pool.id(), own, sessionId, now, idleUntil, lingerUntil, false))));
            if (resumed.isPresent()) {
                metrics.leaseGranted(pool.id(), "resumed");
                return held(resumed.get(), Kind.RESUMED);
            }
        }
        Optional<Long> fresh = takeFirst(pool, sessionId, now, idleUntil, lingerUntil, false);
        if (fresh.isPresent()) {
            metrics.leaseGranted(pool.id(), "new");
            return held(fresh.get(), Kind.NEW);
        }
        if (pool.overflowPolicy() == Pool.OverflowPolicy.REUSE_OLDEST) {
            Optional<Long> reused = takeFirst(pool, sessionId, now, idleUntil, lingerUntil, true);
            if (reused.isPresent()) {
                metrics.leaseGranted(pool.id(), "reused");
                return held(reused.get(), Kind.REUSED);
            }
        }
        retrying(() -> {
            jdbi.useTransaction(handle -> store.recordExhaustion(handle, pool.accountId(), pool.id(), sessionId, now));
            return null;
        });
        metrics.poolExhausted(pool.id());
        return new Exhausted(pool);
    }

    private Held held(long leaseId, Kind kind) {
        return new Held(jdbi.withHandle(handle -> store.lease(handle, leaseId)), kind);
    }

    /** Tries candidates in order until one compare-and-set wins; empty when the pool has none left. */
    private Optional<Long> takeFirst(Pool pool, String sessionId, Instant now, Instant idleUntil, Instant lingerUntil,
                                     boolean reuse) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<LeaseStore.Candidate> candidates = jdbi.withHandle(handle -> reuse
                    ? store.lingering(handle, pool.id(), now, CANDIDATES_PER_ROUND)
                    : store.free(handle, pool.id(), now, CANDIDATES_PER_ROUND));
            if (candidates.isEmpty()) {
                return Optional.empty();
            }
            for (LeaseStore.Candidate candidate : candidates) {
                Optional<Long> leaseId = attempt(() -> jdbi.inTransaction(handle -> store.take(handle, pool.accountId(),
                        pool.id(), candidate, sessionId, now, idleUntil, lingerUntil, reuse)));
                if (leaseId.isPresent()) {
                    return leaseId;
                }
            }
        }
        return Optional.empty();
    }

    /** One compare-and-set; a lock conflict counts as a lost race (the candidate is someone else's now). */
    private static Optional<Long> attempt(java.util.function.Supplier<Optional<Long>> take) {
        try {
            return take.get();
        } catch (RuntimeException e) {
            if (SqlErrors.isRetryableConflict(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <T> T retrying(java.util.function.Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (attempt >= 5 || !SqlErrors.isRetryableConflict(e)) {
                    throw e;
                }
            }
        }
    }

    /** Leases that covered the number at {@code instant} (newest first): "who held this number then?". */
    public List<Lease> leasesAt(long accountId, long numberId, Instant instant) {
        return jdbi.withHandle(handle -> store.leasesAt(handle, accountId, numberId, instant));
    }

    public List<Lease> history(long accountId, long poolId, Instant from, Instant to, int limit) {
        return jdbi.withHandle(handle -> store.history(handle, accountId, poolId, from, to, limit));
    }
}
