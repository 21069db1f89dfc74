package io.calltrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.AccountStore;
import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dashboard sign-in: one-time links, passwords, cookies, CSRF, throttling, sign-out and switching accounts. */
class SignInTest {
    private final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private long newAccount(String name) {
        AccountStore accounts = new AccountStore(server.database().jdbi());
        return server.database().jdbi().inTransaction(handle -> accounts.insertAccount(handle, name, false, Instant.now()).id());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theFirstStartLinkSetsTheOwnersPasswordOnceAndSignsIn(Database.Kind kind) {
        server = TestServer.start(kind, clock, Map.of("admin.email", "Boss@Example.com"));
        String link = server.server().signInPath().orElseThrow();
        WebUser browser = new WebUser(server);

        TestClient.Answer page = browser.get(link);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("boss@example.com").contains("Choose");
        TestClient.Answer weak = browser.post(link, Map.of("password", "short", "confirm", "short"));
        assertThat(weak.status()).isEqualTo(422);
        assertThat(weak.body()).contains("at least 10 characters");

        TestClient.Answer chosen = browser.post(link, Map.of("password", "a long enough secret", "confirm", "a long enough secret"));
        assertThat(chosen.status()).as(chosen.body()).isEqualTo(302);
        assertThat(chosen.header("Location")).isEqualTo("/app");
        String cookie = chosen.headers().get("set-cookie").stream().filter(value -> value.startsWith("calltrail_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
        TestClient.Answer overview = browser.get("/app");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("Overview").contains("Sign out");

        assertThat(new WebUser(server).get(link).status()).as("a used link works no more").isEqualTo(404);
        assertThat(new WebUser(server).signIn("boss@example.com", "a long enough secret").status()).isEqualTo(302);
        assertThat(server.server().signInPath()).isPresent(); // printed at this start; the next start prints none
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void wrongPasswordsAreRefusedAndThrottledPerEmail(Database.Kind kind) {
        server = TestServer.start(kind, clock, Map.of());
        WebUser.create(server, "ana@example.com", "the right password", server.ownerAccountId(), Role.ADMIN, false);
        WebUser browser = new WebUser(server);
        TestClient.Answer unknown = browser.signIn("nobody@example.com", "the right password");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).contains("do not match");
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(browser.signIn("ana@example.com", "wrong password " + attempt).status()).isEqualTo(401);
        }
        TestClient.Answer throttled = browser.signIn("ANA@example.com", "the right password");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).contains("Too many failed attempts").contains("15 minutes");

        clock.advance(Duration.ofMinutes(15));
        assertThat(browser.signIn("ana@example.com", "the right password").status()).isEqualTo(302);
    }

    @Test
    void formsWithoutTheirCsrfTokenAreRefused() {
        server = TestServer.start(Database.Kind.H2, clock, Map.of());
        WebUser.create(server, "ana@example.com", "the right password", server.ownerAccountId(), Role.OWNER, false);
        WebUser browser = new WebUser(server);
        browser.get("/sign-in");
        assertThat(browser.postRaw("/sign-in", Map.of("email", "ana@example.com", "password", "the right password")).status())
                .as("sign-in form without the token of its cookie").isEqualTo(403);
        assertThat(browser.signIn("ana@example.com", "the right password").status()).isEqualTo(302);
        browser.get("/app/password");

        TestClient.Answer missing = browser.postRaw("/app/password", Map.of("current", "the right password",
                "password", "another good password", "confirm", "another good password"));
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.body()).contains("did not come from Calltrail");
        assertThat(browser.postRaw("/app/password", Map.of("_csrf", "forged", "current", "the right password",
                "password", "another good password", "confirm", "another good password")).status()).isEqualTo(403);
        assertThat(new WebUser(server).signIn("ana@example.com", "the right password").status())
                .as("the password did not change").isEqualTo(302);
    }

    @Test
    void signedOutVisitorsAreSentToSignInAndNeverToAnotherSite() {
        server = TestServer.start(Database.Kind.H2, clock, Map.of());
        WebUser browser = new WebUser(server);
        TestClient.Answer page = browser.get("/app/calls?status=answered");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).isEqualTo("/sign-in?next=%2Fapp%2Fcalls%3Fstatus%3Danswered");
        assertThat(browser.get("/").header("Location")).isEqualTo("/app");
        assertThat(browser.postRaw("/app/password", Map.of()).status()).isEqualTo(401);

        WebUser.create(server, "ana@example.com", "the right password", server.ownerAccountId(), Role.VIEWER, false);
        browser.get("/sign-in");
        TestClient.Answer signedIn = browser.post("/sign-in", Map.of("email", "ana@example.com", "password", "the right password",
                "next", "/app/calls?status=answered"));
        assertThat(signedIn.header("Location")).isEqualTo("/app/calls?status=answered");
        WebUser other = new WebUser(server);
        other.get("/sign-in");
        assertThat(other.post("/sign-in", Map.of("email", "ana@example.com", "password", "the right password",
                "next", "https://evil.example/app")).header("Location")).isEqualTo("/app");
        assertThat(other.get("/app").body()).doesNotContain("Set-up").doesNotContain("Audit log");
        TestClient.Answer missing = other.get("/app/no-such-page");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("<h1>Not found</h1>").contains("Sign out");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anAgencyUserSwitchesBetweenItsAccountsOnly(Database.Kind kind) {
        server = TestServer.start(kind, clock, Map.of());
        long first = newAccount("Alpha Plumbing");
        long second = newAccount("Bravo Dental");
        long stranger = newAccount("Charlie Roofing");
        WebUser.create(server, "agency@example.com", "agency password", first, Role.ADMIN, false);
        WebUser.create(server, "agency@example.com", "agency password", second, Role.VIEWER, false);
        WebUser agency = new WebUser(server);
        assertThat(agency.signIn("agency@example.com", "agency password").status()).isEqualTo(302);
        String page = agency.get("/app").body();
        assertThat(page).contains("Alpha Plumbing").contains("Bravo Dental").doesNotContain("Charlie Roofing");
        assertThat(page).contains("<option value=\"" + first + "\" selected>");

        assertThat(agency.post("/app/switch-account", Map.of("account", Long.toString(second))).status()).isEqualTo(302);
        assertThat(agency.get("/app").body()).contains("<option value=\"" + second + "\" selected>").doesNotContain("Set-up");
        assertThat(agency.post("/app/switch-account", Map.of("account", Long.toString(stranger))).status()).isEqualTo(404);
        assertThat(agency.post("/app/switch-account", Map.of("account", "nonsense")).status()).isEqualTo(404);

        // leaving an account ends the sessions looking at it
        server.database().jdbi().useHandle(handle -> new io.calltrail.account.UserStore(server.database().jdbi())
                .removeMembership(handle, userId("agency@example.com"), second));
        assertThat(agency.get("/app").status()).isEqualTo(302);
    }

    @Test
    void signingOutEndsTheSessionAndAPasswordChangeEndsTheOthers() {
        server = TestServer.start(Database.Kind.H2, clock, Map.of());
        WebUser.create(server, "ana@example.com", "the right password", server.ownerAccountId(), Role.OWNER, false);
        WebUser laptop = new WebUser(server);
        WebUser phone = new WebUser(server);
        assertThat(laptop.signIn("ana@example.com", "the right password").status()).isEqualTo(302);
        assertThat(phone.signIn("ana@example.com", "the right password").status()).isEqualTo(302);

        laptop.get("/app/password");
        TestClient.Answer wrong = laptop.post("/app/password", Map.of("current", "not it at all",
                "password", "a brand new password", "confirm", "a brand new password"));
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.body()).contains("current password is not right");
        TestClient.Answer changed = laptop.post("/app/password", Map.of("current", "the right password",
                "password", "a brand new password", "confirm", "a brand new password"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body()).contains("Password changed");
        assertThat(phone.get("/app").status()).as("the other browser is signed out").isEqualTo(302);
        assertThat(laptop.get("/app").status()).isEqualTo(200);

        laptop.post("/app/sign-out", Map.of());
        assertThat(laptop.get("/app").status()).isEqualTo(302);
        assertThat(new WebUser(server).signIn("ana@example.com", "a brand new password").status()).isEqualTo(302);
    }

    @Test
    void sessionsEndAfterTwelveIdleHours() {
        server = TestServer.start(Database.Kind.H2, clock, Map.of());
        WebUser browser = WebUser.signedIn(server, "ana@example.com", server.ownerAccountId(), Role.OWNER);
        clock.advance(Duration.ofHours(11));
        assertThat(browser.get("/app").status()).isEqualTo(200);
        clock.advance(Duration.ofHours(11));
        assertThat(browser.get("/app").status()).as("active within 12 hours").isEqualTo(200);
        clock.advance(Duration.ofHours(12).plusMinutes(1));
        assertThat(browser.get("/app").status()).isEqualTo(302);
    }

    @Test
    void cookiesAreSecureWhenCalltrailIsServedOverHttps() {
        server = TestServer.start(Database.Kind.H2, clock, Map.of("publicUrl", "https://calls.example.com"));
        TestClient.Answer page = new WebUser(server).get("/sign-in");
        assertThat(page.headers().get("set-cookie")).anyMatch(value -> value.startsWith("calltrail_form=")
                && value.contains("Secure") && value.contains("HttpOnly") && value.contains("SameSite=Lax"));
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
    }

    private long userId(String email) {
        return server.database().jdbi().withHandle(handle -> new io.calltrail.account.UserStore(server.database().jdbi())
                .byEmail(handle, email).orElseThrow().id());
    }
}
