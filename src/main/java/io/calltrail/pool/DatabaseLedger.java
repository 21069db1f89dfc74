package io.calltrail.pool;

import io.calltrail.store.SqlErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** Lease state in the database: each step in a transaction of its own, lock conflicts retried or lost. */
final class DatabaseLedger implements LeaseLedger {
    private static final Duration NONE_FREE_MEMORY = Duration.ofSeconds(1);

    /** A pool found without a free number at {@code seenAt}, none of whose numbers is free before {@code until}. */
    private record NoneFree(Instant seenAt, Instant until) {
    }

    private final Jdbi jdbi;
    private final LeaseStore store = new LeaseStore();
    private final Map<Long, NoneFree> noneFree = new ConcurrentHashMap<>();

    DatabaseLedger(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean extend(long leaseId, long numberId, Instant now, LeaseRules.Term term) {
        return retrying(() -> jdbi.inTransaction(handle -> store.extend(handle, leaseId, numberId, now, term)));
    }

    @Override
    public Optional<Long> resume(Pool pool, long numberId, String sessionId, Instant now, LeaseRules.Term term) {
        return retrying(() -> jdbi.inTransaction(handle -> store.heldBy(handle, pool.id(), numberId, sessionId)
                .flatMap(own -> store.take(handle, pool.accountId(), pool.id(), own, sessionId, now, term, false))));
    }

    /**
     * Free numbers, without asking the database while the pool is known to have none: under a surge every new visitor
     * of an exhausted pool asked again. Activity only moves a number's {@code free_at} later, so none is free before
     * the earliest one seen; numbers added or moved here say {@link #numbersChanged}. Another instance sharing the
     * database may add numbers too, hence the cap.
     */
    @Override
    public List<Candidate> free(Pool pool, Instant now, int limit) {
        NoneFree known = noneFree.get(pool.id());
        if (known != null && !now.isBefore(known.seenAt()) && now.isBefore(known.until())) {
            return List.of();
        }
        return jdbi.withHandle(handle -> {
            List<Candidate> free = store.free(handle, pool.id(), now, limit);
            if (free.isEmpty()) {
                Instant capped = now.plus(NONE_FREE_MEMORY);
                Instant next = store.firstFreeAt(handle, pool.id()).filter(at -> at.isBefore(capped)).orElse(capped);
                noneFree.put(pool.id(), new NoneFree(now, next));
            } else {
                noneFree.remove(pool.id());
            }
            return free;
        });
    }

    @Override
    public void numbersChanged() {
        noneFree.clear();
    }

    @Override
    public List<Candidate> idle(Pool pool, Instant now, int limit) {
        return jdbi.withHandle(handle -> store.lingering(handle, pool.id(), now, limit));
    }

    /** One compare-and-set; a lock conflict counts as a lost race (the candidate is someone else's now). */
    @Override
    public Optional<Long> take(Pool pool, Candidate candidate, String sessionId, Instant now, LeaseRules.Term term,
                               boolean reused) {
        try {
            return jdbi.inTransaction(handle -> store.take(handle, pool.accountId(), pool.id(), candidate, sessionId, now,
                    term, reused));
        } catch (RuntimeException e) {
            if (SqlErrors.isRetryableConflict(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void recordExhaustion(Pool pool, String sessionId, Instant now) {
        retrying(() -> {
            jdbi.useTransaction(handle -> store.recordExhaustions(handle, List.of(new Leases.Exhaustion(pool, sessionId, now))));
            return null;
        });
    }

    @Override
    public Lease lease(long leaseId) {
        return jdbi.withHandle(handle -> store.lease(handle, leaseId));
    }

    @Override
    public List<Lease> leasesAt(long accountId, long numberId, Instant instant) {
        return jdbi.withHandle(handle -> store.leasesAt(handle, accountId, numberId, instant));
    }

    @Override
    public List<Lease> numberHistory(long accountId, long numberId, Instant from, Instant to) {
        return jdbi.withHandle(handle -> store.numberHistory(handle, accountId, numberId, from, to));
    }

    @Override
    public List<Lease> history(long accountId, long poolId, Instant from, Instant to, int limit) {
        return jdbi.withHandle(handle -> store.history(handle, accountId, poolId, from, to, limit));
    }

    private static <T> T retrying(Supplier<T> work) {
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
}
