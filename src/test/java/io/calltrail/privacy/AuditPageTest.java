package io.calltrail.privacy;

import static io.calltrail.testing.HtmlText.element;
import static io.calltrail.testing.HtmlText.href;
import static io.calltrail.testing.HtmlText.rows;
import static io.calltrail.testing.HtmlText.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Account;
import io.calltrail.account.Role;
import io.calltrail.account.UserStore;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit log page, on H2 and PostgreSQL: owners read what was changed through the API and through the dashboard's
 * forms, newest first, filter it and page through it; admins and viewers may not; no page changes an entry.
 */
class AuditPageTest {
    private static final String OWNER = "olga@example.com";
    private static final String NEW_PASSWORD = "a long new password 2026";

    private TestServer server;
    private MutableClock clock;
    private WebUser owner;
    private long ownerId;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        owner = WebUser.signedIn(server, OWNER, server.demoAccountId(), Role.OWNER);
        ownerId = server.database().jdbi().withHandle(handle -> new UserStore(server.database().jdbi()).byEmail(handle, OWNER))
                .orElseThrow().id();
    }

    /** Monday 15:00 UTC: the property renamed through the API; Tuesday 01:00: the owner's password changed in the dashboard. */
    private void twoChanges() {
        TestClient.Answer renamed = server.api("PATCH", "/api/v1/properties/1", server.demoKey(), "{\"name\":\"Hill Country\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        clock.advance(Duration.ofHours(10)); // a new day in UTC, within the session's idle time
        owner.get("/app/password");
        TestClient.Answer changed = owner.post("/app/password", Map.of("current", "password for " + OWNER,
                "password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }

    private String page(String path) {
        TestClient.Answer answer = owner.get(path);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }

    private long entries() {
        return server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM audit_event")
                .mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void ownersSeeChangesMadeThroughTheApiAndTheDashboardNewestFirst(Database.Kind kind) {
        start(kind);
        twoChanges();

        String log = page("/app/audit");
        assertThat(text(element(log, "audit").replaceAll("(?s)<tbody>.*", "")))
                .isEqualTo("Time (UTC) Who Role Address Action Target Details");
        List<List<String>> rows = rows(log, "audit");
        assertThat(rows.get(0)).containsExactly("2026-05-05 01:00:00", "user:" + ownerId + " (" + OWNER + ")", "owner",
                "127.0.0.1", "user.password_change", "user " + ownerId, "–");
        assertThat(rows.get(1).get(0)).isEqualTo("2026-05-04 15:00:00");
        assertThat(rows.get(1).get(1)).startsWith("api-key:").endsWith(" (demo key)");
        assertThat(rows.get(1).subList(2, 7)).containsExactly("owner", "127.0.0.1", "settings.change", "property 1",
                "operation: update name: Hill Country Plumbing (demo) → Hill Country");
        assertThat(log).contains("<time datetime=\"2026-05-05T01:00:00Z\">2026-05-05 01:00:00</time>");
        assertThat(log).contains("<option value=\"settings.change\">settings.change</option>",
                "<option value=\"user.password_change\">user.password_change</option>", "<option value=\"user:" + ownerId + " (" + OWNER + ")\">");
        assertThat(text(element(log, "audit"))).doesNotContain(NEW_PASSWORD, "password for");

        // a form post without its CSRF token changes nothing and records nothing
        long before = entries();
        assertThat(owner.postRaw("/app/password", Map.of("current", NEW_PASSWORD, "password", "yet another password 1",
                "confirm", "yet another password 1")).status()).isEqualTo(403);
        assertThat(entries()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void filtersByActionActorAndDaysAndPagesBackThroughOlderEntries(Database.Kind kind) {
        start(kind);
        twoChanges();
        String me = "user:" + ownerId;

        assertThat(actions(page("/app/audit?action=user.password_change"))).containsExactly("user.password_change");
        assertThat(page("/app/audit?action=user.password_change")).contains("<option value=\"user.password_change\" selected>");
        assertThat(actions(page("/app/audit?action=settings.change"))).containsExactly("settings.change");
        assertThat(actions(page("/app/audit?actor=" + me))).containsExactly("user.password_change");
        assertThat(actions(page("/app/audit?from=2026-05-05"))).containsExactly("user.password_change");
        assertThat(actions(page("/app/audit?from=2026-05-04&to=2026-05-05"))).containsExactly("settings.change");
        assertThat(actions(page("/app/audit?action=settings.change&actor=" + me))).isEmpty();
        assertThat(text(page("/app/audit?action=settings.change&actor=" + me))).contains("No entries match these filters.");
        assertThat(href(page("/app/audit?action=settings.change"), "Clear")).isEqualTo("/app/audit");
        assertThat(owner.get("/app/audit?from=yesterday").status()).isEqualTo(400);
        assertThat(owner.get("/app/audit?limit=0").status()).isEqualTo(400);

        String newest = page("/app/audit?from=2026-05-04&limit=1");
        assertThat(actions(newest)).containsExactly("user.password_change");
        assertThat(newest).doesNotContain("Newest entries");
        String older = page(href(newest, "Older entries"));
        assertThat(href(newest, "Older entries")).startsWith("/app/audit?from=2026-05-04&limit=1&before=");
        assertThat(actions(older)).containsExactly("settings.change");
        assertThat(older).doesNotContain("Older entries");
        assertThat(href(older, "← Newest entries")).isEqualTo("/app/audit?from=2026-05-04&limit=1");
    }

    private static List<String> actions(String page) {
        if (!page.contains("id=\"audit\"")) {
            return List.of();
        }
        return rows(page, "audit").stream().map(cells -> cells.get(4)).toList();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void onlyOwnersReadTheLogOnlyTheirAccountsAndNothingChangesIt(Database.Kind kind) {
        start(kind);
        twoChanges();
        for (Role role : List.of(Role.ADMIN, Role.VIEWER)) {
            WebUser user = WebUser.signedIn(server, role + "@example.com", server.demoAccountId(), role);
            TestClient.Answer answer = user.get("/app/audit");
            assertThat(answer.status()).as(role.toString()).isEqualTo(403);
            assertThat(answer.body()).doesNotContain("settings.change", "user.password_change");
            assertThat(user.get("/app").body()).doesNotContain("href=\"/app/audit\"");
        }
        assertThat(page("/app")).contains("href=\"/app/audit\"");

        Account other = new Fixtures(server.database()).account("Other business");
        WebUser stranger = WebUser.signedIn(server, "sam@example.com", other.id(), Role.OWNER);
        TestClient.Answer theirs = stranger.get("/app/audit");
        assertThat(theirs.status()).isEqualTo(200);
        assertThat(text(theirs.body())).contains("Nothing has been recorded yet.").doesNotContain("settings.change", OWNER);
        assertThat(text(stranger.get("/app/audit?actor=user:" + ownerId).body())).contains("No entries match these filters.");

        long before = entries();
        owner.get("/app/audit");
        assertThat(owner.post("/app/audit", Map.of("action", "settings.change")).status()).isEqualTo(405);
        assertThat(owner.post("/app/audit/1", Map.of()).status()).isEqualTo(404);
        assertThat(entries()).isEqualTo(before);
    }
}
