package io.calltrail.pool;

import io.calltrail.metrics.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Leases pool numbers to sessions: the number free the longest goes first; activity extends a lease;
 * an idle number lingers before reuse; when none is free the pool's overflow policy decides.
 */
public final class Leases {
    private static final int CANDIDATES_PER_ROUND = 4;
    private static final int MAX_ROUNDS = 50;

    private final LeaseLedger ledger;
    private final Clock clock;
    private final Metrics metrics;

    public Leases(Jdbi jdbi, Clock clock, Metrics metrics) {
        this(new DatabaseLedger(jdbi), clock, metrics);
    }

    /** The same rules over another ledger: the pool lab runs them in memory. */
    public Leases(LeaseLedger ledger, Clock clock, Metrics metrics) {
        this.ledger = ledger;
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
        Outcome outcome = obtainLeavingExhaustion(pool, sessionId, currentLeaseId, currentNumberId);
        if (outcome instanceof Exhausted) {
            ledger.recordExhaustion(pool, sessionId, clock.instant());
        }
        return outcome;
    }

    /**
     * As {@link #obtain}, except that running out is counted in the metrics but not recorded: the caller records it
     * with {@link #recordExhaustions} in the transaction that stores the new session it happened to.
     */
    public Outcome obtainLeavingExhaustion(Pool pool, String sessionId, Long currentLeaseId, Long currentNumberId) {
        Instant now = clock.instant();
        LeaseRules.Term term = LeaseRules.Term.from(pool, now);
        if (currentLeaseId != null && currentNumberId != null) {
            if (ledger.extend(currentLeaseId, currentNumberId, now, term)) {
                metrics.leaseGranted(pool.id(), "extended");
                return new Held(ledger.lease(currentLeaseId), Kind.EXTENDED);
            }
            Optional<Long> resumed = ledger.resume(pool, currentNumberId, sessionId, now, term);
            if (resumed.isPresent()) {
                metrics.leaseGranted(pool.id(), "resumed");
                return new Held(ledger.lease(resumed.get()), Kind.RESUMED);
            }
        }
        Optional<Long> fresh = takeFirst(pool, sessionId, now, term, false);
        if (fresh.isPresent()) {
            metrics.leaseGranted(pool.id(), "new");
            return new Held(ledger.lease(fresh.get()), Kind.NEW);
        }
        if (pool.overflowPolicy() == Pool.OverflowPolicy.REUSE_OLDEST) {
            Optional<Long> reused = takeFirst(pool, sessionId, now, term, true);
            if (reused.isPresent()) {
                metrics.leaseGranted(pool.id(), "reused");
                return new Held(ledger.lease(reused.get()), Kind.REUSED);
            }
        }
        metrics.poolExhausted(pool.id());
        return new Exhausted(pool);
    }

    /** Called after numbers are added to, moved between or taken out of pools. */
    public void numbersChanged() {
        ledger.numbersChanged();
    }

    /** That {@code pool} had no number for {@code sessionId} at {@code at}. */
    public record Exhaustion(Pool pool, String sessionId, Instant at) {
    }

    /** Records pools running out, in the caller's transaction (with the sessions they happened to). */
    public static void recordExhaustions(Handle handle, List<Exhaustion> exhaustions) {
        new LeaseStore().recordExhaustions(handle, exhaustions);
    }

    /** Tries candidates in order until one compare-and-set wins; empty when the pool has none left. */
    private Optional<Long> takeFirst(Pool pool, String sessionId, Instant now, LeaseRules.Term term, boolean reuse) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<LeaseLedger.Candidate> candidates = reuse
                    ? ledger.idle(pool, now, CANDIDATES_PER_ROUND)
                    : ledger.free(pool, now, CANDIDATES_PER_ROUND);
            if (candidates.isEmpty()) {
                return Optional.empty();
            }
            for (LeaseLedger.Candidate candidate : candidates) {
                Optional<Long> leaseId = ledger.take(pool, candidate, sessionId, now, term, reuse);
                if (leaseId.isPresent()) {
                    return leaseId;
                }
            }
        }
        return Optional.empty();
    }

    /** Leases that covered the number at {@code instant} (newest first): "who held this number then?". */
    public List<Lease> leasesAt(long accountId, long numberId, Instant instant) {
        return ledger.leasesAt(accountId, numberId, instant);
    }

    /** Leases of the number taken in [{@code from}, {@code to}] (newest first): everyone who may still call it back. */
    public List<Lease> numberHistory(long accountId, long numberId, Instant from, Instant to) {
        return ledger.numberHistory(accountId, numberId, from, to);
    }

    public List<Lease> history(long accountId, long poolId, Instant from, Instant to, int limit) {
        return ledger.history(accountId, poolId, from, to, limit);
    }
}
