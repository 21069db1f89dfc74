package io.calltrail.conversion.export;

import static io.calltrail.testing.HtmlText.element;
import static io.calltrail.testing.HtmlText.rows;
import static io.calltrail.testing.HtmlText.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.DemoTraffic.Visit;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exports page through the real server, on H2 and PostgreSQL: two calls from Google Ads clicks convert, one of
 * them from a browser that sent Global Privacy Control. Downloading the click file is an export run by the signed-in
 * user: the file holds the consenting visitor's click, the other is held back, and the next file repeats neither.
 * HTTP destinations are sent from the page once set up; viewers, other accounts and forms without a token may not.
 */
class ExportPagesTest {
    private static final String ADMIN = "ada@example.com";
    private static final String CLICKS = "/app/exports/google-ads-clicks?property=1";

    private TestServer server;
    private MutableClock clock;
    private String key;
    private WebUser admin;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z"); // Monday, 10:00 in Austin
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        key = server.demoKey();
        DemoTraffic traffic = new DemoTraffic(server, clock);
        String granted = "{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\"}";
        Visit consenting = traffic.visit("/demo/?gclid=click-A", null, granted, false);
        Visit private_ = traffic.visit("/demo/?gclid=click-B", null, granted, true);
        clock.advance(Duration.ofSeconds(20));
        traffic.call(consenting.number(), "+15125550201", 75, true);
        traffic.call(private_.number(), "+15125550202", 80, true);
        admin = WebUser.signedIn(server, ADMIN, server.demoAccountId(), Role.ADMIN);
    }

    private String page() {
        TestClient.Answer answer = admin.get("/app/exports");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** The file's conversions, after its parameters row and its header. */
    private static List<CSVRecord> conversions(TestClient.Answer file) throws IOException {
        assertThat(file.status()).as(file.body()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith("text/csv");
        assertThat(file.header("Content-Disposition")).startsWith("attachment; filename=\"demo-google-ads-clicks-run");
        List<CSVRecord> records = CSVFormat.RFC4180.parse(new StringReader(file.body())).getRecords();
        assertThat(records.get(0).get(0)).isEqualTo("Parameters:TimeZone=America/Chicago");
        assertThat(records.get(1).get(0)).isEqualTo("Google Click ID");
        return records.subList(2, records.size());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void downloadingTheClickFileIsARunByTheUserThatSendsEachConversionOnce(Database.Kind kind) throws IOException {
        start(kind);
        String before = page();
        List<String> clicksRow = rows(before, "destinations-1").get(0);
        assertThat(clicksRow.subList(0, 3)).containsExactly("Google Ads: clicks",
                "New conversions from Google Ads clicks (gclid, gbraid, wbraid), for an offline conversion upload.", "never");
        assertThat(clicksRow.get(5)).isEqualTo("Download file");
        assertThat(element(before, "destination-1-google-ads-clicks")).contains("action=\"" + CLICKS + "\"");
        assertThat(text(before, "destination-1-ga4")).endsWith("Not set up");
        assertThat(text(before, "held-back-meaning")).contains("Global Privacy Control");
        assertThat(text(before)).contains("No export has run yet.");

        List<CSVRecord> first = conversions(admin.post(CLICKS, Map.of()));
        assertThat(first).hasSize(1);
        assertThat(first.get(0).get(0)).isEqualTo("click-A");
        assertThat(first.get(0).get(1)).isEqualTo("Phone call (60 s)");
        assertThat(first.get(0).get(2)).isEqualTo("2026-05-04 10:00:20");

        JsonNode runs = server.api("GET", "/api/v1/audit?action=export.run", key, null).json();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("actor").asText()).isEqualTo(WebUser.actor(server, ADMIN));
        assertThat(runs.get(0).get("details").get("destination").asText()).isEqualTo("google-ads-clicks");
        assertThat(runs.get(0).get("details").get("sent").asInt()).isEqualTo(1);
        assertThat(runs.get(0).get("details").get("held_back").get("global_privacy_control").asInt()).isEqualTo(1);

        // exports send each conversion once: the next file is empty, and so is the API's
        assertThat(conversions(admin.post(CLICKS, Map.of()))).isEmpty();
        TestClient.Answer api = server.api("GET", "/api/v1/exports/google-ads-clicks.csv?property=1", key, null);
        assertThat(api.body().lines().count()).isEqualTo(2);

        String after = page();
        assertThat(rows(after, "destinations-1").get(0).subList(2, 5)).containsExactly("Mon 4 May 2026, 10:00", "0", "0");
        List<List<String>> recent = rows(after, "runs");
        assertThat(recent).hasSize(3);
        assertThat(recent.get(2)).containsExactly("Mon 4 May 2026, 10:00", "Google Ads: clicks", "1",
                "1 (Global Privacy Control 1)", "Mon 4 May 2026, 10:00");
        assertThat(recent.get(0).subList(1, 4)).containsExactly("Google Ads: clicks", "0", "0");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anHttpDestinationSetUpIsSentFromThePage(Database.Kind kind) {
        start(kind);
        assertThat(server.api("PUT", "/api/v1/properties/1/destinations/google-data-manager", key,
                "{\"account_ref\":\"1234567890\",\"credential\":\"token\",\"endpoint_url\":\"http://127.0.0.1:9/ingest\"}").status())
                .isEqualTo(200);
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"google_conversion_id\":\"42\"}").status())
                .isEqualTo(200);
        String before = page();
        assertThat(text(before, "destination-1-google-data-manager")).endsWith("Send now");
        TestClient.Answer sent = admin.post("/app/exports/google-data-manager?property=1", Map.of());
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(text(sent.body(), "export-result")).isEqualTo("Google Data Manager for Hill Country Plumbing (demo): 1 conversion"
                + " queued, 1 held back (Global Privacy Control 1); they are sent in the background, retried until Google Data"
                + " Manager takes them.");
        JsonNode runs = server.api("GET", "/api/v1/audit?action=export.run", key, null).json();
        assertThat(runs.get(0).get("actor").asText()).isEqualTo(WebUser.actor(server, ADMIN));
        assertThat(runs.get(0).get("details").get("destination").asText()).isEqualTo("google-data-manager");
        assertThat(text(admin.post("/app/exports/google-data-manager?property=1", Map.of()).body(), "export-result"))
                .isEqualTo("Google Data Manager for Hill Country Plumbing (demo): 0 conversions queued.");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void viewersOtherAccountsAndFormsWithoutTheirTokenGetNoFile(Database.Kind kind) throws IOException {
        start(kind);
        WebUser viewer = WebUser.signedIn(server, "vic@example.com", server.demoAccountId(), Role.VIEWER);
        assertThat(viewer.get("/app/exports").status()).isEqualTo(403);
        viewer.get("/app/calls");
        assertThat(viewer.post(CLICKS, Map.of()).status()).isEqualTo(403);

        page();
        assertThat(admin.postRaw(CLICKS, Map.of()).status()).isEqualTo(403);
        assertThat(admin.post("/app/exports/google-ads-clicks?property=99", Map.of()).status()).isEqualTo(404);
        assertThat(admin.post("/app/exports/myspace?property=1", Map.of()).status()).isEqualTo(404);
        assertThat(admin.post("/app/exports/google-ads-clicks", Map.of()).status()).isEqualTo(400);

        // another account's user sees none of this account's websites and cannot export them
        WebUser stranger = WebUser.signedIn(server, "sam@example.com", server.ownerAccountId(), Role.OWNER);
        assertThat(stranger.get("/app/exports").body()).doesNotContain("Hill Country");
        assertThat(stranger.post(CLICKS, Map.of()).status()).isEqualTo(404);

        assertThat(server.api("GET", "/api/v1/audit?action=export.run", key, null).json()).isEmpty();
        assertThat(conversions(admin.post(CLICKS, Map.of()))).hasSize(1);
    }
}
