package io.calltrail.report;

import static io.calltrail.testing.HtmlText.element;
import static io.calltrail.testing.HtmlText.firstColumn;
import static io.calltrail.testing.HtmlText.href;
import static io.calltrail.testing.HtmlText.rows;
import static io.calltrail.testing.HtmlText.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Account;
import io.calltrail.account.Role;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.DemoTraffic.Visit;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.HtmlText;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard's overview and reports, signed in as people of the demo account, over visits, phone-link clicks,
 * simulated calls and an imported main-line call on Sunday 3 and Monday 4 May 2026 (America/Chicago): the figures the
 * pages show are the reporting API's, formatted for people; the CSV is the API's; another account sees nothing of them.
 */
class ReportPagesTest {
    private static final String MAY_4 = "property=1&from=2026-05-04&to=2026-05-05";
    private static final String MAY_3_AND_4 = "property=1&from=2026-05-03&to=2026-05-05";

    private TestServer server;
    private MutableClock clock;
    private DemoTraffic traffic;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-03T15:00:00Z"); // Sunday, 10:00 in Austin
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        traffic = new DemoTraffic(server, clock);
    }

    private WebUser user(String email, Role role) {
        return WebUser.signedIn(server, email, server.demoAccountId(), role);
    }

    private static String page(WebUser user, String path) {
        TestClient.Answer answer = user.get(path);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/html");
        return answer.body();
    }

    private static String card(String page, String id) {
        return text(page, "card-" + id);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theOverviewShowsEachFigureAgainstThePreviousPeriodAndTheShareThatCouldNotBeAttributed(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        WebUser viewer = user("vic@example.com", Role.VIEWER); // reports are for every role

        String monday = page(viewer, "/app?" + MAY_4);
        assertThat(monday).contains("value=\"2026-05-04\"", "value=\"2026-05-05\"");
        assertThat(text(monday)).contains("4 May 2026 · 1 day · days in America/Chicago time",
                "compared with the 1 day before: 3 May 2026");
        assertThat(card(monday, "calls")).isEqualTo("Calls 4 ▲ 300% · was 1");
        assertThat(card(monday, "answered")).isEqualTo("Answered 3 75% of calls ▲ 200% · was 1");
        assertThat(card(monday, "first-time")).isEqualTo("First-time callers 3 75% of calls ▲ 200% · was 1");
        assertThat(card(monday, "conversions")).isEqualTo("Conversions 3 ▲ 200% · was 1");
        assertThat(card(monday, "value")).isEqualTo("Conversion value $240.00 ▲ 100% · was $120.00");
        assertThat(card(monday, "tel-clicks")).isEqualTo("Phone-link clicks 1 call intent on the website new · none before");
        assertThat(card(monday, "not-attributable")).isEqualTo("Could not be attributed 25% 1 of 4 calls ▲ 25 pts · was 0%");
        // more calls is good news, a larger share tracking could not place is not
        assertThat(element(monday, "card-calls")).contains("class=\"delta up\"");
        assertThat(element(monday, "card-not-attributable")).contains("class=\"delta down\"");

        assertThat(rows(monday, "top-sources")).containsExactly(
                List.of("google", "2", "50%", "2"),
                List.of("Yelp listing", "1", "25%", "1"),
                List.of("Could not be attributed", "1", "25%", "0"));
        JsonNode chart = Json.parse(HtmlText.unescape(element(monday, "overview-chart-data").replaceAll("<[^>]+>", "")));
        assertThat(chart.get("days").toString()).isEqualTo("[\"2026-05-04\"]");
        assertThat(chart.get("series").get(0).toString())
                .isEqualTo("{\"label\":\"Calls · google\",\"values\":[2],\"dash\":false,\"color\":0}");
        assertThat(chart.get("series").get(1).toString())
                .isEqualTo("{\"label\":\"Conversions · google\",\"values\":[2],\"dash\":true,\"color\":0}");
        assertThat(chart.get("series")).hasSize(6);
        assertThat(monday).contains("data-chart=\"#overview-chart-data\"", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");

        // without a period: the last 30 days up to today in the property's time zone, with quick ranges
        String lastDays = page(viewer, "/app");
        assertThat(text(lastDays)).contains("5 Apr – 4 May 2026 · 30 days");
        assertThat(card(lastDays, "calls")).isEqualTo("Calls 5 new · none before");
        assertThat(href(lastDays, "Last 7 days")).isEqualTo("/app?property=1&from=2026-04-28&to=2026-05-05");
        assertThat(href(lastDays, "Last 90 days")).isEqualTo("/app?property=1&from=2026-02-04&to=2026-05-05");
        assertThat(lastDays).contains("aria-current=\"true\">Last 30 days</a>");
        assertThat(card(page(viewer, href(lastDays, "Last 7 days")), "calls")).startsWith("Calls 5 ");
        assertThat(href(lastDays, "All sources")).isEqualTo("/app/reports/source?property=1&from=2026-04-05&to=2026-05-05");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void reportsListEveryValueWithItsFiguresAndSortByAnyColumn(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        WebUser owner = user("olga@example.com", Role.OWNER);

        String campaigns = page(owner, "/app/reports/campaign?" + MAY_3_AND_4);
        assertThat(rows(campaigns, "report")).containsExactly(
                List.of("spring", "2", "0", "2", "2", "1", "2", "$240.00", "100%"),
                List.of("Could not be attributed", "0", "0", "1", "1", "1", "0", "$0.00", "–"),
                List.of("(not set)", "2", "0", "1", "1", "1", "1", "$120.00", "50%"),
                List.of("summer", "1", "1", "1", "0", "1", "1", "$0.00", "100%"));
        assertThat(text(element(campaigns, "report").replaceAll("(?s).*<tfoot>", "")))
                .isEqualTo("Total 5 1 5 4 4 4 $360.00 80%");
        assertThat(text(element(campaigns, "report").replaceAll("(?s)<tbody>.*", "")))
                .isEqualTo("Campaign Sessions Phone-link clicks Calls ▼ Answered First-time callers Conversions Value Conversion rate");
        assertThat(campaigns).contains("aria-sort=\"descending\"");
        assertThat(text(campaigns)).contains("4 rows");

        // a column's header sorts by it, most first; the sorted column's header turns the order round
        assertThat(href(element(campaigns, "report"), "Sessions")).isEqualTo("/app/reports/campaign?" + MAY_3_AND_4 + "&sort=sessions&order=desc");
        assertThat(href(element(campaigns, "report"), "Calls")).isEqualTo("/app/reports/campaign?" + MAY_3_AND_4 + "&sort=calls&order=asc");
        assertThat(href(element(campaigns, "report"), "Campaign")).isEqualTo("/app/reports/campaign?" + MAY_3_AND_4 + "&sort=name&order=asc");
        String bySessions = page(owner, href(element(campaigns, "report"), "Sessions"));
        assertThat(firstColumn(bySessions, "report")).containsExactly("(not set)", "spring", "summer", "Could not be attributed");
        assertThat(href(element(bySessions, "report"), "Sessions")).endsWith("&sort=sessions&order=asc");
        assertThat(firstColumn(page(owner, href(element(bySessions, "report"), "Sessions")), "report"))
                .containsExactly("Could not be attributed", "summer", "(not set)", "spring");
        assertThat(firstColumn(page(owner, "/app/reports/campaign?" + MAY_3_AND_4 + "&sort=value&order=desc&limit=2"), "report"))
                .containsExactly("spring", "(not set)");
        String limited = page(owner, "/app/reports/campaign?" + MAY_3_AND_4 + "&sort=tel_clicks&limit=1");
        assertThat(text(limited)).contains("Showing 1 of 4 rows");
        assertThat(firstColumn(page(owner, href(limited, "show all")), "report")).hasSize(4);

        // a tab for each dimension, keeping the property and the period
        for (Dimension dimension : Dimension.values()) {
            assertThat(campaigns).contains("href=\"/app/reports/" + dimension.wire() + "?property=1&amp;from=2026-05-03&amp;to=2026-05-05\"");
        }
        String sources = page(owner, href(element(campaigns, "report-tabs"), "Source"));
        assertThat(rows(sources, "report").get(0)).containsExactly("google", "3", "1", "3", "2", "2", "3", "$240.00", "100%");
        assertThat(firstColumn(sources, "report")).containsExactly("google", "Could not be attributed", "Yelp listing", "(direct)",
                "www.yelp.com");
        assertThat(firstColumn(page(owner, "/app/reports/keyword?" + MAY_3_AND_4), "report"))
                .containsExactly("plumber", "Could not be attributed", "(not set)", "water heater");
        assertThat(firstColumn(page(owner, "/app/reports/landing_page?" + MAY_3_AND_4), "report"))
                .contains(traffic.origin() + "/demo/", traffic.origin() + "/demo/index.html");
        assertThat(firstColumn(page(owner, "/app/reports/referrer?" + MAY_3_AND_4), "report")).contains("www.google.com", "(none)");
        assertThat(rows(page(owner, "/app/reports/medium?" + MAY_3_AND_4), "report").get(0))
                .containsExactly("cpc", "3", "1", "3", "2", "2", "3", "$240.00", "100%");

        assertThat(owner.get("/app/reports/device?" + MAY_3_AND_4).status()).isEqualTo(404);
        assertThat(owner.get("/app/reports").header("Location")).isEqualTo("/app/reports/source");
        // a period that cannot be says so and shows the default one
        String backwards = page(owner, "/app/reports/source?property=1&from=2026-05-05&to=2026-05-01");
        assertThat(text(backwards)).contains("That period cannot be shown", "5 Apr – 4 May 2026 · 30 days");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theCsvDownloadIsTheApisWithFormulasDefusedAndPagesEscapeWhatVisitorsSent(Database.Kind kind) throws Exception {
        start(kind);
        Visit visit = traffic.visit("/demo/?gclid=ad-9&utm_source=google&utm_campaign=%3DHYPERLINK(%22http://evil%22)", null);
        traffic.visit("/demo/?utm_source=%40SUM(1%2B1)&utm_campaign=%3Cscript%3Ealert(1)%3C%2Fscript%3E", null);
        traffic.call(visit.number(), "+15125550209", 75, true);
        WebUser viewer = user("vic@example.com", Role.VIEWER);

        String page = page(viewer, "/app/reports/campaign?property=1&from=2026-05-03&to=2026-05-04");
        assertThat(firstColumn(page, "report")).containsExactly("=HYPERLINK(\"http://evil\")", "<script>alert(1)</script>");
        assertThat(page).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");

        String csvPath = href(page, "Download CSV");
        assertThat(csvPath).isEqualTo("/app/reports/campaign.csv?property=1&from=2026-05-03&to=2026-05-04&sort=calls&order=desc");
        TestClient.Answer csv = viewer.get(csvPath);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).isEqualTo("attachment; filename=\"demo-campaign-2026-05-03-to-2026-05-04.csv\"");
        List<CSVRecord> lines = CSVFormat.RFC4180.parse(new StringReader(csv.body())).getRecords();
        assertThat(lines.get(0).values()).containsExactly("campaign", "sessions", "tel_clicks", "calls", "answered", "first_time",
                "conversions", "value", "currency", "other_values", "conversion_rate", "call_rate");
        assertThat(lines.get(1).values()).containsExactly("'=HYPERLINK(\"http://evil\")", "1", "0", "1", "1", "1", "1", "120.00",
                "USD", "", "1.0", "1.0");
        assertThat(lines.get(2).get(0)).isEqualTo("<script>alert(1)</script>");
        assertThat(lines.get(3).get(0)).isEqualTo("(total)");
        TestClient.Answer api = server.api("GET", "/api/v1/reports/campaign.csv?property=1&from=2026-05-03&to=2026-05-04",
                server.demoKey(), null);
        assertThat(csv.body()).isEqualTo(api.body());

        String sourcesCsv = viewer.get("/app/reports/source.csv?property=1&from=2026-05-03&to=2026-05-04&sort=name").body();
        assertThat(CSVFormat.RFC4180.parse(new StringReader(sourcesCsv)).getRecords().stream().map(line -> line.get(0)).toList())
                .containsExactly("source", "'@SUM(1+1)", "google", "(total)");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anotherAccountSeesNoneOfThisAccountsFigures(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        Fixtures fixtures = new Fixtures(server.database());
        Account other = fixtures.account("Other business");
        WebUser stranger = WebUser.signedIn(server, "sam@example.com", other.id(), Role.OWNER);

        // an account without a website is asked to add one
        TestClient.Answer empty = stranger.get("/app");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(text(empty.body())).contains("Add your website to start counting calls");
        assertThat(href(empty.body(), "Set up your website")).isEqualTo("/app/setup");
        assertThat(text(stranger.get("/app/reports/source").body())).contains("Add your website to start counting calls");

        for (String path : List.of("/app?property=1", "/app/reports/source?property=1", "/app/reports/campaign.csv?property=1",
                "/app/reports/source?property=1&from=2026-05-03&to=2026-05-05")) {
            TestClient.Answer answer = stranger.get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).doesNotContain("google", "spring", "Hill Country");
        }

        long otherProperty = fixtures.property(other, "other").id();
        String own = page(stranger, "/app");
        assertThat(own).contains("value=\"" + otherProperty + "\"").doesNotContain("Hill Country");
        assertThat(card(own, "calls")).startsWith("Calls 0 ");
        assertThat(text(own)).contains("No calls or conversions in this period yet.");
        assertThat(rows(page(stranger, "/app/reports/source"), "report")).containsExactly(List.of("Nothing in this period yet."));
        assertThat(stranger.get("/app?property=abc").status()).isEqualTo(400);

        // signed out: to the sign-in page, nothing shown
        TestClient.Answer signedOut = new WebUser(server).get("/app/reports/source?property=1");
        assertThat(signedOut.status()).isEqualTo(302);
        assertThat(signedOut.header("Location")).startsWith("/sign-in");
    }
}
