package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The numbers page through the real server and the demo (a pool of five numbers with 30-minute idle timeout and
 * linger, whose fallback is the static number of "Google Ads"), on H2 and PostgreSQL: the pool's size, use and peak,
 * the warning once it has run out, and the tracking and target numbers; nothing of it in another account.
 */
class PoolPagesTest {
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
        clock = MutableClock.at("2026-05-04T15:00:00Z"); // Monday, 10:00 in Austin (America/Chicago)
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        traffic = new DemoTraffic(server, clock);
    }

    /** A visit from a Google Ads click (the demo's rule gives it a pool number); answers the number shown. */
    private String adVisit() {
        return traffic.visit("/demo/?gclid=" + UUID.randomUUID(), null).number();
    }

    private static String pool(TestClient.Answer page) {
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        String body = page.body();
        return body.substring(body.indexOf("<section class=\"panel pool\""), body.indexOf("<h2>Tracking numbers</h2>"));
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void thePoolShowsItsUseAndWarnsOnceItHasRunOut(Database.Kind kind) {
        start(kind);
        WebUser viewer = WebUser.signedIn(server, "vic@example.com", server.demoAccountId(), Role.VIEWER);

        String unused = pool(viewer.get("/app/numbers"));
        assertThat(unused).contains("Google Ads visitors", "No visitor was given a number from this pool in this period.",
                "Numbers in the pool</div><div class=\"value\">5</div>", "Peak use</div><div class=\"value\">0 of 5</div>",
                "30 min after the visitor&#39;s last activity, then kept 30 min for call backs", "show the fallback number",
                "+1 512-555-0109");

        for (int i = 0; i < 3; i++) {
            assertThat(adVisit()).startsWith("+1512555010").isNotEqualTo("+15125550109");
        }
        String busy = pool(viewer.get("/app/numbers"));
        assertThat(busy).contains("class=\"notice pool-advice\"",
                "Big enough: at the busiest moment 3 of 5 numbers were in use, and every visitor got a number of their own.",
                "In use now</div><div class=\"value\">3</div>", "3 with a visitor, 0 kept for call backs",
                "Peak use</div><div class=\"value\">3 of 5</div>", "first at Mon 4 May 2026, 10:00");

        clock.advance(Duration.ofMinutes(5));
        adVisit();
        String nearlyFull = pool(viewer.get("/app/numbers"));
        assertThat(nearlyFull).contains("class=\"warning pool-advice\"", "At the busiest moment 4 of 5 numbers were in use.");

        clock.advance(Duration.ofMinutes(5));
        adVisit();
        assertThat(adVisit()).as("the sixth visitor gets the fallback").isEqualTo("+15125550109");
        String exhausted = pool(viewer.get("/app/numbers"));
        // 6 visitors in the hour, each keeping a number for 60 min: 6 busy on average, 12 at the 99th percentile
        assertThat(exhausted).contains("class=\"warning pool-advice\"",
                "At busy times every number was in use: 17% of visitors (1 of 6) saw the fallback number, whose calls can "
                        + "only be attributed to the source (Google Ads). Add about 7 numbers.",
                "Times it ran out</div><div class=\"value\">1</div>",
                "Visitors shown the fallback</div><div class=\"value\">17%</div>", "1 of 6 visitors",
                "Peak use</div><div class=\"value\">5 of 5</div>", "first at Mon 4 May 2026, 10:10");

        // two hours on, every lease has ended: nothing in use now, but the period remembers
        clock.advance(Duration.ofHours(2));
        String later = pool(viewer.get("/app/numbers?days=1"));
        assertThat(later).contains("In use now</div><div class=\"value\">0</div>", "Peak use</div><div class=\"value\">5 of 5</div>",
                "Add about 7 numbers.");
        assertThat(viewer.get("/app/numbers?days=1").body()).contains("<option value=\"1\" selected>Last 24 hours</option>");
        clock.advance(Duration.ofDays(2));
        viewer = new WebUser(server); // the dashboard session has ended meanwhile
        assertThat(viewer.signIn("vic@example.com", "password for vic@example.com").status()).isEqualTo(302);
        assertThat(pool(viewer.get("/app/numbers?days=1"))).contains("No visitor was given a number");
        assertThat(pool(viewer.get("/app/numbers"))).contains("Add about 7 numbers.");
        assertThat(viewer.get("/app/numbers?days=5").status()).isEqualTo(400);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theNumbersAndWhereTheyForwardAreListedForTheirAccountOnly(Database.Kind kind) {
        start(kind);
        WebUser viewer = WebUser.signedIn(server, "vic@example.com", server.demoAccountId(), Role.VIEWER);
        TestClient.Answer page = viewer.get("/app/numbers");
        String body = page.body();
        String numbers = body.substring(body.indexOf("<table class=\"tracking-numbers\">"), body.indexOf("<h2>Your own numbers</h2>"));
        assertThat(numbers).contains("+1 512-555-0101", "Google Ads pool 1", "Pool: Google Ads visitors", "+1 512-555-0110",
                "Yelp listing", "Source: Yelp listing", "Source: Google Ads", "Twilio", "+1 512-555-0100", "Off")
                .doesNotContain("badge warn\">On");
        assertThat(body.substring(body.indexOf("<h2>Your own numbers</h2>"))).contains("+1 512-555-0100", "Main line");
        assertThat(body).contains("an owner or admin of the account can change them").doesNotContain("href=\"/app/setup\"")
                .doesNotContain("<form method=\"post\" action=\"/app/numbers");

        WebUser admin = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.ADMIN);
        assertThat(admin.get("/app/numbers").body()).contains("<a href=\"/app/setup\">set-up pages</a>");

        WebUser other = WebUser.signedIn(server, "bo@example.com", server.ownerAccountId(), Role.OWNER);
        TestClient.Answer elsewhere = other.get("/app/numbers");
        assertThat(elsewhere.status()).isEqualTo(200);
        assertThat(elsewhere.body()).contains("There is no pool yet", "No tracking numbers yet")
                .doesNotContain("Google Ads").doesNotContain("+1 512-555-01");
    }
}
