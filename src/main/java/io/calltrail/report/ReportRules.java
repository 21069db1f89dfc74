package io.calltrail.report;

import io.calltrail.property.Property;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** The arithmetic of reports, without I/O: totals, rates, comparisons with the previous period, sorting. */
public final class ReportRules {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;
    static final String TOTAL = "(total)";

    private ReportRules() {
    }

    /** What a report can be sorted by: its rows' names or any of their metrics. */
    public enum SortKey {
        NAME(Comparator.comparing(ReportRow::name)),
        SESSIONS(Comparator.comparingLong(ReportRow::sessions)),
        TEL_CLICKS(Comparator.comparingLong(ReportRow::telClicks)),
        CALLS(Comparator.comparingLong(ReportRow::calls)),
        ANSWERED(Comparator.comparingLong(ReportRow::answered)),
        FIRST_TIME(Comparator.comparingLong(ReportRow::firstTime)),
        CONVERSIONS(Comparator.comparingLong(ReportRow::conversions)),
        VALUE(Comparator.comparing(ReportRow::value)),
        CONVERSION_RATE(rate(ReportRow::conversionRate)),
        CALL_RATE(rate(ReportRow::callRate));

        private final Comparator<ReportRow> ascending;

        SortKey(Comparator<ReportRow> ascending) {
            this.ascending = ascending;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<SortKey> of(String wire) {
            return Arrays.stream(values()).filter(key -> key.wire().equals(wire)).findFirst();
        }

        /** A row without a rate (no sessions) sorts after every row with one, whichever the order. */
        private static Comparator<ReportRow> rate(Function<ReportRow, Double> rate) {
            return Comparator.comparing(rate, Comparator.nullsFirst(Comparator.naturalOrder()));
        }
    }

    /** How to sort and how many rows to show. Ties are broken by name, A to Z. */
    public record Sort(SortKey key, boolean descending, int limit) {
        public static final Sort DEFAULT = new Sort(SortKey.CALLS, true, DEFAULT_LIMIT);

        public Sort {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
            }
        }

        Comparator<ReportRow> comparator() {
            Comparator<ReportRow> order = descending ? key.ascending.reversed() : key.ascending;
            if (key == SortKey.CONVERSION_RATE || key == SortKey.CALL_RATE) {
                Function<ReportRow, Double> rate = key == SortKey.CONVERSION_RATE ? ReportRow::conversionRate : ReportRow::callRate;
                order = Comparator.<ReportRow, Boolean>comparing(row -> rate.apply(row) == null).thenComparing(order);
            }
            return order.thenComparing(ReportRow::name);
        }
    }

    /** The report of a dimension from what each of its values added up to over the period. */
    static DimensionReport report(Property property, Period period, Dimension dimension, Map<String, Counts> values, Sort sort) {
        List<ReportRow> rows = new ArrayList<>();
        Counts total = Counts.ZERO;
        for (Map.Entry<String, Counts> entry : values.entrySet()) {
            rows.add(row(entry.getKey(), entry.getValue(), property.currency()));
            total = total.plus(entry.getValue());
        }
        rows.sort(sort.comparator());
        List<ReportRow> shown = rows.subList(0, Math.min(rows.size(), sort.limit()));
        return new DimensionReport(property.id(), dimension.wire(), property.timeZone(), property.currency(), period.from().toString(),
                period.to().toString(), sort.key().wire(), sort.descending() ? "desc" : "asc", sort.limit(), rows.size(),
                List.copyOf(shown), row(TOTAL, total, property.currency()));
    }

    static ReportRow row(String name, Counts counts, String currency) {
        Map<String, BigDecimal> others = new TreeMap<>(counts.values());
        others.remove(currency);
        return new ReportRow(name, counts.sessions(), counts.telClicks(), counts.calls(), counts.answered(), counts.firstTime(),
                counts.conversions(), money(counts.value(currency)), others, rate(counts.conversions(), counts.sessions()),
                rate(counts.calls(), counts.sessions()));
    }

    /** The overview of a period from a day table of sources that covers it and the period before it. */
    static Overview overview(Property property, Period period, DayTable sources) {
        Period previous = period.previous();
        Counts now = sum(sources.total(period.from(), period.to()));
        Counts before = sum(sources.total(previous.from(), previous.to()));
        Map<String, Overview.Amount> values = new LinkedHashMap<>();
        TreeSet<String> currencies = new TreeSet<>(now.values().keySet());
        currencies.addAll(before.values().keySet());
        currencies.remove(property.currency());
        values.put(property.currency(), amount(now.value(property.currency()), before.value(property.currency())));
        currencies.forEach(currency -> values.put(currency, amount(now.value(currency), before.value(currency))));

        Map<String, Counts> bySource = sources.total(period.from(), period.to());
        Comparator<Map.Entry<String, Counts>> busiest = Comparator.comparingLong(entry -> -entry.getValue().calls());
        List<String> names = bySource.entrySet().stream()
                .filter(entry -> entry.getValue().calls() + entry.getValue().conversions() > 0)
                .sorted(busiest.thenComparingLong(entry -> -entry.getValue().conversions()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).toList();
        List<Overview.Day> daily = new ArrayList<>();
        for (LocalDate day : period.dates()) {
            Map<String, Counts> ofDay = sources.day(day);
            Counts all = sum(ofDay);
            List<Overview.SourceDay> bySourceOfDay = new ArrayList<>();
            for (String name : names) {
                Counts counts = ofDay.getOrDefault(name, Counts.ZERO);
                if (counts.calls() + counts.conversions() > 0) {
                    bySourceOfDay.add(new Overview.SourceDay(name, counts.calls(), counts.conversions()));
                }
            }
            daily.add(new Overview.Day(day.toString(), all.calls(), all.conversions(), bySourceOfDay));
        }
        return new Overview(property.id(), property.timeZone(), property.currency(), period.from().toString(), period.to().toString(),
                previous.from().toString(), previous.to().toString(),
                change(now.calls(), before.calls()), change(now.answered(), before.answered()),
                change(now.firstTime(), before.firstTime()), change(now.notAttributable(), before.notAttributable()),
                share(now.notAttributable(), now.calls(), before.notAttributable(), before.calls()),
                change(now.telClicks(), before.telClicks()), change(now.sessions(), before.sessions()),
                change(now.conversions(), before.conversions()), values, names, daily);
    }

    static Counts sum(Map<String, Counts> values) {
        return values.values().stream().reduce(Counts.ZERO, Counts::plus);
    }

    /** {@code part / whole} to four decimal places; null when {@code whole} is zero. */
    static Double rate(long part, long whole) {
        return whole == 0 ? null : round((double) part / whole);
    }

    static Overview.Change change(long current, long previous) {
        return new Overview.Change(current, previous, previous == 0 ? null : round((double) (current - previous) / previous));
    }

    static Overview.Amount amount(BigDecimal current, BigDecimal previous) {
        Double change = previous.signum() == 0 ? null
                : round(current.subtract(previous).divide(previous, 8, RoundingMode.HALF_EVEN).doubleValue());
        return new Overview.Amount(money(current), money(previous), change);
    }

    static Overview.Share share(long part, long whole, long previousPart, long previousWhole) {
        Double now = rate(part, whole);
        Double before = rate(previousPart, previousWhole);
        return new Overview.Share(now, before, now == null || before == null ? null : round(now - before));
    }

    private static BigDecimal money(BigDecimal amount) {
        return amount.scale() < 2 ? amount.setScale(2, RoundingMode.UNNECESSARY) : amount;
    }

    private static double round(double value) {
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
    }
}
