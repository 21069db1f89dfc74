package io.calltrail.pool;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where lease state lives. {@link Leases} decides who gets which number; a ledger records it, every change of
 * holder as a compare-and-set: {@link DatabaseLedger} on H2 or PostgreSQL, {@link MemoryLedger} in the pool lab.
 */
public interface LeaseLedger {

    /** A number that may be taken, as read before the compare-and-set. */
    record Candidate(long numberId, long version, Long holderLeaseId) {
    }

    /** Moves an active lease on; false when it is no longer the number's current, active lease. */
    boolean extend(long leaseId, long numberId, Instant now, LeaseRules.Term term);

    /** Gives {@code sessionId} its last number back if nobody took it since; the new lease id, or empty. */
    Optional<Long> resume(Pool pool, long numberId, String sessionId, Instant now, LeaseRules.Term term);

    /** Free numbers, the one free the longest first. */
    List<Candidate> free(Pool pool, Instant now, int limit);

    /** Numbers whose holder went idle (lingering), the one idle longest first: {@code reuse-oldest}'s victims. */
    List<Candidate> idle(Pool pool, Instant now, int limit);

    /** Takes {@code candidate} unless someone changed it since it was read; the new lease id, or empty when it lost. */
    Optional<Long> take(Pool pool, Candidate candidate, String sessionId, Instant now, LeaseRules.Term term, boolean reused);

    void recordExhaustion(Pool pool, String sessionId, Instant now);

    /** Numbers were added to, moved between or taken out of pools: forget what was concluded about free numbers. */
    default void numbersChanged() {
    }

    Lease lease(long leaseId);

    /** Leases of the account's number that covered {@code instant}, newest first. */
    List<Lease> leasesAt(long accountId, long numberId, Instant instant);

    /** Leases of the account's number taken in [{@code from}, {@code to}], newest first. */
    List<Lease> numberHistory(long accountId, long numberId, Instant from, Instant to);

    List<Lease> history(long accountId, long poolId, Instant from, Instant to, int limit);
}
