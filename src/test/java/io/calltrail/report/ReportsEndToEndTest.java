package io.calltrail.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Account;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.DemoTraffic.Visit;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through the real server and the demo property: visits, phone-link clicks, simulated calls, an imported main-line call
 * and the conversions they make, over two days (Sunday 3 and Monday 4 May 2026, in America/Chicago), add up in the
 * overview and in every report exactly as counted by hand, from the facts and from the daily rollups alike.
 */
class ReportsEndToEndTest {
    private TestServer server;
    private MutableClock clock;
    private String key;
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
        key = server.demoKey();
        traffic = new DemoTraffic(server, clock);
    }

    private JsonNode get(String path) {
        TestClient.Answer answer = server.api("GET", path, key, null);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static Map<String, JsonNode> byName(JsonNode report) {
        Map<String, JsonNode> rows = new java.util.LinkedHashMap<>();
        report.get("rows").forEach(row -> rows.put(row.get("name").asText(), row));
        return rows;
    }

    /** sessions, tel_clicks, calls, answered, first_time, conversions and value of a row. */
    private static List<Object> figures(JsonNode row) {
        return List.of(row.get("sessions").asLong(), row.get("tel_clicks").asLong(), row.get("calls").asLong(),
                row.get("answered").asLong(), row.get("first_time").asLong(), row.get("conversions").asLong(),
                row.get("value").decimalValue().setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString());
    }

    private static List<Object> figures(long sessions, long telClicks, long calls, long answered, long firstTime, long conversions,
                                        String value) {
        return List.of(sessions, telClicks, calls, answered, firstTime, conversions, value);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theOverviewCountsThePeriodAndComparesItWithThePreviousOne(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        String body = server.api("GET", "/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-05", key, null).body();
        JsonNode overview = io.calltrail.app.Json.parse(body);
        assertThat(overview.get("time_zone").asText()).isEqualTo("America/Chicago");
        assertThat(overview.get("previous_from").asText()).isEqualTo("2026-05-03");
        assertThat(overview.get("previous_to").asText()).isEqualTo("2026-05-04");
        assertThat(overview.get("calls").toString()).isEqualTo("{\"current\":4,\"previous\":1,\"change\":3.0}");
        assertThat(overview.get("answered_calls").toString()).isEqualTo("{\"current\":3,\"previous\":1,\"change\":2.0}");
        assertThat(overview.get("first_time_callers").toString()).isEqualTo("{\"current\":3,\"previous\":1,\"change\":2.0}");
        assertThat(overview.get("not_attributable_calls").toString()).isEqualTo("{\"current\":1,\"previous\":0,\"change\":null}");
        assertThat(overview.get("not_attributable_share").toString())
                .isEqualTo("{\"current\":0.25,\"previous\":0.0,\"difference\":0.25}");
        assertThat(overview.get("tel_clicks").toString()).isEqualTo("{\"current\":1,\"previous\":0,\"change\":null}");
        assertThat(overview.get("sessions").toString()).isEqualTo("{\"current\":4,\"previous\":1,\"change\":3.0}");
        assertThat(overview.get("conversions").toString()).isEqualTo("{\"current\":3,\"previous\":1,\"change\":2.0}");
        assertThat(body).contains("\"conversion_value\":{\"USD\":{\"current\":240.00,\"previous\":120.00,\"change\":1.0}}");
        assertThat(overview.get("sources").toString()).isEqualTo("[\"google\",\"Yelp listing\",\"(not attributable)\"]");
        assertThat(overview.get("daily").toString()).isEqualTo("[{\"date\":\"2026-05-04\",\"calls\":4,\"conversions\":3,\"sources\":["
                + "{\"source\":\"google\",\"calls\":2,\"conversions\":2},"
                + "{\"source\":\"Yelp listing\",\"calls\":1,\"conversions\":1},"
                + "{\"source\":\"(not attributable)\",\"calls\":1,\"conversions\":0}]}]");

        // without from and to: the last 30 days up to today (Monday), against the 30 before
        JsonNode lastDays = get("/api/v1/reports/overview?property=1");
        assertThat(lastDays.get("from").asText()).isEqualTo("2026-04-05");
        assertThat(lastDays.get("to").asText()).isEqualTo("2026-05-05");
        assertThat(lastDays.get("previous_from").asText()).isEqualTo("2026-03-06");
        assertThat(lastDays.get("daily")).hasSize(30);
        assertThat(lastDays.get("calls").get("current").asLong()).isEqualTo(5);
        assertThat(lastDays.get("calls").get("previous").asLong()).isZero();
        assertThat(lastDays.get("calls").get("change").isNull()).isTrue();
        assertThat(lastDays.get("daily").get(28).get("date").asText()).isEqualTo("2026-05-03");
        assertThat(lastDays.get("daily").get(28).get("calls").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void everyReportCountsEachFactUnderItsOriginAndSortsByAnyMetric(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        String period = "property=1&from=2026-05-03&to=2026-05-05";
        String origin = traffic.origin();
        Map<String, JsonNode> sources = byName(get("/api/v1/reports/source?" + period));
        assertThat(sources.keySet()).containsExactly("google", "(not attributable)", "Yelp listing", "(direct)", "www.yelp.com");
        assertThat(figures(sources.get("google"))).isEqualTo(figures(3, 1, 3, 2, 2, 3, "240.00"));
        assertThat(figures(sources.get("Yelp listing"))).isEqualTo(figures(0, 0, 1, 1, 1, 1, "120.00"));
        assertThat(figures(sources.get("(not attributable)"))).isEqualTo(figures(0, 0, 1, 1, 1, 0, "0.00"));
        assertThat(figures(sources.get("(direct)"))).isEqualTo(figures(1, 0, 0, 0, 0, 0, "0.00"));
        assertThat(figures(sources.get("www.yelp.com"))).isEqualTo(figures(1, 0, 0, 0, 0, 0, "0.00"));
        assertThat(sources.get("google").get("conversion_rate").asDouble()).isEqualTo(1.0);
        assertThat(sources.get("google").get("call_rate").asDouble()).isEqualTo(1.0);
        assertThat(sources.get("Yelp listing").get("conversion_rate").isNull()).isTrue(); // no sessions: no rate
        assertThat(sources.get("(direct)").get("conversion_rate").asDouble()).isZero();

        JsonNode campaigns = get("/api/v1/reports/campaign?" + period);
        assertThat(campaigns.get("dimension").asText()).isEqualTo("campaign");
        assertThat(campaigns.get("total_rows").asInt()).isEqualTo(4);
        Map<String, JsonNode> byCampaign = byName(campaigns);
        assertThat(figures(byCampaign.get("spring"))).isEqualTo(figures(2, 0, 2, 2, 1, 2, "240.00"));
        assertThat(figures(byCampaign.get("summer"))).isEqualTo(figures(1, 1, 1, 0, 1, 1, "0.00"));
        assertThat(figures(byCampaign.get("(not set)"))).isEqualTo(figures(2, 0, 1, 1, 1, 1, "120.00"));
        assertThat(figures(byCampaign.get("(not attributable)"))).isEqualTo(figures(0, 0, 1, 1, 1, 0, "0.00"));
        assertThat(figures(campaigns.get("totals"))).isEqualTo(figures(5, 1, 5, 4, 4, 4, "360.00"));
        assertThat(campaigns.get("totals").get("name").asText()).isEqualTo("(total)");

        Map<String, JsonNode> mediums = byName(get("/api/v1/reports/medium?" + period));
        assertThat(figures(mediums.get("cpc"))).isEqualTo(figures(3, 1, 3, 2, 2, 3, "240.00"));
        assertThat(figures(mediums.get("(not set)"))).isEqualTo(figures(2, 0, 1, 1, 1, 1, "120.00"));

        Map<String, JsonNode> keywords = byName(get("/api/v1/reports/keyword?" + period));
        assertThat(keywords.keySet()).containsExactlyInAnyOrder("plumber", "water heater", "(not set)", "(not attributable)");
        assertThat(figures(keywords.get("plumber"))).isEqualTo(figures(2, 0, 2, 2, 1, 2, "240.00"));
        assertThat(figures(keywords.get("water heater"))).isEqualTo(figures(1, 1, 1, 0, 1, 1, "0.00"));

        Map<String, JsonNode> pages = byName(get("/api/v1/reports/landing_page?" + period));
        assertThat(pages.keySet()).containsExactlyInAnyOrder(origin + "/demo/", origin + "/demo/index.html", "(not set)",
                "(not attributable)");
        assertThat(figures(pages.get(origin + "/demo/"))).isEqualTo(figures(4, 1, 3, 2, 2, 3, "240.00"));
        assertThat(figures(pages.get(origin + "/demo/index.html"))).isEqualTo(figures(1, 0, 0, 0, 0, 0, "0.00"));
        assertThat(figures(pages.get("(not set)"))).isEqualTo(figures(0, 0, 1, 1, 1, 1, "120.00")); // the Yelp number's call

        Map<String, JsonNode> referrers = byName(get("/api/v1/reports/referrer?" + period));
        assertThat(figures(referrers.get("www.google.com"))).isEqualTo(figures(3, 1, 3, 2, 2, 3, "240.00"));
        assertThat(figures(referrers.get("www.yelp.com"))).isEqualTo(figures(1, 0, 0, 0, 0, 0, "0.00"));
        assertThat(figures(referrers.get("(none)"))).isEqualTo(figures(1, 0, 1, 1, 1, 1, "120.00"));

        // sorting: by any metric, ties by name; rows without sessions have no rate and come last either way
        assertThat(names(get("/api/v1/reports/source?" + period + "&sort=sessions")))
                .containsExactly("google", "(direct)", "www.yelp.com", "(not attributable)", "Yelp listing");
        assertThat(names(get("/api/v1/reports/source?" + period + "&sort=sessions&order=asc")))
                .containsExactly("(not attributable)", "Yelp listing", "(direct)", "www.yelp.com", "google");
        assertThat(names(get("/api/v1/reports/source?" + period + "&sort=conversion_rate&order=asc")))
                .containsExactly("(direct)", "www.yelp.com", "google", "(not attributable)", "Yelp listing");
        assertThat(names(get("/api/v1/reports/source?" + period + "&sort=value&order=desc&limit=2")))
                .containsExactly("google", "Yelp listing");
        assertThat(names(get("/api/v1/reports/source?" + period + "&sort=name")))
                .containsExactly("(direct)", "(not attributable)", "Yelp listing", "google", "www.yelp.com");
        JsonNode limited = get("/api/v1/reports/campaign?" + period + "&sort=tel_clicks&limit=1");
        assertThat(names(limited)).containsExactly("summer");
        assertThat(limited.get("total_rows").asInt()).isEqualTo(4);
        assertThat(limited.get("sort").asText()).isEqualTo("tel_clicks");
        assertThat(limited.get("order").asText()).isEqualTo("desc");
    }

    private static List<String> names(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.get("rows").forEach(row -> names.add(row.get("name").asText()));
        return names;
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void rolledUpDaysAnswerLikeTheFactsAndFollowWhatChangesLater(Database.Kind kind) {
        start(kind);
        ReportTraffic.twoDays(traffic, clock);
        List<String> paths = new ArrayList<>(List.of("/api/v1/reports/overview?property=1&from=2026-05-03&to=2026-05-06",
                "/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-05"));
        for (Dimension dimension : Dimension.values()) {
            paths.add("/api/v1/reports/" + dimension.wire() + "?property=1&from=2026-05-03&to=2026-05-06");
        }
        List<String> fromFacts = paths.stream().map(path -> get(path).toString()).toList();

        clock.advance(Duration.ofHours(1)); // Monday 11:02 in Austin: Sunday is over, Monday is not
        assertThat(server.server().rollups().run().rolled()).isEqualTo(1);
        clock.advance(Duration.ofDays(2)); // Wednesday: Monday and Tuesday are over too
        assertThat(server.server().rollups().run().rolled()).isEqualTo(2);
        assertThat(server.server().rollups().run().rolled()).isZero();
        assertThat(count("SELECT COUNT(*) FROM report_rolled_day")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM report_day WHERE dimension = 'source'")).isEqualTo(6);
        assertThat(paths.stream().map(path -> get(path).toString()).toList()).isEqualTo(fromFacts);

        // a call from Monday imported on Wednesday counts at once, and the day is rolled up again
        traffic.importMainLineCall("+15125550205", "2026-05-04T18:00:00Z");
        JsonNode monday = get("/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-05");
        assertThat(monday.get("calls").get("current").asLong()).isEqualTo(5);
        assertThat(monday.get("not_attributable_calls").get("current").asLong()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM report_stale")).isEqualTo(1);
        assertThat(server.server().rollups().run().rolledAgain()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM report_stale")).isZero();
        assertThat(count("SELECT calls FROM report_rolled_day WHERE local_day = DATE '2026-05-04'")).isEqualTo(5);
        assertThat(get("/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-05").toString()).isEqualTo(monday.toString());

        // the CRM says Monday's ad call was worth 900: the restated value shows at once
        assertThat(server.api("POST", "/api/v1/outcomes", key, "{\"outcomes\":[{\"external_id\":\"crm-1\",\"click_id\":\"ad-2\","
                + "\"status\":\"won\",\"value\":900,\"currency\":\"USD\",\"occurred_at\":\"2026-05-05T12:00:00Z\"}]}").status())
                .isEqualTo(200);
        JsonNode restated = get("/api/v1/reports/campaign?property=1&from=2026-05-04&to=2026-05-05");
        assertThat(byName(restated).get("spring").get("value").decimalValue()).isEqualByComparingTo("900");
        server.server().rollups().run();
        assertThat(get("/api/v1/reports/campaign?property=1&from=2026-05-04&to=2026-05-05").toString()).isEqualTo(restated.toString());

        // a call log reaching back before the first visit: such days too are rolled up, once a report has read them
        traffic.importMainLineCall("+15125550206", "2026-05-01T16:00:00Z");
        assertThat(get("/api/v1/reports/overview?property=1&from=2026-05-01&to=2026-05-02").get("calls").get("current").asLong())
                .isEqualTo(1);
        assertThat(server.server().rollups().run().rolledAgain()).isEqualTo(1);
        assertThat(count("SELECT calls FROM report_rolled_day WHERE local_day = DATE '2026-05-01'")).isEqualTo(1);

        // another time zone means other days: what was rolled up no longer counts, and is rolled up again
        assertThat(server.api("PATCH", "/api/v1/properties/1", key, "{\"time_zone\":\"Asia/Tokyo\"}").status()).isEqualTo(200);
        String tokyo = get("/api/v1/reports/source?property=1&from=2026-05-03&to=2026-05-08").toString();
        JsonNode tokyoDays = get("/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-06").get("daily");
        assertThat(tokyoDays.get(0).get("calls").asLong()).isEqualTo(1); // Sunday 10:01 in Austin is Monday 00:01 in Tokyo
        assertThat(tokyoDays.get(1).get("calls").asLong()).isEqualTo(5);
        server.server().rollups().run();
        assertThat(count("SELECT COUNT(*) FROM report_rollup WHERE time_zone = 'Asia/Tokyo' AND rolled_through = DATE '2026-05-06'"))
                .isEqualTo(1);
        assertThat(get("/api/v1/reports/source?property=1&from=2026-05-03&to=2026-05-08").toString()).isEqualTo(tokyo);
    }

    private long count(String sql) {
        return server.database().jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void reportsDownloadAsCsvWithFormulasDefused(Database.Kind kind) throws Exception {
        start(kind);
        Visit visit = traffic.visit("/demo/?gclid=ad-9&utm_source=google&utm_campaign=%3DHYPERLINK(%22http://evil%22)", null);
        traffic.visit("/demo/?utm_source=%40SUM(1%2B1)&utm_campaign=-2%2B3", null);
        traffic.call(visit.number(), "+15125550209", 75, true);

        TestClient.Answer bySuffix = server.api("GET", "/api/v1/reports/campaign.csv?property=1&from=2026-05-03&to=2026-05-04", key, null);
        assertThat(bySuffix.status()).as(bySuffix.body()).isEqualTo(200);
        assertThat(bySuffix.header("Content-Type")).startsWith("text/csv");
        assertThat(bySuffix.header("Content-Disposition")).isEqualTo("attachment; filename=\"demo-campaign-2026-05-03-to-2026-05-04.csv\"");
        List<CSVRecord> lines = CSVFormat.RFC4180.parse(new StringReader(bySuffix.body())).getRecords();
        assertThat(lines.get(0).values()).containsExactly("campaign", "sessions", "tel_clicks", "calls", "answered", "first_time",
                "conversions", "value", "currency", "other_values", "conversion_rate", "call_rate");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1).values()).containsExactly("'=HYPERLINK(\"http://evil\")", "1", "0", "1", "1", "1", "1", "120.00",
                "USD", "", "1.0", "1.0");
        assertThat(lines.get(2).values()).containsExactly("'-2+3", "1", "0", "0", "0", "0", "0", "0.00", "USD", "", "0.0", "0.0");
        assertThat(lines.get(3).get(0)).isEqualTo("(total)");

        TestClient.Answer byAccept = server.send("GET", "/api/v1/reports/source?property=1&from=2026-05-03&to=2026-05-04", null,
                "Authorization", "Bearer " + key, "Accept", "text/csv");
        assertThat(byAccept.header("Content-Type")).startsWith("text/csv");
        List<CSVRecord> sources = CSVFormat.RFC4180.parse(new StringReader(byAccept.body())).getRecords();
        assertThat(sources.get(0).get(0)).isEqualTo("source");
        assertThat(sources.stream().map(line -> line.get(0)).toList()).contains("google", "'@SUM(1+1)");
        assertThat(server.api("GET", "/api/v1/reports/source?property=1", key, null).header("Content-Type"))
                .startsWith("application/json");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anotherAccountsPropertyIsNotFoundAndBadParametersAreRefusedPrecisely(Database.Kind kind) {
        start(kind);
        Fixtures fixtures = new Fixtures(server.database());
        Account other = fixtures.account("Other business");
        String otherKey = fixtures.apiKey(other);
        long otherProperty = fixtures.property(other, "other").id();

        assertThat(server.api("GET", "/api/v1/reports/overview?property=1", otherKey, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/reports/campaign?property=1", otherKey, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/reports/campaign.csv?property=1", otherKey, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/reports/overview?property=" + otherProperty, key, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/reports/overview?property=" + otherProperty, otherKey, null).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/reports/overview?property=1").status()).isEqualTo(401);

        assertRefused("/api/v1/reports/overview", 400, "property");
        assertRefused("/api/v1/reports/overview?property=abc", 400, "property");
        assertRefused("/api/v1/reports/overview?property=1&from=2026-13-01", 400, "from");
        assertRefused("/api/v1/reports/overview?property=1&from=2026-05-04T00:00:00Z", 400, "from");
        assertRefused("/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-04", 400, "to");
        assertRefused("/api/v1/reports/overview?property=1&from=2026-05-04&to=2026-05-01", 400, "to");
        assertRefused("/api/v1/reports/overview?property=1&from=2025-01-01&to=2026-02-06", 400, "to");
        assertThat(get("/api/v1/reports/overview?property=1&from=2025-01-01&to=2026-02-05").get("daily")).hasSize(400);
        assertRefused("/api/v1/reports/source?property=1&sort=colour", 400, "sort");
        assertRefused("/api/v1/reports/source?property=1&order=up", 400, "order");
        assertRefused("/api/v1/reports/source?property=1&limit=0", 400, "limit");
        assertRefused("/api/v1/reports/source?property=1&limit=10001", 400, "limit");
        assertRefused("/api/v1/reports/source?property=1&limit=ten", 400, "limit");
        assertRefused("/api/v1/reports/device?property=1", 404, "dimension");
        assertRefused("/api/v1/reports/overview.csv?property=1", 404, "dimension");
        assertThat(server.api("POST", "/api/v1/reports/overview?property=1", key, "{}").status()).isEqualTo(405);
    }

    private void assertRefused(String path, int status, String field) {
        TestClient.Answer answer = server.api("GET", path, key, null);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.json().get("field").asText()).as(path).isEqualTo(field);
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }
}
