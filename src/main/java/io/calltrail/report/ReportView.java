package io.calltrail.report;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How report figures read on the dashboard, for people rather than programs: counts with thousands separators, money
 * with its currency sign, rates as percentages, changes as arrows that are green when things got better. No I/O.
 */
final class ReportView {
    private static final Locale LOCALE = Locale.US;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_IN_YEAR = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

    private ReportView() {
    }

    /** A change on a card: its words ({@code ▲ 25% · was 4}) and its tone, {@code up} when better, {@code down} when worse. */
    record Delta(String text, String tone) {
    }

    /** A card of the overview: what it counts, the figure, a line under it, and the change since the previous period. */
    record Card(String id, String label, String value, String detail, Delta delta) {
    }

    /** A link that picks a period, a sort or a dimension; {@code current} when it is what the page shows. */
    record Link(String label, String href, boolean current) {
    }

    /** A row of a report as the table shows it; {@code raw} is the value as stored (for the title of a long URL). */
    record Line(String name, String raw, String sessions, String telClicks, String calls, String answered, String firstTime,
                String conversions, String value, String otherValues, String conversionRate) {
    }

    static Line line(ReportRow row, String currency) {
        String name = ReportRules.TOTAL.equals(row.name()) ? "Total" : name(row.name());
        return new Line(name, row.name(), count(row.sessions()), count(row.telClicks()), count(row.calls()), count(row.answered()),
                count(row.firstTime()), count(row.conversions()), money(row.value(), currency), others(row.otherValues()),
                percent(row.conversionRate()));
    }

    static String count(long count) {
        return NumberFormat.getIntegerInstance(LOCALE).format(count);
    }

    /** {@code $1,240.50}; a currency without a sign of its own reads {@code 1,240.50 XYZ}. */
    static String money(BigDecimal amount, String currency) {
        try {
            NumberFormat format = NumberFormat.getCurrencyInstance(LOCALE);
            format.setCurrency(Currency.getInstance(currency));
            return format.format(amount);
        } catch (IllegalArgumentException e) {
            return new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(LOCALE)).format(amount) + " " + currency;
        }
    }

    /** Amounts in other currencies than the property's, e.g. {@code also CA$40.00, €12.50}; empty when there are none. */
    static String others(Map<String, BigDecimal> values) {
        if (values.isEmpty()) {
            return "";
        }
        return "also " + values.entrySet().stream().map(entry -> money(entry.getValue(), entry.getKey())).collect(Collectors.joining(", "));
    }

    /** {@code 0.125} reads {@code 12.5%}; without a rate (nothing to divide by), a dash. */
    static String percent(Double rate) {
        return rate == null ? "–" : new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(LOCALE)).format(rate * 100) + "%";
    }

    static String day(LocalDate day) {
        return DAY.format(day);
    }

    /** The days of a period as people say them: {@code 5 Apr – 4 May 2026}, its last day included. */
    static String span(Period period) {
        LocalDate last = period.to().minusDays(1);
        if (last.equals(period.from())) {
            return day(last);
        }
        String first = period.from().getYear() == last.getYear() ? DAY_IN_YEAR.format(period.from()) : day(period.from());
        return first + " – " + day(last);
    }

    /** How a count changed; {@code moreIsBetter} says which way is good news. */
    static Delta change(Overview.Change change, boolean moreIsBetter) {
        return delta(change.change(), change.current() > change.previous(), change.current() < change.previous(),
                change.previous() == 0 && change.current() > 0, "was " + count(change.previous()), moreIsBetter);
    }

    static Delta change(Overview.Amount amount, String currency) {
        int sign = amount.current().compareTo(amount.previous());
        return delta(amount.change(), sign > 0, sign < 0, amount.previous().signum() == 0 && amount.current().signum() > 0,
                "was " + money(amount.previous(), currency), true);
    }

    /** How a share changed, in points ({@code ▲ 5 pts}); a larger share of calls tracking could not place is worse. */
    static Delta points(Overview.Share share) {
        if (share.current() == null) {
            return new Delta(share.previous() == null ? "" : "was " + percent(share.previous()), "");
        }
        if (share.previous() == null) {
            return new Delta("no calls before", "");
        }
        double points = share.difference() * 100;
        String was = "was " + percent(share.previous());
        if (Math.abs(points) < 0.05) {
            return new Delta("no change · " + was, "");
        }
        String size = new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(LOCALE)).format(Math.abs(points));
        return new Delta((points > 0 ? "▲ " : "▼ ") + size + " pts · " + was, points > 0 ? "down" : "up");
    }

    private static Delta delta(Double change, boolean rose, boolean fell, boolean fromNothing, String was, boolean moreIsBetter) {
        if (fromNothing) {
            return new Delta("new · none before", moreIsBetter ? "up" : "down");
        }
        if (!rose && !fell) {
            return new Delta("no change · " + was, "");
        }
        String size = change == null ? "" : " " + NumberFormat.getIntegerInstance(LOCALE).format(Math.round(Math.abs(change) * 100)) + "%";
        boolean good = rose == moreIsBetter;
        return new Delta((rose ? "▲" : "▼") + size + " · " + was, good ? "up" : "down");
    }

    /** A row's name as the page shows it: the calls tracking could not place say so in words. */
    static String name(String value) {
        return Dimension.NOT_ATTRIBUTABLE.equals(value) ? "Could not be attributed" : value;
    }

    /** The heading of a dimension's column and tab. */
    static String label(Dimension dimension) {
        return switch (dimension) {
            case SOURCE -> "Source";
            case MEDIUM -> "Medium";
            case CAMPAIGN -> "Campaign";
            case KEYWORD -> "Keyword";
            case LANDING_PAGE -> "Landing page";
            case REFERRER -> "Referrer";
        };
    }

    /** {@code ?a=1&b=2} of the parameters that have a value, in their order, encoded. */
    /**
     * The daily chart's data, as the dashboard's script draws it: for each of the {@code top} busiest sources its calls
     * (solid) and conversions (dashed) in one colour, then all other sources together.
     */
    static Map<String, Object> chart(Overview overview, int top) {
        List<String> shown = overview.sources().subList(0, Math.min(top, overview.sources().size()));
        boolean more = overview.sources().size() > shown.size();
        List<Map<String, Object>> series = new ArrayList<>();
        for (int index = 0; index <= shown.size(); index++) {
            if (index == shown.size() && !more) {
                break;
            }
            String source = index < shown.size() ? shown.get(index) : null;
            List<Long> calls = new ArrayList<>();
            List<Long> conversions = new ArrayList<>();
            for (Overview.Day day : overview.daily()) {
                long dayCalls = 0;
                long dayConversions = 0;
                for (Overview.SourceDay sourceDay : day.sources()) {
                    if (source == null ? !shown.contains(sourceDay.source()) : sourceDay.source().equals(source)) {
                        dayCalls += sourceDay.calls();
                        dayConversions += sourceDay.conversions();
                    }
                }
                calls.add(dayCalls);
                conversions.add(dayConversions);
            }
            String name = source == null ? "other sources" : name(source);
            series.add(line("Calls · " + name, calls, false, index));
            series.add(line("Conversions · " + name, conversions, true, index));
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("days", overview.daily().stream().map(Overview.Day::date).toList());
        chart.put("series", series);
        return chart;
    }

    private static Map<String, Object> line(String label, List<Long> values, boolean dash, int color) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("label", label);
        line.put("values", values);
        line.put("dash", dash);
        line.put("color", color);
        return line;
    }
}
