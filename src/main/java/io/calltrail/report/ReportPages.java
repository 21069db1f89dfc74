package io.calltrail.report;

import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Links;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's report pages: the overview of a period and the reports by dimension, with their CSV. They read their
 * parameters as the reporting API does ({@link ReportQuery}), so a page, its CSV and the API agree on every figure.
 */
public final class ReportPages {
    private static final int[] RANGES = {7, 30, 90};
    private static final int CHART_SOURCES = 4;
    private static final int OVERVIEW_SOURCES = 10;

    private final Dashboard dashboard;
    private final Reports reports;
    private final PropertyStore properties;
    private final Clock clock;

    public ReportPages(Dashboard dashboard, Reports reports, PropertyStore properties, Clock clock) {
        this.dashboard = dashboard;
        this.reports = reports;
        this.properties = properties;
        this.clock = clock;
    }

    /** The property and period a page shows, and what was wrong with the period asked for, if anything. */
    private record Choice(List<Property> properties, Property property, Period period, String error) {
        String currency() {
            return property.currency();
        }
    }

    /** {@code GET /app?property=&from=&to=}: the period at a glance, against the one before it. */
    public void overview(Context ctx) {
        Choice choice = choose(ctx);
        if (choice == null) {
            dashboard.render(ctx, "overview", Map.of("noProperty", true));
            return;
        }
        Overview overview = reports.overview(choice.property(), choice.period());
        Map<String, Object> model = controls(ctx, choice, Map.of());
        model.put("previousSpan", ReportView.span(choice.period().previous()));
        model.put("cards", cards(overview, choice.currency()));
        model.put("sources", sources(overview));
        model.put("hasFigures", overview.calls().current() + overview.conversions().current() > 0);
        model.put("chart", Json.write(ReportView.chart(overview, CHART_SOURCES)));
        model.put("sourcesHref", "/app/reports/source" + Links.query(periodParameters(choice)));
        dashboard.render(ctx, "overview", model);
    }

    /** {@code GET /app/reports}: the first report. */
    public void reports(Context ctx) {
        ctx.redirect("/app/reports/" + Dimension.SOURCE.wire() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
    }

    /** {@code GET /app/reports/{dimension}?property=&from=&to=&sort=&order=&limit=}: a table, sortable by any column. */
    public void report(Context ctx) {
        Dimension dimension = ReportQuery.dimension(ctx.pathParam("dimension"));
        Choice choice = choose(ctx);
        if (choice == null) {
            dashboard.render(ctx, "report", Map.of("noProperty", true, "dimensionLabel", ReportView.label(dimension)));
            return;
        }
        ReportRules.Sort sort = ReportQuery.sort(ctx);
        DimensionReport report = reports.report(choice.property(), choice.period(), dimension, sort);
        String limit = ctx.queryParam("limit");
        Map<String, String> sortParameters = new LinkedHashMap<>();
        sortParameters.put("sort", report.sort());
        sortParameters.put("order", report.order());
        Map<String, Object> model = controls(ctx, choice, sortParameters);
        model.put("dimensionLabel", ReportView.label(dimension));
        model.put("tabs", tabs(choice, dimension));
        model.put("columns", columns(choice, dimension, sort, limit));
        model.put("rows", report.rows().stream().map(row -> ReportView.line(row, choice.currency())).toList());
        model.put("totals", ReportView.line(report.totals(), choice.currency()));
        model.put("totalRows", ReportView.count(report.totalRows()));
        model.put("shownRows", ReportView.count(report.rows().size()));
        model.put("truncated", report.rows().size() < report.totalRows());
        Map<String, String> all = periodParameters(choice);
        all.putAll(sortParameters);
        model.put("showAllHref", ctx.path() + Links.query(with(all, "limit", Integer.toString(ReportRules.MAX_LIMIT))));
        model.put("csvHref", "/app/reports/" + dimension.wire() + ".csv" + Links.query(with(all, "limit", limit)));
        dashboard.render(ctx, "report", model);
    }

    /** {@code GET /app/reports/{dimension}.csv?...}: the report as the API's CSV, to download. */
    public void csv(Context ctx) {
        Dimension dimension = ReportQuery.dimension(ctx.pathParam("dimension"));
        Property property = chosen(ctx, properties.list(Admin.account(ctx).id())).orElseThrow(() -> ApiError.notFound("property"));
        Period period = ReportQuery.period(ctx, property, clock.instant());
        ReportQuery.csv(ctx, property, period, reports.report(property, period, dimension, ReportQuery.sort(ctx)));
    }

    /**
     * The account's properties and the one asked for (the first without {@code property}); null when the account has none.
     * A property of another account is not found. A period that cannot be is replaced by the default one, with the reason.
     */
    private Choice choose(Context ctx) {
        List<Property> all = properties.list(Admin.account(ctx).id());
        Optional<Property> chosen = chosen(ctx, all);
        if (chosen.isEmpty()) {
            return null;
        }
        Property property = chosen.get();
        try {
            return new Choice(all, property, ReportQuery.period(ctx, property, clock.instant()), null);
        } catch (ApiError e) {
            if (e.status() != 400) {
                throw e;
            }
            // a date picker makes it easy to end before the start: say so in the form's words, and show something
            Period fallback = Period.of(null, null, ZoneId.of(property.timeZone()), clock.instant());
            return new Choice(all, property, fallback, "That period cannot be shown: pick a “Before” day later than “From”, at most "
                    + Period.MAX_DAYS + " days apart. Showing the last " + fallback.days() + " days instead.");
        }
    }

    /** The property asked for, or the account's first; empty when the account has none. Another account's is not found. */
    private static Optional<Property> chosen(Context ctx, List<Property> all) {
        Long id = Admin.queryId(ctx, "property");
        if (id == null) {
            return all.stream().findFirst();
        }
        return Optional.of(all.stream().filter(candidate -> candidate.id() == id).findFirst()
                .orElseThrow(() -> ApiError.notFound("property")));
    }

    /** What every report page shows above its figures: the property picker, the period and the quick ranges. */
    private Map<String, Object> controls(Context ctx, Choice choice, Map<String, String> keep) {
        Period period = choice.period();
        Map<String, Object> model = new HashMap<>();
        model.put("properties", choice.properties());
        model.put("property", choice.property());
        model.put("from", period.from().toString());
        model.put("to", period.to().toString());
        model.put("span", ReportView.span(period));
        model.put("days", period.days());
        model.put("zone", choice.property().timeZone());
        model.put("keep", keep);
        if (choice.error() != null) {
            model.put("error", choice.error());
        }
        LocalDate end = LocalDate.ofInstant(clock.instant(), period.zone()).plusDays(1);
        List<ReportView.Link> ranges = new ArrayList<>();
        for (int days : RANGES) {
            Period range = new Period(end.minusDays(days), end, period.zone());
            Map<String, String> parameters = periodParameters(choice.property(), range);
            parameters.putAll(keep);
            ranges.add(new ReportView.Link("Last " + days + " days", ctx.path() + Links.query(parameters), range.equals(period)));
        }
        model.put("ranges", ranges);
        return model;
    }

    private static Map<String, String> periodParameters(Choice choice) {
        return periodParameters(choice.property(), choice.period());
    }

    /** The parameters that name a property and a period, in the order links show them. */
    private static Map<String, String> periodParameters(Property property, Period period) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("property", Long.toString(property.id()));
        parameters.put("from", period.from().toString());
        parameters.put("to", period.to().toString());
        return parameters;
    }

    private static Map<String, String> with(Map<String, String> parameters, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(parameters);
        copy.put(name, value);
        return copy;
    }

    private static List<ReportView.Card> cards(Overview overview, String currency) {
        Overview.Change calls = overview.calls();
        Overview.Amount value = overview.conversionValue().get(currency);
        Map<String, java.math.BigDecimal> otherValues = new LinkedHashMap<>();
        overview.conversionValue().forEach((code, amount) -> {
            if (!code.equals(currency) && amount.current().signum() != 0) {
                otherValues.put(code, amount.current());
            }
        });
        String answeredShare = calls.current() == 0 ? ""
                : ReportView.percent(ReportRules.rate(overview.answeredCalls().current(), calls.current())) + " of calls";
        String firstTimeShare = calls.current() == 0 ? ""
                : ReportView.percent(ReportRules.rate(overview.firstTimeCallers().current(), calls.current())) + " of calls";
        String notAttributable = calls.current() == 0 ? "no calls in this period"
                : ReportView.count(overview.notAttributableCalls().current()) + " of " + ReportView.count(calls.current()) + " calls";
        return List.of(
                new ReportView.Card("calls", "Calls", ReportView.count(calls.current()), "", ReportView.change(calls, true)),
                new ReportView.Card("answered", "Answered", ReportView.count(overview.answeredCalls().current()), answeredShare,
                        ReportView.change(overview.answeredCalls(), true)),
                new ReportView.Card("first-time", "First-time callers", ReportView.count(overview.firstTimeCallers().current()),
                        firstTimeShare, ReportView.change(overview.firstTimeCallers(), true)),
                new ReportView.Card("conversions", "Conversions", ReportView.count(overview.conversions().current()), "",
                        ReportView.change(overview.conversions(), true)),
                new ReportView.Card("value", "Conversion value", ReportView.money(value.current(), currency),
                        ReportView.others(otherValues), ReportView.change(value, currency)),
                new ReportView.Card("tel-clicks", "Phone-link clicks", ReportView.count(overview.telClicks().current()),
                        "call intent on the website", ReportView.change(overview.telClicks(), true)),
                new ReportView.Card("not-attributable", "Could not be attributed",
                        ReportView.percent(overview.notAttributableShare().current()), notAttributable,
                        ReportView.points(overview.notAttributableShare())));
    }

    /** One line of the overview's table of sources. */
    record SourceLine(String name, String calls, String share, String conversions) {
    }

    /** The busiest sources of the period: their calls, share of all calls and conversions. */
    private static List<SourceLine> sources(Overview overview) {
        Map<String, long[]> totals = new LinkedHashMap<>();
        overview.sources().forEach(source -> totals.put(source, new long[2]));
        for (Overview.Day day : overview.daily()) {
            for (Overview.SourceDay source : day.sources()) {
                long[] total = totals.get(source.source());
                total[0] += source.calls();
                total[1] += source.conversions();
            }
        }
        long calls = overview.calls().current();
        return totals.entrySet().stream().limit(OVERVIEW_SOURCES)
                .map(entry -> new SourceLine(ReportView.name(entry.getKey()), ReportView.count(entry.getValue()[0]),
                        ReportView.percent(ReportRules.rate(entry.getValue()[0], calls)), ReportView.count(entry.getValue()[1])))
                .toList();
    }

    private static List<ReportView.Link> tabs(Choice choice, Dimension shown) {
        List<ReportView.Link> tabs = new ArrayList<>();
        for (Dimension dimension : Dimension.values()) {
            tabs.add(new ReportView.Link(ReportView.label(dimension), "/app/reports/" + dimension.wire()
                    + Links.query(periodParameters(choice)), dimension == shown));
        }
        return tabs;
    }

    /** A column of a report: its heading, whether it holds figures, and the link that sorts by it (the other way, if it does). */
    record Column(String label, boolean numeric, String href, String sorted) {
    }

    private static List<Column> columns(Choice choice, Dimension dimension, ReportRules.Sort sort, String limit) {
        Map<ReportRules.SortKey, String> labels = new LinkedHashMap<>();
        labels.put(ReportRules.SortKey.NAME, ReportView.label(dimension));
        labels.put(ReportRules.SortKey.SESSIONS, "Sessions");
        labels.put(ReportRules.SortKey.TEL_CLICKS, "Phone-link clicks");
        labels.put(ReportRules.SortKey.CALLS, "Calls");
        labels.put(ReportRules.SortKey.ANSWERED, "Answered");
        labels.put(ReportRules.SortKey.FIRST_TIME, "First-time callers");
        labels.put(ReportRules.SortKey.CONVERSIONS, "Conversions");
        labels.put(ReportRules.SortKey.VALUE, "Value");
        labels.put(ReportRules.SortKey.CONVERSION_RATE, "Conversion rate");
        List<Column> columns = new ArrayList<>();
        labels.forEach((key, label) -> {
            boolean current = key == sort.key();
            boolean descending = current ? !sort.descending() : key != ReportRules.SortKey.NAME;
            Map<String, String> parameters = periodParameters(choice);
            parameters.put("sort", key.wire());
            parameters.put("order", descending ? "desc" : "asc");
            parameters.put("limit", limit);
            String sorted = !current ? "" : sort.descending() ? "descending" : "ascending";
            columns.add(new Column(label, key != ReportRules.SortKey.NAME, "/app/reports/" + dimension.wire()
                    + Links.query(parameters), sorted));
        });
        return columns;
    }
}
