package io.calltrail.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.property.Property;
import io.calltrail.tracking.SourceName;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** Periods, dimensions, the arithmetic of comparisons and rates, sorting and CSV, without a database. */
class ReportRulesTest {
    private static final ZoneId AUSTIN = ZoneId.of("America/Chicago");
    private static final Property PROPERTY = new Property(7, 1, "Site", "site", List.of("example.com"), "US", AUSTIN.getId(), "USD",
            Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, Instant.EPOCH, Instant.EPOCH);

    @Test
    void aPeriodDefaultsToTheLastThirtyDaysUpToTodayInThePropertysZone() {
        // 03:00 UTC on 4 May is still 3 May in Austin
        Period period = Period.of(null, null, AUSTIN, Instant.parse("2026-05-04T03:00:00Z"));
        assertThat(period.from()).isEqualTo(LocalDate.of(2026, 4, 4));
        assertThat(period.to()).isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(period.days()).isEqualTo(30);
        assertThat(period.previous()).isEqualTo(new Period(LocalDate.of(2026, 3, 5), LocalDate.of(2026, 4, 4), AUSTIN));
        assertThat(Period.of(LocalDate.of(2026, 5, 1), null, AUSTIN, Instant.parse("2026-05-04T03:00:00Z")).to())
                .isEqualTo(LocalDate.of(2026, 5, 4));
        assertThat(Period.of(null, LocalDate.of(2026, 2, 1), AUSTIN, Instant.parse("2026-05-04T03:00:00Z")).from())
                .isEqualTo(LocalDate.of(2026, 1, 2));
    }

    @Test
    void aPeriodEndsAfterItStartsAndLastsAtMostFourHundredDays() {
        LocalDate may = LocalDate.of(2026, 5, 4);
        assertThatThrownBy(() -> new Period(may, may, AUSTIN)).isInstanceOfSatisfying(Period.Invalid.class,
                invalid -> assertThat(invalid.field()).isEqualTo("to"));
        assertThatThrownBy(() -> new Period(may, may.minusDays(1), AUSTIN)).isInstanceOf(Period.Invalid.class);
        assertThatThrownBy(() -> new Period(may, may.plusDays(401), AUSTIN)).hasMessageContaining("at most 400 days");
        assertThat(new Period(may, may.plusDays(400), AUSTIN).days()).isEqualTo(400);
    }

    @Test
    void stretchesChangeWhereTheClocksDoSoEveryInstantFallsOnItsLocalDay() {
        // clocks go forward at 2:00 on 8 March 2026 in Austin (08:00 UTC)
        Period period = new Period(LocalDate.of(2026, 3, 7), LocalDate.of(2026, 3, 10), AUSTIN);
        List<Period.Stretch> stretches = Period.stretches(Period.startOf(period.from(), AUSTIN), Period.startOf(period.to(), AUSTIN), AUSTIN);
        assertThat(stretches).containsExactly(
                new Period.Stretch(Instant.parse("2026-03-07T06:00:00Z"), Instant.parse("2026-03-08T08:00:00Z"), -6 * 3600),
                new Period.Stretch(Instant.parse("2026-03-08T08:00:00Z"), Instant.parse("2026-03-10T05:00:00Z"), -5 * 3600));
        assertThat(stretches.get(0).day(Instant.parse("2026-03-08T05:59:59Z"))).isEqualTo(LocalDate.of(2026, 3, 7));
        assertThat(stretches.get(0).day(Instant.parse("2026-03-08T06:00:00Z"))).isEqualTo(LocalDate.of(2026, 3, 8));
        assertThat(stretches.get(1).day(Instant.parse("2026-03-09T04:59:59Z"))).isEqualTo(LocalDate.of(2026, 3, 8));
        assertThat(stretches.get(1).day(Instant.parse("2026-03-09T05:00:00Z"))).isEqualTo(LocalDate.of(2026, 3, 9));

        ZoneId kolkata = ZoneId.of("Asia/Kolkata"); // half an hour off the hour
        Period.Stretch india = Period.stretches(Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-05-10T00:00:00Z"), kolkata).get(0);
        assertThat(india.day(Instant.parse("2026-05-03T18:29:59Z"))).isEqualTo(LocalDate.of(2026, 5, 3));
        assertThat(india.day(Instant.parse("2026-05-03T18:30:00Z"))).isEqualTo(LocalDate.of(2026, 5, 4));
    }

    @Test
    void aSourceIsNamedAsConversionActionsNameItAndUnattributableCallsStandApart() {
        Origin staticNumber = new Origin(true, "Yelp listing", "google", "www.google.com", "cpc", "spring", "plumber", "https://x/");
        Origin tagged = new Origin(true, null, "google", "www.google.com", "cpc", "spring", "plumber", "https://x/");
        Origin referred = new Origin(true, null, null, "www.yelp.com", null, null, null, null);
        Origin direct = new Origin(true, null, null, null, null, null, null, "");
        Origin nobody = new Origin(false, null, null, null, null, null, null, null);
        assertThat(Dimension.SOURCE.valueOf(staticNumber)).isEqualTo("Yelp listing");
        assertThat(Dimension.SOURCE.valueOf(tagged)).isEqualTo("google");
        assertThat(Dimension.SOURCE.valueOf(referred)).isEqualTo("www.yelp.com");
        assertThat(Dimension.SOURCE.valueOf(direct)).isEqualTo(SourceName.DIRECT);
        for (Origin origin : List.of(staticNumber, tagged, referred, direct)) {
            assertThat(Dimension.SOURCE.valueOf(origin)).isEqualTo(SourceName.orDirect(
                    SourceName.of(origin.staticSource(), origin.utmSource(), origin.referrerDomain())));
        }
        for (Dimension dimension : Dimension.values()) {
            assertThat(dimension.valueOf(nobody)).isEqualTo(Dimension.NOT_ATTRIBUTABLE);
        }
        assertThat(Dimension.MEDIUM.valueOf(referred)).isEqualTo(Dimension.NOT_SET);
        assertThat(Dimension.CAMPAIGN.valueOf(tagged)).isEqualTo("spring");
        assertThat(Dimension.KEYWORD.valueOf(tagged)).isEqualTo("plumber");
        assertThat(Dimension.LANDING_PAGE.valueOf(direct)).isEqualTo(Dimension.NOT_SET);
        assertThat(Dimension.REFERRER.valueOf(direct)).isEqualTo(Dimension.NO_REFERRER);
        assertThat(Dimension.of("landing_page")).contains(Dimension.LANDING_PAGE);
        assertThat(Dimension.of("overview")).isEmpty();
    }

    @Test
    void changesAreRelativeAndSharesDifferInPoints() {
        assertThat(ReportRules.change(4, 1)).isEqualTo(new Overview.Change(4, 1, 3.0));
        assertThat(ReportRules.change(1, 3)).isEqualTo(new Overview.Change(1, 3, -0.6667));
        assertThat(ReportRules.change(2, 0).change()).isNull();
        assertThat(ReportRules.change(0, 0).change()).isNull();
        assertThat(ReportRules.amount(new BigDecimal("150.00"), new BigDecimal("120.00")))
                .isEqualTo(new Overview.Amount(new BigDecimal("150.00"), new BigDecimal("120.00"), 0.25));
        assertThat(ReportRules.amount(BigDecimal.ZERO, BigDecimal.ZERO).current()).isEqualByComparingTo("0").hasToString("0.00");
        assertThat(ReportRules.share(1, 4, 1, 2)).isEqualTo(new Overview.Share(0.25, 0.5, -0.25));
        assertThat(ReportRules.share(0, 0, 1, 2)).isEqualTo(new Overview.Share(null, 0.5, null));
        assertThat(ReportRules.rate(1, 3)).isEqualTo(0.3333);
        assertThat(ReportRules.rate(1, 0)).isNull();
    }

    private static ReportRow row(String name, long sessions, long calls, String value) {
        return new ReportRow(name, sessions, 0, calls, calls, 0, 0, new BigDecimal(value), Map.of(),
                ReportRules.rate(0, sessions), ReportRules.rate(calls, sessions));
    }

    @Test
    void rowsSortByAnyMetricWithTiesByNameAndRowsWithoutRateLast() {
        List<ReportRow> rows = new ArrayList<>(List.of(row("b", 10, 2, "5.00"), row("a", 10, 1, "9.00"), row("Yelp", 0, 3, "1.00"),
                row("c", 4, 2, "0.00")));
        rows.sort(new ReportRules.Sort(ReportRules.SortKey.SESSIONS, true, 10).comparator());
        assertThat(rows).extracting(ReportRow::name).containsExactly("a", "b", "c", "Yelp");
        rows.sort(new ReportRules.Sort(ReportRules.SortKey.CALL_RATE, true, 10).comparator());
        assertThat(rows).extracting(ReportRow::name).containsExactly("c", "b", "a", "Yelp");
        rows.sort(new ReportRules.Sort(ReportRules.SortKey.CALL_RATE, false, 10).comparator());
        assertThat(rows).extracting(ReportRow::name).containsExactly("a", "b", "c", "Yelp");
        rows.sort(new ReportRules.Sort(ReportRules.SortKey.VALUE, true, 10).comparator());
        assertThat(rows).extracting(ReportRow::name).containsExactly("a", "b", "Yelp", "c");
        rows.sort(new ReportRules.Sort(ReportRules.SortKey.NAME, false, 10).comparator());
        assertThat(rows).extracting(ReportRow::name).containsExactly("Yelp", "a", "b", "c");
        assertThatThrownBy(() -> new ReportRules.Sort(ReportRules.SortKey.CALLS, true, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReportShowsTheLimitOfItsRowsAndTotalsThemAll() {
        Map<String, Counts> values = Map.of(
                "spring", Counts.ofSessions(10).plus(Counts.ofCalls(3, 2, 1, 0)).plus(Counts.ofConversions(2, "USD", new BigDecimal("240.00")))
                        .plus(Counts.ofConversions(1, "CAD", new BigDecimal("50.00"))),
                "summer", Counts.ofSessions(5).plus(Counts.ofTelClicks(2)),
                "(not attributable)", Counts.ofCalls(1, 1, 1, 1));
        Period period = new Period(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 8), AUSTIN);
        DimensionReport report = ReportRules.report(PROPERTY, period, Dimension.CAMPAIGN, values,
                new ReportRules.Sort(ReportRules.SortKey.CALLS, true, 2));
        assertThat(report.totalRows()).isEqualTo(3);
        assertThat(report.rows()).extracting(ReportRow::name).containsExactly("spring", "(not attributable)");
        ReportRow spring = report.rows().get(0);
        assertThat(spring.value()).isEqualByComparingTo("240.00");
        assertThat(spring.otherValues()).containsExactly(Map.entry("CAD", new BigDecimal("50.00")));
        assertThat(spring.conversionRate()).isEqualTo(0.3);
        assertThat(spring.callRate()).isEqualTo(0.3);
        assertThat(report.rows().get(1).conversionRate()).isNull();
        ReportRow totals = report.totals();
        assertThat(List.of(totals.sessions(), totals.telClicks(), totals.calls(), totals.answered(), totals.firstTime(), totals.conversions()))
                .containsExactly(15L, 2L, 4L, 3L, 2L, 3L);
    }

    @Test
    void csvDefusesFormulasInNamesAndKeepsNumbersAsNumbers() throws Exception {
        Map<String, Counts> values = Map.of(
                "=HYPERLINK(\"http://evil\",\"x\")", Counts.ofSessions(3).plus(Counts.ofCalls(1, 1, 1, 0)),
                "+1 ad", Counts.ofSessions(2).plus(Counts.ofConversions(1, "EUR", new BigDecimal("12.50"))),
                "spring, \"new\"", Counts.ofSessions(1));
        DimensionReport report = ReportRules.report(PROPERTY, new Period(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 2), AUSTIN),
                Dimension.CAMPAIGN, values, new ReportRules.Sort(ReportRules.SortKey.SESSIONS, true, 100));
        String csv = ReportCsv.render(report);
        assertThat(csv).contains("\r\n");
        List<CSVRecord> lines = CSVFormat.RFC4180.parse(new StringReader(csv)).getRecords();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1).values()).containsExactly("'=HYPERLINK(\"http://evil\",\"x\")", "3", "0", "1", "1", "1", "0", "0.00",
                "USD", "", "0.0", "0.3333");
        assertThat(lines.get(2).values()).containsExactly("'+1 ad", "2", "0", "0", "0", "0", "1", "0.00", "USD", "EUR 12.50", "0.5",
                "0.0");
        assertThat(lines.get(3).get(0)).isEqualTo("spring, \"new\"");
        assertThat(lines.get(4).values()).containsExactly("(total)", "6", "0", "1", "1", "1", "1", "0.00", "USD", "EUR 12.50",
                "0.1667", "0.1667");
    }

    @Test
    void daysAreCutIntoRunsOfConsecutiveDays() {
        LocalDate first = LocalDate.of(2026, 5, 1);
        assertThat(Reports.runs(List.of(first.plusDays(3), first, first.plusDays(1), first.plusDays(5), first.plusDays(4))))
                .containsExactly(List.of(first, first.plusDays(1)), List.of(first.plusDays(3), first.plusDays(4), first.plusDays(5)));
        assertThat(Reports.runs(List.of())).isEmpty();
    }
}
