package io.calltrail.pool;

import io.calltrail.store.SqlErrors;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** Lease state in the database: each step in a transaction of its own, lock conflicts retried or lost. */
final class DatabaseLedger implements LeaseLedger {
    private final Jdbi jdbi;
    private final LeaseStore store = new LeaseStore();

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

    @Override
    public List<Candidate> free(Pool pool, Instant now, int limit) {
        return jdbi.withHandle(handle -> store.free(handle, pool.id(), now, limit));
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
            jdbi.useTransaction(handle -> store.recordExhaustion(handle, pool.accountId(), pool.id(), sessionId, now));
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
