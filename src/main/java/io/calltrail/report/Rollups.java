package io.calltrail.report;

import io.calltrail.store.SqlErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daily rollups: every day of every property is added up once it has been over for {@link #SETTLE}, by
 * each value of each dimension, and added up again when a report found that its facts changed since (a late click,
 * a call that ended or was imported later, a conversion made, restated or retracted). Sessions never change and only
 * ever start now, so a day's sessions are complete once the day is over.
 */
public final class Rollups {
    private static final Logger log = LoggerFactory.getLogger(Rollups.class);

    /** How long a day must have been over before it is rolled up: sessions still being stored belong to it until then. */
    static final Duration SETTLE = Duration.ofHours(1);
    /** Days rolled up per transaction, so that a first rollup of a long history makes progress step by step. */
    private static final int DAYS_PER_STEP = 7;
    private static final int STALE_PER_RUN = 5_000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final ReportStore store = new ReportStore();

    public Rollups(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** What one run did: days rolled up for the first time, and days rolled up again. */
    public record Result(int rolled, int rolledAgain) {
        Result plus(Result other) {
            return new Result(rolled + other.rolled, rolledAgain + other.rolledAgain);
        }
    }

    /** Rolls up, for every property, the days over since the last run and the days found stale. */
    public Result run() {
        Result total = new Result(0, 0);
        for (ReportStore.PropertyZone property : jdbi.withHandle(store::properties)) {
            try {
                total = total.plus(roll(property));
            } catch (RuntimeException e) {
                log.warn("rollup of property {} failed, tried again on the next run: {}", property.propertyId(), e.toString());
            }
        }
        return total;
    }

    Result roll(ReportStore.PropertyZone property) {
        Instant now = clock.instant();
        ZoneId zone = ZoneId.of(property.timeZone());
        long account = property.accountId();
        long id = property.propertyId();
        Optional<ReportStore.State> read = jdbi.withHandle(handle -> store.state(handle, account, id));
        if (read.isEmpty()) {
            try {
                jdbi.useHandle(handle -> store.start(handle, account, id, property.timeZone(), now));
            } catch (RuntimeException e) {
                if (!SqlErrors.isUniqueViolation(e)) { // else another instance started it a moment before
                    throw e;
                }
            }
            read = jdbi.withHandle(handle -> store.state(handle, account, id));
        }
        ReportStore.State state = read.orElseThrow();
        if (!state.timeZone().equals(property.timeZone())) {
            // another zone means other days: what was rolled up no longer adds up to anything
            ReportStore.State before = state;
            Optional<ReportStore.State> reset = jdbi.inTransaction(handle -> {
                Optional<ReportStore.State> moved = store.advance(handle, before, property.timeZone(), null, now);
                moved.ifPresent(ignored -> store.forget(handle, id));
                return moved;
            });
            if (reset.isEmpty()) {
                return new Result(0, 0);
            }
            state = reset.get();
        }

        LocalDate closedThrough = LocalDate.ofInstant(now.minus(SETTLE), zone).minusDays(1);
        LocalDate through = state.rolledThrough();
        List<ReportStore.Stale> marks = through == null ? List.of() : jdbi.withHandle(handle -> store.stale(handle, account, id, STALE_PER_RUN));
        TreeSet<LocalDate> again = new TreeSet<>();
        for (ReportStore.Stale mark : marks) {
            if (!mark.day().isAfter(through)) {
                again.add(mark.day());
            }
        }
        LocalDate next;
        if (through != null) {
            next = through.plusDays(1);
        } else {
            // before the first fact there is nothing to add up: those days are rolled up as they are, empty
            next = jdbi.withHandle(handle -> store.firstFact(handle, account, id))
                    .map(first -> LocalDate.ofInstant(first, zone)).orElse(closedThrough.plusDays(1));
            if (next.isAfter(closedThrough.plusDays(1))) {
                next = closedThrough.plusDays(1);
            }
        }
        List<LocalDate> todo = new ArrayList<>(again);
        for (LocalDate day = next; !day.isAfter(closedThrough); day = day.plusDays(1)) {
            todo.add(day);
        }
        if (through == null && todo.isEmpty()) {
            // no facts before today: every day up to yesterday is rolled up, empty
            ReportStore.State from = state;
            jdbi.useTransaction(handle -> store.advance(handle, from, property.timeZone(), closedThrough, now));
            return new Result(0, 0);
        }

        for (int start = 0; start < todo.size(); start += DAYS_PER_STEP) {
            List<LocalDate> step = todo.subList(start, Math.min(todo.size(), start + DAYS_PER_STEP));
            LocalDate last = step.get(step.size() - 1);
            LocalDate newThrough = through == null || last.isAfter(through) ? last : through;
            ReportStore.State from = state;
            Optional<ReportStore.State> moved = jdbi.inTransaction(handle -> {
                Optional<ReportStore.State> claimed = store.advance(handle, from, property.timeZone(), newThrough, now);
                if (claimed.isPresent()) {
                    rollDays(handle, account, id, zone, step);
                }
                return claimed;
            });
            if (moved.isEmpty()) {
                return new Result(0, 0); // another instance is rolling this property up
            }
            state = moved.get();
            through = newThrough;
        }
        List<Long> handled = marks.stream().map(ReportStore.Stale::id).toList();
        jdbi.useTransaction(handle -> store.forgetStale(handle, handled));
        int rolledAgain = again.size();
        return new Result(todo.size() - rolledAgain, rolledAgain);
    }

    /** A rolled-up row's day, dimension and value: what its counts are added up under. */
    private record Row(LocalDate day, Dimension dimension, String value) {
    }

    /** Adds up the facts of these days again and replaces their rollups. */
    private void rollDays(Handle handle, long account, long property, ZoneId zone, List<LocalDate> days) {
        Map<LocalDate, ReportStore.Check> checks = new HashMap<>();
        Map<Row, Counts> rows = new HashMap<>();
        for (LocalDate day : days) {
            checks.put(day, ReportStore.Check.ZERO);
        }
        ReportStore.Sink sink = new ReportStore.Sink() {
            @Override
            public void add(LocalDate day, Origin origin, Counts counts) {
                for (Dimension dimension : Dimension.values()) {
                    rows.merge(new Row(day, dimension, dimension.valueOf(origin)), counts, Counts::plus);
                }
            }

            @Override
            public void check(LocalDate day, ReportStore.Check check) {
                checks.merge(day, check, ReportStore.Check::plus);
            }
        };
        for (List<LocalDate> run : Reports.runs(days)) {
            store.facts(handle, account, property, Period.startOf(run.get(0), zone),
                    Period.startOf(run.get(run.size() - 1).plusDays(1), zone), zone, sink);
        }
        List<ReportStore.Rolled> rolled = new ArrayList<>(rows.size());
        rows.forEach((row, counts) -> rolled.add(new ReportStore.Rolled(row.day(), row.dimension(), row.value(), counts)));
        store.replace(handle, account, property, checks, rolled);
    }
}
