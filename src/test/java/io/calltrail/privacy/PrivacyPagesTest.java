package io.calltrail.privacy;

import static io.calltrail.testing.HtmlText.element;
import static io.calltrail.testing.HtmlText.rows;
import static io.calltrail.testing.HtmlText.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Role;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The privacy page through the real server, on H2 and PostgreSQL: an admin downloads what is kept about a caller who
 * called twice, erases the caller (the calls stay, without the number; the page shows the counts and the caller only
 * masked), and changes how long data is kept; each is in the audit log under the user. Viewers may not, and a form
 * without its CSRF token changes nothing.
 */
class PrivacyPagesTest {
    private static final String CALLER = "+15125550201";
    private static final String OTHER = "+15125550202";
    private static final String ADMIN = "ada@example.com";

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

    /** Two calls from {@link #CALLER} to the demo's Yelp number, one from {@link #OTHER}; an admin signed in. */
    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z"); // Monday, 10:00 in Austin
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        key = server.demoKey();
        DemoTraffic traffic = new DemoTraffic(server, clock);
        traffic.call(DemoTraffic.YELP_NUMBER, CALLER, 70, true);
        clock.advance(Duration.ofHours(1));
        traffic.call(DemoTraffic.YELP_NUMBER, CALLER, 45, true);
        clock.advance(Duration.ofMinutes(10));
        traffic.call(DemoTraffic.YELP_NUMBER, OTHER, 30, true);
        admin = WebUser.signedIn(server, ADMIN, server.demoAccountId(), Role.ADMIN);
    }

    private String page() {
        TestClient.Answer answer = admin.get("/app/privacy");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private JsonNode audit(String action) {
        TestClient.Answer answer = server.api("GET", "/api/v1/audit?action=" + action, key, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** The masked callers of the account's calls, oldest first; null for a call without one. */
    private List<String> callers() {
        List<String> callers = new ArrayList<>();
        server.api("GET", "/api/v1/calls", key, null).json().forEach(call -> callers.add(0,
                call.get("caller_masked").isNull() ? null : call.get("caller_masked").asText()));
        return callers;
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void subjectAccessDownloadsTheCallersCallsAndErasingShowsTheCountsWithTheCallerMasked(Database.Kind kind) {
        start(kind);
        String before = page();
        assertThat(text(before, "retention-now")).contains("Full caller numbers 90 days (the default)",
                "calls, conversions and CRM outcomes 25 months (the default)");
        assertThat(element(before, "erase-form")).contains("data-confirm=\"Erase this caller");
        assertThat(text(before, "erase-form")).contains("read as a US number");

        // the file a subject-access request answers: the API's JSON, as a download
        TestClient.Answer file = admin.post("/app/privacy/subject", Map.of("phone", "(512) 555-0201"));
        assertThat(file.status()).as(file.body()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith("application/json");
        assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"subject-access-2026-05-04.json\"");
        JsonNode report = Json.parse(file.body());
        assertThat(report.get("caller").asText()).isEqualTo(CALLER);
        assertThat(report.get("calls")).hasSize(2);
        assertThat(report.get("calls").get(0).get("talk_seconds").asInt()).isEqualTo(70);
        assertThat(report.get("calls").get(1).get("talk_seconds").asInt()).isEqualTo(45);
        assertThat(report.get("erased_at").isNull()).isTrue();
        JsonNode api = server.api("GET", "/api/v1/privacy/subject?phone=%2B15125550201", key, null).json();
        assertThat(report.get("calls")).isEqualTo(api.get("calls"));
        JsonNode looked = audit("privacy.subject_access");
        assertThat(looked).hasSize(2);
        assertThat(looked.get(1).get("actor").asText()).isEqualTo(WebUser.actor(server, ADMIN));
        assertThat(looked.get(1).get("details").get("calls").asInt()).isEqualTo(2);

        assertThat(callers()).containsExactly("+1 512-***-**01", "+1 512-***-**01", "+1 512-***-**02");
        TestClient.Answer erased = admin.post("/app/privacy/erase", Map.of("phone", "512.555.0201"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(text(erased.body(), "erase-result")).startsWith("Erased +1 512-***-**01 from Demo: Hill Country Plumbing.");
        List<List<String>> counts = rows(erased.body(), "erased");
        assertThat(counts.get(0)).containsExactly("Calls that no longer hold the caller's number (they stay in your reports)", "2");
        assertThat(counts.stream().map(row -> row.get(1)).toList()).containsExactly("2", "0", "1", "0", "0", "0");
        assertThat(counts.get(2).get(0)).isEqualTo("Conversions not yet exported, which now go without the number"); // the 70 s call's
        assertThat(erased.body()).doesNotContain("555-0201", "5550201", "555.0201");

        // the calls stay, without the caller; the other caller is untouched
        assertThat(callers()).containsExactly(null, null, "+1 512-***-**02");
        JsonNode audited = audit("privacy.erase");
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).get("actor").asText()).isEqualTo(WebUser.actor(server, ADMIN));
        assertThat(audited.get(0).get("details").get("erased").get("calls").asInt()).isEqualTo(2);
        assertThat(audited.get(0).toString()).doesNotContain("5550201");

        // nothing is left to download, and the file says when the caller was erased
        JsonNode after = Json.parse(admin.post("/app/privacy/subject", Map.of("phone", CALLER)).body());
        assertThat(after.get("calls")).isEmpty();
        assertThat(after.get("erased_at").asText()).isEqualTo("2026-05-04T16:10:00Z");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aNumberThatIsNotOneIsShownBesideItsFieldAndErasesNothing(Database.Kind kind) {
        start(kind);
        page();
        TestClient.Answer wrong = admin.post("/app/privacy/erase", Map.of("phone", "12"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(text(wrong.body(), "erase-phone-message")).isEqualTo("The number '12' is not a valid phone number for US");
        assertThat(element(wrong.body(), "erase-form")).contains("value=\"12\"");
        TestClient.Answer empty = admin.post("/app/privacy/subject", Map.of("phone", " "));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(text(empty.body(), "subject-phone-message")).startsWith("The number is required");
        assertThat(audit("privacy.erase")).isEmpty();
        assertThat(audit("privacy.subject_access")).isEmpty();
        assertThat(callers()).doesNotContainNull();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void retentionChangedThroughTheFormIsAuditLoggedAndABadValueIsShownBesideItsField(Database.Kind kind) {
        start(kind);
        page();
        TestClient.Answer saved = admin.post("/app/privacy/retention", Map.of("caller_number_days", "30", "records_months", "13"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(saved.body()).contains("Saved.");
        assertThat(text(saved.body(), "retention-now")).contains("Full caller numbers 30 days (the default is 90 days)",
                "13 months (the default is 25 months)");
        JsonNode retention = server.api("GET", "/api/v1/privacy/retention", key, null).json();
        assertThat(retention.get("caller_number_days").asInt()).isEqualTo(30);
        assertThat(retention.get("records_months").asInt()).isEqualTo(13);
        JsonNode changed = audit("settings.change");
        assertThat(changed.get(0).get("actor").asText()).isEqualTo(WebUser.actor(server, ADMIN));
        assertThat(changed.get(0).get("target_type").asText()).isEqualTo("retention");
        assertThat(changed.get(0).get("details").toString()).contains("\"caller_number_days\":{\"from\":90,\"to\":30}");

        TestClient.Answer zero = admin.post("/app/privacy/retention", Map.of("caller_number_days", "0", "records_months", "13"));
        assertThat(zero.status()).isEqualTo(422);
        assertThat(text(zero.body(), "days-message")).isEqualTo("The number of days must be between 1 and 3650");
        assertThat(element(zero.body(), "retention-form")).contains("value=\"0\"");
        assertThat(zero.body()).doesNotContain("months-message", "Saved.");
        TestClient.Answer words = admin.post("/app/privacy/retention", Map.of("caller_number_days", "30", "records_months", "a year"));
        assertThat(words.status()).isEqualTo(422);
        assertThat(text(words.body(), "months-message")).isEqualTo("The number of months must be a whole number");
        assertThat(audit("settings.change").size()).isEqualTo(changed.size());

        // a month on, the daily purge takes the numbers past 30 days, and the page says so
        clock.advance(Duration.ofDays(31));
        new Purge(server.database().jdbi(), clock, new AuditLog(clock), false).run();
        WebUser again = new WebUser(server);
        assertThat(again.signIn(ADMIN, "password for " + ADMIN).status()).isEqualTo(302);
        String page = again.get("/app/privacy").body();
        assertThat(rows(page, "purges")).containsExactly(List.of("Thu 4 Jun 2026, 11:10", "3 full caller numbers"));
        assertThat(page).contains("<time datetime=\"2026-06-04T16:10:00Z\">");
        JsonNode purged = server.api("GET", "/api/v1/privacy/purges", key, null).json();
        assertThat(purged).hasSize(1);
        assertThat(purged.get(0).get("kind").asText()).isEqualTo("caller_numbers");
        assertThat(purged.get(0).get("removed").asInt()).isEqualTo(3);

        // the API shares the checks: a field left out stays, a bad one is refused
        JsonNode partly = server.api("PUT", "/api/v1/privacy/retention", key, "{\"records_months\":14}").json();
        assertThat(partly.get("caller_number_days").asInt()).isEqualTo(30);
        assertThat(partly.get("records_months").asInt()).isEqualTo(14);
        TestClient.Answer refused = server.api("PUT", "/api/v1/privacy/retention", key, "{\"caller_number_days\":0}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("field").asText()).isEqualTo("caller_number_days");
        assertThat(server.api("PUT", "/api/v1/privacy/retention", key, "{\"days\":3}").status()).isEqualTo(422);
        assertThat(audit("settings.change").get(0).get("actor").asText()).startsWith("api-key:");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void viewersMayNotAndAFormWithoutItsTokenChangesNothing(Database.Kind kind) {
        start(kind);
        WebUser viewer = WebUser.signedIn(server, "vic@example.com", server.demoAccountId(), Role.VIEWER);
        TestClient.Answer refused = viewer.get("/app/privacy");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("Erase caller");
        viewer.get("/app/calls"); // a page the viewer may see, for its form token
        assertThat(viewer.csrf()).isNotNull();
        assertThat(viewer.post("/app/privacy/erase", Map.of("phone", CALLER)).status()).isEqualTo(403);
        assertThat(viewer.post("/app/privacy/subject", Map.of("phone", CALLER)).status()).isEqualTo(403);
        assertThat(viewer.post("/app/privacy/retention", Map.of("caller_number_days", "1", "records_months", "1")).status())
                .isEqualTo(403);

        page();
        assertThat(admin.postRaw("/app/privacy/erase", Map.of("phone", CALLER)).status()).isEqualTo(403);
        assertThat(admin.postRaw("/app/privacy/retention", Map.of("caller_number_days", "1", "records_months", "1")).status())
                .isEqualTo(403);
        assertThat(admin.postRaw("/app/privacy/subject", Map.of("phone", CALLER)).status()).isEqualTo(403);
        assertThat(callers()).doesNotContainNull();
        assertThat(server.api("GET", "/api/v1/privacy/retention", key, null).json().get("caller_number_days").asInt()).isEqualTo(90);
        assertThat(audit("privacy.erase")).isEmpty();
        assertThat(audit("privacy.subject_access")).isEmpty();
        assertThat(audit("settings.change")).isEmpty();
    }
}
