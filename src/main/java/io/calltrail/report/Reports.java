package io.calltrail.report;

import io.calltrail.property.Property;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Answers reports from the daily rollups where they still add up to the facts, and from the facts elsewhere (today,
 * days not rolled up yet, days whose facts changed since): the answer is the same either way, only faster.
 */
public final class Reports {
    private final Jdbi jdbi;
    private final ReportStore store = new ReportStore();

    public Reports(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The overview of a period, compared with the period of the same length before it. */
    public Overview overview(Property property, Period period) {
        Period previous = period.previous();
        DayTable table = jdbi.inTransaction(handle -> table(handle, property, Dimension.SOURCE, previous.from(), period.to()));
        return ReportRules.overview(property, period, table);
    }

    /** Every value of a dimension over a period, sorted. */
    public DimensionReport report(Property property, Period period, Dimension dimension, ReportRules.Sort sort) {
        DayTable table = jdbi.inTransaction(handle -> table(handle, property, dimension, period.from(), period.to()));
        return ReportRules.report(property, period, dimension, table.total(period.from(), period.to()), sort);
    }

    /** What each value of a dimension adds up to on each day of {@code [from, to)}. */
    DayTable table(Handle handle, Property property, Dimension dimension, LocalDate from, LocalDate to) {
        long account = property.accountId();
        long id = property.id();
        ZoneId zone = ZoneId.of(property.timeZone());
        DayTable table = new DayTable();
        Set<LocalDate> rolled = new HashSet<>();
        List<LocalDate> changed = new ArrayList<>();
        Optional<ReportStore.State> state = store.state(handle, account, id)
                .filter(found -> found.timeZone().equals(property.timeZone()) && found.rolledThrough() != null);
        LocalDate rolledThrough = state.map(ReportStore.State::rolledThrough).orElse(LocalDate.MIN);
        LocalDate rolledTo = rolledThrough.plusDays(1).isBefore(to) ? rolledThrough.plusDays(1) : to;
        boolean someRolled = from.isBefore(rolledTo);
        Map<LocalDate, ReportStore.Check> made = someRolled ? store.rolledChecks(handle, account, id, from, rolledTo) : Map.of();
        Set<LocalDate> marked = someRolled ? store.staleDays(handle, account, id) : Set.of();
        if (someRolled) {
            for (List<LocalDate> run : runs(made.keySet().stream().filter(day -> !marked.contains(day)).toList())) {
                Instant start = Period.startOf(run.get(0), zone);
                Instant end = Period.startOf(run.get(run.size() - 1).plusDays(1), zone);
                ReportStore.Check expected = run.stream().map(made::get).reduce(ReportStore.Check.ZERO, ReportStore.Check::plus);
                if (store.total(handle, id, start, end).equals(expected)) {
                    rolled.addAll(run); // the usual case: nothing changed, no day to work out per fact
                    continue;
                }
                Map<LocalDate, ReportStore.Check> now = store.checks(handle, id, start, end, zone);
                for (LocalDate day : run) {
                    if (made.get(day).equals(now.getOrDefault(day, ReportStore.Check.ZERO))) {
                        rolled.add(day);
                    } else {
                        changed.add(day);
                    }
                }
            }
            store.rolled(handle, account, id, dimension, from, rolledTo, row -> {
                if (rolled.contains(row.day())) {
                    table.add(row.day(), row.value(), row.counts());
                }
            });
        }
        List<LocalDate> rest = new ArrayList<>();
        for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
            if (!rolled.contains(day)) {
                rest.add(day);
            }
        }
        // a day the job took for empty (before the first fact) that has facts now: an imported call log, say
        Set<LocalDate> missing = new TreeSet<>();
        for (List<LocalDate> run : runs(rest)) {
            store.facts(handle, account, id, Period.startOf(run.get(0), zone), Period.startOf(run.get(run.size() - 1).plusDays(1), zone),
                    zone, (day, origin, counts) -> {
                        table.add(day, dimension.valueOf(origin), counts);
                        if (!day.isAfter(rolledThrough) && !made.containsKey(day) && !marked.contains(day)) {
                            missing.add(day);
                        }
                    });
        }
        changed.addAll(missing);
        store.markStale(handle, account, id, changed); // for the rollup job to add them up again
        return table;
    }

    /** Days cut into runs of consecutive days, in order. */
    static List<List<LocalDate>> runs(Collection<LocalDate> days) {
        List<List<LocalDate>> runs = new ArrayList<>();
        List<LocalDate> run = new ArrayList<>();
        for (LocalDate day : new TreeSet<>(days)) {
            if (!run.isEmpty() && !run.get(run.size() - 1).plusDays(1).equals(day)) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(day);
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }
}
