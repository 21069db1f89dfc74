package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The calls pages through the real server and the demo property, on H2 and PostgreSQL: a visit from a Google Ads
 * click views a page, clicks the phone number and calls the number it was leased (a conversion, then a CRM outcome);
 * someone else calls the Yelp listing's number and nobody answers. The list shows both with masked callers, its
 * filters narrow it, the call page tells the journey, and only users allowed to reveal a number can, audit-logged.
 */
class CallPagesTest {
    private static final String CALLER = "+15125550199";
    private static final String MASKED = "+1 512-***-**99";
    private static final String LANDING = "/demo/?gclid=ad-click-7&utm_source=google&utm_medium=cpc&utm_campaign=spring-sale"
            + "&utm_term=burst%20pipe";

    private TestServer server;
    private MutableClock clock;
    private String key;
    private String origin;
    private DemoTraffic traffic;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z"); // Monday, 10:00 in Austin (America/Chicago)
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        key = server.demoKey();
        traffic = new DemoTraffic(server, clock);
        origin = traffic.origin();
    }

    /** The journey: returns the id of the ad visitor's call. */
    private long adVisitCallsAndYelpCallerIsMissed() {
        DemoTraffic.Visit visit = traffic.visit(LANDING, "https://www.google.com/");
        clock.advance(Duration.ofSeconds(30));
        traffic.pageView(visit, "/demo/prices");
        clock.advance(Duration.ofSeconds(30));
        traffic.telClick(visit, "/demo/prices");
        clock.advance(Duration.ofSeconds(20));
        traffic.call(visit.number(), CALLER, 75, true);
        clock.advance(Duration.ofMinutes(5));
        traffic.call(DemoTraffic.YELP_NUMBER, "+15125550177", 0, false);
        JsonNode calls = server.api("GET", "/api/v1/calls?attribution=lease", key, null).json();
        assertThat(calls).hasSize(1);
        long call = calls.get(0).get("id").asLong();
        TestClient.Answer outcome = server.api("POST", "/api/v1/outcomes", key, "{\"outcomes\":[{\"external_id\":\"crm-41\","
                + "\"call_id\":" + call + ",\"status\":\"won\",\"value\":\"480.00\",\"currency\":\"USD\","
                + "\"occurred_at\":\"2026-05-05T14:00:00Z\"}]}");
        assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
        return call;
    }

    /** The list's rows, without the filter form (whose source menu names every source). */
    private static String rows(TestClient.Answer page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        String body = page.body();
        int start = body.indexOf("<tbody>");
        return start < 0 ? "" : body.substring(start, body.indexOf("</tbody>"));
    }

    private JsonNode audit() {
        TestClient.Answer answer = server.api("GET", "/api/v1/audit?action=caller.reveal", key, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theListShowsCallsWithTheirSourceMaskedAndItsFiltersNarrowIt(Database.Kind kind) {
        start(kind);
        long call = adVisitCallsAndYelpCallerIsMissed();
        WebUser ana = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.VIEWER);

        TestClient.Answer list = ana.get("/app/calls");
        String all = rows(list);
        assertThat(all).contains("href=\"/app/calls/" + call + "\"", "Mon 4 May 2026, 10:01", MASKED, "+1 512-555-0110",
                "google", "spring-sale", "1 min 15 s", "Answered", "Phone call (60 s) · USD 480.00", "High · ",
                "Yelp listing", "+1 512-***-**77", "Missed");
        assertThat(all.indexOf("Yelp listing")).as("newest first").isLessThan(all.indexOf("spring-sale"));
        assertThat(list.body()).doesNotContain("5125550199").doesNotContain("512-555-0199")
                .doesNotContain("5125550177").doesNotContain("512-555-0177");

        assertThat(rows(ana.get("/app/calls?source=google"))).contains("spring-sale").doesNotContain("Yelp listing");
        assertThat(rows(ana.get("/app/calls?source=Yelp+listing"))).contains("Yelp listing").doesNotContain("spring-sale");
        assertThat(rows(ana.get("/app/calls?status=missed"))).contains("Yelp listing").doesNotContain("spring-sale");
        assertThat(rows(ana.get("/app/calls?status=answered"))).contains("spring-sale").doesNotContain("Yelp listing");
        assertThat(rows(ana.get("/app/calls?converted=yes"))).contains("spring-sale").doesNotContain("Yelp listing");
        assertThat(rows(ana.get("/app/calls?converted=no"))).contains("Yelp listing").doesNotContain("spring-sale");
        assertThat(rows(ana.get("/app/calls?attribution=attributed&from=2026-05-04&to=2026-05-04&property=1")))
                .contains("spring-sale", "Yelp listing");
        TestClient.Answer none = ana.get("/app/calls?attribution=none");
        assertThat(rows(none)).isEmpty();
        assertThat(none.body()).contains("No calls match these filters");
        assertThat(rows(ana.get("/app/calls?from=2026-05-05"))).isEmpty();
        assertThat(rows(ana.get("/app/calls?to=2026-05-03"))).isEmpty();
        assertThat(ana.get("/app/calls?status=whatever").status()).isEqualTo(400);

        // the API's source filter names sources as the list does
        assertThat(server.api("GET", "/api/v1/calls?source=GOOGLE", key, null).json()).hasSize(1);
        assertThat(server.api("GET", "/api/v1/calls?source=yelp%20listing", key, null).json()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theListPagesFiftyCallsAtATimeAndSaysSoWhenThereAreNone(Database.Kind kind) {
        start(kind);
        WebUser ana = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.VIEWER);
        TestClient.Answer empty = ana.get("/app/calls");
        assertThat(empty.body()).contains("No calls yet").doesNotContain("<tbody>");

        for (int i = 0; i < CallPages.PAGE_SIZE + 2; i++) {
            clock.advance(Duration.ofMinutes(1));
            traffic.call(DemoTraffic.YELP_NUMBER, String.format("+151255502%02d", i), 5, true);
        }
        TestClient.Answer first = ana.get("/app/calls?source=Yelp+listing");
        assertThat(count(rows(first), "<tr>")).isEqualTo(CallPages.PAGE_SIZE);
        assertThat(rows(first)).contains("+1 512-***-**51").doesNotContain("+1 512-***-**01");
        String older = first.body().replaceAll("(?s).*href=\"(/app/calls\\?[^\"]*older=[0-9]+)\".*", "$1").replace("&amp;", "&");
        assertThat(older).startsWith("/app/calls?source=Yelp+listing&older=");
        TestClient.Answer second = ana.get(older);
        assertThat(count(rows(second), "<tr>")).isEqualTo(2);
        assertThat(rows(second)).contains("+1 512-***-**01", "+1 512-***-**00");
        assertThat(second.body()).contains("Newest calls").doesNotContain("Older calls");
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theCallPageTellsTheJourneyAndAnotherAccountCannotSeeIt(Database.Kind kind) {
        start(kind);
        long call = adVisitCallsAndYelpCallerIsMissed();
        WebUser ana = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.VIEWER);

        TestClient.Answer page = ana.get("/app/calls/" + call);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body())
                // the facts
                .contains("Call on <time datetime=\"2026-05-04T15:01:20Z\">Mon 4 May 2026, 10:01</time>", MASKED,
                        "First-time caller", "+1 512-555-0100", "talked 1 min 15 s", "Answered")
                // the attribution and why
                .contains("Why this call counts for google", "Visitor session (pool number)", "High · ",
                        "This number was leased to one visitor session from 10:00 to ",
                        "The call came at 10:01, while that visitor had it.",
                        "The visitor clicked the phone number at 10:01, just before the call.")
                // the visit
                .contains(origin + LANDING.replace("&", "&amp;"), "https://www.google.com/", "ad-click-7", "Google Ads click (gclid)",
                        "spring-sale", "burst pipe", "cpc")
                // the journey, in order
                .contains("Visit began on ", "Viewed " + origin + "/demo/prices", "Clicked the phone number", "Call ended")
                // conversions and outcomes
                .contains("Phone call (60 s)", "worth USD 480.00", "From your CRM", "CRM outcome: won", "crm-41")
                .doesNotContain("5125550199").doesNotContain("512-555-0199")
                .doesNotContain("Reveal number"); // a viewer may not reveal
        String body = page.body();
        assertThat(body.indexOf("Visit began on")).isLessThan(body.indexOf("Viewed " + origin + "/demo/prices"));
        assertThat(body.indexOf("Viewed " + origin + "/demo/prices")).isLessThan(body.indexOf("Clicked the phone number"));
        assertThat(body.indexOf("Clicked the phone number")).isLessThan(body.indexOf("Call ended"));

        TestClient.Answer yelp = ana.get("/app/calls/" + (call + 1));
        assertThat(yelp.body()).contains("Why this call counts for Yelp listing", "Source&#39;s own number",
                "is a fixed number shown only for “Yelp listing”", "Missed", "No visit is tied to this call");

        // a user of another account: this call is not found, on the page and through reveal
        WebUser bo = WebUser.signedIn(server, "bo@example.com", server.ownerAccountId(), Role.OWNER);
        TestClient.Answer other = bo.get("/app/calls/" + call);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.body()).contains("Not found").doesNotContain("spring-sale").doesNotContain(MASKED);
        bo.get("/app/calls");
        assertThat(bo.post("/app/calls/" + call + "/reveal", Map.of()).status()).isEqualTo(404);
        assertThat(rows(bo.get("/app/calls"))).isEmpty();
        assertThat(ana.get("/app/calls/999999").status()).isEqualTo(404);
        assertThat(ana.get("/app/calls/not-a-call").status()).isEqualTo(404);
        assertThat(audit()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void revealingANumberTakesThePermissionAndTheFormsTokenAndIsAuditLogged(Database.Kind kind) {
        start(kind);
        long call = adVisitCallsAndYelpCallerIsMissed();
        String path = "/app/calls/" + call + "/reveal";

        WebUser viewer = WebUser.signedIn(server, "vic@example.com", server.demoAccountId(), Role.VIEWER);
        viewer.get("/app/calls/" + call);
        TestClient.Answer refused = viewer.post(path, Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Not allowed").doesNotContain("512-555-0199");
        WebUser.create(server, "adam@example.com", "password for adam", server.demoAccountId(), Role.ADMIN, false);
        WebUser admin = new WebUser(server);
        assertThat(admin.signIn("adam@example.com", "password for adam").status()).isEqualTo(302);
        assertThat(admin.get("/app/calls/" + call).body()).doesNotContain("Reveal number");
        assertThat(admin.post(path, Map.of()).status()).isEqualTo(403);

        WebUser owner = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.OWNER); // owners here may reveal
        TestClient.Answer page = owner.get("/app/calls/" + call);
        assertThat(page.body()).contains("Reveal number", "action=\"" + path + "\"").doesNotContain("512-555-0199");
        assertThat(owner.postRaw(path, Map.of()).status()).as("no CSRF token").isEqualTo(403);
        assertThat(owner.postRaw(path, Map.of("_csrf", "forged")).status()).isEqualTo(403);
        assertThat(audit()).isEmpty();

        TestClient.Answer revealed = owner.post(path, Map.of());
        assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
        assertThat(revealed.body()).contains("+1 512-555-0199", "this reveal is in the audit log", "spring-sale")
                .doesNotContain("Reveal number");
        assertThat(revealed.header("Cache-Control")).isEqualTo("no-store");
        JsonNode entries = audit();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("actor").asText()).isEqualTo(WebUser.actor(server, "ana@example.com"));
        assertThat(entries.get(0).get("actor_role").asText()).isEqualTo("owner");
        assertThat(entries.get(0).get("target_type").asText()).isEqualTo("call");
        assertThat(entries.get(0).get("target_id").asText()).isEqualTo(Long.toString(call));
        assertThat(entries.get(0).get("details").get("caller_masked").asText()).isEqualTo(MASKED);

        // shown once: the page and the list are masked again
        assertThat(owner.get("/app/calls/" + call).body()).doesNotContain("512-555-0199").contains(MASKED);
        assertThat(owner.get("/app/calls").body()).doesNotContain("512-555-0199");

        // a number no longer stored cannot be revealed, and nothing is logged
        server.database().jdbi().useHandle(handle -> handle.createUpdate("UPDATE phone_call SET caller_sealed = NULL WHERE id = :id")
                .bind("id", call).execute());
        assertThat(owner.get("/app/calls/" + call).body()).doesNotContain("Reveal number");
        TestClient.Answer gone = owner.post(path, Map.of());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("caller number not stored");
        assertThat(audit()).hasSize(1);
    }
}
