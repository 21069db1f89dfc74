package io.calltrail.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Lease state in memory, for the pool lab: the same state and conditions as {@code LeaseStore}'s SQL, held in
 * ordered sets so a simulated week of a busy pool runs in seconds. Single-threaded, and time only moves forward:
 * one simulated clock drives it. Leases whose linger ended more than {@code memory} ago are forgotten, as nobody
 * asks about them any more. Free numbers go longest-free first, as in the database, unless the lab asks for another
 * {@link LeaseRules.ReuseOrder} to compare.
 */
public final class MemoryLedger implements LeaseLedger {
    private static final Comparator<Row> BY_FREE_AT = Comparator.comparing((Row row) -> row.freeAt).thenComparingLong(row -> row.id);
    private static final Comparator<Row> BY_ORDER = Comparator.comparing((Row row) -> row.orderKey).thenComparingLong(row -> row.id);
    private static final Comparator<Row> BY_IDLE_UNTIL = Comparator.comparing((Row row) -> row.idleUntil)
            .thenComparingLong(row -> row.id);

    private final Duration memory;
    private final LeaseRules.ReuseOrder order;
    private final Predicate<String> clicked;
    private final Map<Long, Row> numbers = new HashMap<>();
    private final Map<Long, PoolRows> pools = new HashMap<>();
    private final Map<Long, Lease> leases = new HashMap<>();
    private final Map<Long, Long> exhaustions = new HashMap<>();
    private long lastNumberId;
    private long lastLeaseId;

    /**
     * @param order which free number goes first
     * @param clicked whether a session clicked a tel: link (for {@code quiet-first})
     */
    public MemoryLedger(Duration memory, LeaseRules.ReuseOrder order, Predicate<String> clicked) {
        this.memory = memory;
        this.order = order;
        this.clicked = clicked;
    }

    public MemoryLedger(Duration memory) {
        this(memory, LeaseRules.ReuseOrder.LONGEST_FREE, session -> false);
    }

    /** A pool number's lease state: the columns {@code tracking_number} keeps for it. */
    private static final class Row {
        final long id;
        final long accountId;
        final long poolId;
        final String e164;
        final ArrayDeque<Long> leaseIds = new ArrayDeque<>();
        long version;
        String holderSessionId;
        Long holderLeaseId;
        Instant idleUntil;
        Instant freeAt;
        /** Where the reuse order puts it among free numbers; set when it became free. */
        Instant orderKey;

        Row(long id, long accountId, long poolId, String e164, Instant createdAt) {
            this.id = id;
            this.accountId = accountId;
            this.poolId = poolId;
            this.e164 = e164;
            this.freeAt = createdAt;
        }
    }

    /**
     * A pool's numbers: those not yet free by the instant they will be, free ones in the reuse order, and all that
     * were ever leased by the instant their holder went idle. Numbers move from waiting to free as time passes.
     */
    private static final class PoolRows {
        final TreeSet<Row> waiting = new TreeSet<>(BY_FREE_AT);
        final TreeSet<Row> free = new TreeSet<>(BY_ORDER);
        final TreeSet<Row> byIdleUntil = new TreeSet<>(BY_IDLE_UNTIL);
        int size;
    }

    /** Adds a number to a pool, free from {@code createdAt}; its id. */
    public long addNumber(long accountId, long poolId, String e164, Instant createdAt) {
        Row row = new Row(++lastNumberId, accountId, poolId, e164, createdAt);
        numbers.put(row.id, row);
        PoolRows rows = pools.computeIfAbsent(poolId, id -> new PoolRows());
        rows.waiting.add(row);
        rows.size++;
        return row.id;
    }

    /** A pool's numbers now: held by an active session, lingering, and in all. */
    public record Reading(int size, int inUse, int lingering) {
        public int busy() {
            return inUse + lingering;
        }
    }

    public Reading reading(long poolId, Instant now) {
        PoolRows rows = pools.get(poolId);
        if (rows == null) {
            return new Reading(0, 0, 0);
        }
        int inUse = 0;
        int lingering = 0;
        for (Row row : rows.waiting.descendingSet()) {
            if (LeaseRules.free(row.freeAt, now)) {
                break;
            }
            if (LeaseRules.active(row.idleUntil, now)) {
                inUse++;
            } else {
                lingering++;
            }
        }
        return new Reading(rows.size, inUse, lingering);
    }

    public long exhaustions(long poolId) {
        return exhaustions.getOrDefault(poolId, 0L);
    }

    @Override
    public boolean extend(long leaseId, long numberId, Instant now, LeaseRules.Term term) {
        Row row = numbers.get(numberId);
        if (row == null || row.holderLeaseId == null || row.holderLeaseId != leaseId || !LeaseRules.active(row.idleUntil, now)) {
            return false;
        }
        move(row, term);
        Lease lease = leases.get(leaseId);
        leases.put(leaseId, new Lease(lease.id(), lease.accountId(), lease.poolId(), lease.trackingNumberId(), lease.e164(),
                lease.sessionId(), lease.leasedAt(), now, term.idleUntil(), term.lingerUntil(), lease.releasedAt(), lease.reused()));
        return true;
    }

    @Override
    public Optional<Long> resume(Pool pool, long numberId, String sessionId, Instant now, LeaseRules.Term term) {
        Row row = numbers.get(numberId);
        if (row == null || row.poolId != pool.id() || !sessionId.equals(row.holderSessionId)) {
            return Optional.empty();
        }
        return take(pool, new Candidate(row.id, row.version, row.holderLeaseId), sessionId, now, term, false);
    }

    @Override
    public List<Candidate> free(Pool pool, Instant now, int limit) {
        List<Candidate> found = new ArrayList<>(limit);
        PoolRows rows = pools.get(pool.id());
        if (rows != null) {
            promote(rows, now);
            for (Iterator<Row> it = rows.free.iterator(); it.hasNext() && found.size() < limit; ) {
                Row row = it.next();
                found.add(new Candidate(row.id, row.version, row.holderLeaseId));
            }
        }
        return found;
    }

    @Override
    public List<Candidate> idle(Pool pool, Instant now, int limit) {
        List<Candidate> found = new ArrayList<>(limit);
        PoolRows rows = pools.get(pool.id());
        if (rows != null) {
            for (Iterator<Row> it = rows.byIdleUntil.iterator(); it.hasNext() && found.size() < limit; ) {
                Row row = it.next();
                if (!LeaseRules.idle(row.idleUntil, now)) {
                    break;
                }
                found.add(new Candidate(row.id, row.version, row.holderLeaseId));
            }
        }
        return found;
    }

    @Override
    public Optional<Long> take(Pool pool, Candidate candidate, String sessionId, Instant now, LeaseRules.Term term,
                               boolean reused) {
        Row row = numbers.get(candidate.numberId());
        if (row == null || row.version != candidate.version()) {
            return Optional.empty();
        }
        if (candidate.holderLeaseId() != null) {
            Lease previous = leases.get(candidate.holderLeaseId());
            // the previous holding ends now if it would still have lingered (reuse-oldest, or a resume)
            if (previous != null && previous.releasedAt() == null && previous.lingerUntil().isAfter(now)) {
                leases.put(previous.id(), new Lease(previous.id(), previous.accountId(), previous.poolId(),
                        previous.trackingNumberId(), previous.e164(), previous.sessionId(), previous.leasedAt(),
                        previous.lastSeenAt(), previous.idleUntil(), previous.lingerUntil(), now, previous.reused()));
            }
        }
        forgetOld(row, now);
        Lease lease = new Lease(++lastLeaseId, pool.accountId(), pool.id(), row.id, row.e164, sessionId, now, now,
                term.idleUntil(), term.lingerUntil(), null, reused);
        leases.put(lease.id(), lease);
        row.leaseIds.addLast(lease.id());
        row.version++;
        row.holderSessionId = sessionId;
        row.holderLeaseId = lease.id();
        move(row, term);
        return Optional.of(lease.id());
    }

    /** Numbers whose free instant has come join the free ones, placed by the reuse order. */
    private void promote(PoolRows rows, Instant now) {
        while (!rows.waiting.isEmpty() && LeaseRules.free(rows.waiting.first().freeAt, now)) {
            Row row = rows.waiting.pollFirst();
            Lease last = row.holderLeaseId == null ? null : leases.get(row.holderLeaseId);
            row.orderKey = LeaseRules.freeFor(order, row.freeAt, last == null ? null
                    : new LeaseRules.LastHolder(Duration.between(last.leasedAt(), last.lastSeenAt()), clicked.test(last.sessionId())));
            rows.free.add(row);
        }
    }

    /** Sets a number's idle and free instants, keeping the pool's ordered sets in step. */
    private void move(Row row, LeaseRules.Term term) {
        PoolRows rows = pools.get(row.poolId);
        if (row.orderKey != null) {
            rows.free.remove(row);
            row.orderKey = null;
        } else {
            rows.waiting.remove(row);
        }
        if (row.idleUntil != null) {
            rows.byIdleUntil.remove(row);
        }
        row.idleUntil = term.idleUntil();
        row.freeAt = term.lingerUntil();
        rows.waiting.add(row);
        rows.byIdleUntil.add(row);
    }

    private void forgetOld(Row row, Instant now) {
        Instant horizon = now.minus(memory);
        while (!row.leaseIds.isEmpty()) {
            Lease oldest = leases.get(row.leaseIds.peekFirst());
            Instant end = oldest.releasedAt() != null && oldest.releasedAt().isBefore(oldest.lingerUntil())
                    ? oldest.releasedAt() : oldest.lingerUntil();
            if (!end.isBefore(horizon)) {
                return;
            }
            leases.remove(row.leaseIds.pollFirst());
        }
    }

    @Override
    public void recordExhaustion(Pool pool, String sessionId, Instant now) {
        exhaustions.merge(pool.id(), 1L, Long::sum);
    }

    @Override
    public Lease lease(long leaseId) {
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            throw new IllegalStateException("no lease " + leaseId);
        }
        return lease;
    }

    @Override
    public List<Lease> leasesAt(long accountId, long numberId, Instant instant) {
        List<Lease> found = new ArrayList<>(2);
        Row row = numbers.get(numberId);
        if (row == null || row.accountId != accountId) {
            return found;
        }
        // A number's holdings never overlap (a lease starts once the one before is free or cut short), so the newest
        // lease taken by the instant is the only one that may cover it.
        for (Iterator<Long> it = row.leaseIds.descendingIterator(); it.hasNext(); ) {
            Lease lease = leases.get(it.next());
            if (!lease.leasedAt().isAfter(instant)) {
                if (lease.covers(instant)) {
                    found.add(lease);
                }
                break;
            }
        }
        return found;
    }

    @Override
    public List<Lease> numberHistory(long accountId, long numberId, Instant from, Instant to) {
        List<Lease> found = new ArrayList<>();
        Row row = numbers.get(numberId);
        if (row == null || row.accountId != accountId) {
            return found;
        }
        for (Iterator<Long> it = row.leaseIds.descendingIterator(); it.hasNext(); ) {
            Lease lease = leases.get(it.next());
            if (lease.leasedAt().isBefore(from)) {
                break;
            }
            if (!lease.leasedAt().isAfter(to)) {
                found.add(lease);
            }
        }
        return found;
    }

    @Override
    public List<Lease> history(long accountId, long poolId, Instant from, Instant to, int limit) {
        return leases.values().stream()
                .filter(lease -> lease.accountId() == accountId && lease.poolId() == poolId
                        && lease.leasedAt().isBefore(to) && lease.lingerUntil().isAfter(from))
                .sorted(Comparator.comparing(Lease::leasedAt).thenComparingLong(Lease::id).reversed())
                .limit(limit)
                .toList();
    }
}
