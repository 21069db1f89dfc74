package io.calltrail.snippet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.store.Database;
import io.calltrail.testing.Browser;
import io.calltrail.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The demo page in real headless Chromium: swapping, click events, consent and content added later. */
class SnippetBrowserTest {
    private static final String TARGET = "+15125550100";
    private static TestServer server;

    /** A server per test: the demo pool has five numbers, and each test's visitors hold theirs for 30 minutes. */
    @BeforeEach
    void start() {
        server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true", "tracking.rateLimitPerMinute", "0"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String demo(String query) {
        return server.client().uri("/demo/" + query).toString();
    }

    /** Opens the page and waits until the snippet has applied its numbers. */
    private static String openSwapped(Browser browser, String url) {
        browser.driver().get(url);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                browser.js("return window.calltrail && window.calltrail.number && window.calltrail.number(arguments[0])", TARGET) != null);
        return (String) browser.js("return calltrail.number(arguments[0])", TARGET);
    }

    private static String text(Browser browser, String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private static String href(Browser browser, String id) {
        return browser.driver().findElement(By.id(id)).getAttribute("href");
    }

    @Test
    void demoPageSwapsEveryFormatAndLeavesEverythingElseAlone() {
        try (Browser browser = Browser.start()) {
            String tracking = openSwapped(browser, demo("?gclid=browser-1"));
            assertThat(tracking).matches("\\+1512555010[1-5]");
            String last4 = tracking.substring(8);
            assertThat(text(browser, "header-phone")).isEqualTo("(512) 555-" + last4);
            assertThat(text(browser, "body-phone")).isEqualTo("512-555-" + last4);
            assertThat(text(browser, "cta-phone")).isEqualTo("Call now: 512.555." + last4);
            assertThat(text(browser, "intl-phone")).isEqualTo("+1 512 555 " + last4);
            assertThat(text(browser, "split-phone")).isEqualTo("(512) 555-" + last4);
            assertThat(text(browser, "footer-phone")).isEqualTo("1-512-555-" + last4);
            assertThat(href(browser, "header-phone")).isEqualTo("tel:" + tracking);
            assertThat(href(browser, "body-phone")).isEqualTo("tel:512-555-" + last4);
            assertThat(href(browser, "cta-phone")).isEqualTo("tel:+1%20512%20555%20" + last4);
            assertThat(href(browser, "footer-phone")).isEqualTo("tel:1512555" + last4);
            // not targets, or not tel: links: untouched
            assertThat(text(browser, "fax")).isEqualTo("(512) 555-0188");
            assertThat(text(browser, "sms")).isEqualTo("(512) 555-0100");
            assertThat(href(browser, "sms")).isEqualTo("sms:+15125550100");
            assertThat((String) browser.js("return document.querySelector('script[type=\"application/ld+json\"]').textContent"))
                    .contains("+1-512-555-0100");
            assertThat((String) browser.js("return document.querySelector('meta[name=description]').content")).contains("(512) 555-0100");
            assertThat(browser.driver().getTitle()).doesNotContain(last4);
        }
    }

    @Test
    void organicVisitKeepsTheBusinessNumberAndYelpGetsItsStaticNumber() {
        try (Browser browser = Browser.start()) {
            assertThat(openSwapped(browser, demo("?utm_source=yelp&consent=granted"))).isEqualTo("+15125550110");
            assertThat(text(browser, "header-phone")).isEqualTo("(512) 555-0110");
        }
        try (Browser browser = Browser.start()) {
            browser.driver().get(demo(""));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                    browser.js("return window.calltrail && window.calltrail.loaded") != null);
            browser.js("window.seen = null; calltrail.on('number', function (n) { window.seen = n; })");
            assertThat(text(browser, "header-phone")).isEqualTo("(512) 555-0100");
            assertThat(browser.js("return calltrail.number(arguments[0])", TARGET)).isNull();
        }
    }

    @Test
    void telClickIsStoredOnceAsATelClickWithTheSessionsSource() {
        try (Browser browser = Browser.start()) {
            String tracking = openSwapped(browser, demo("?gclid=click-test&consent=granted"));
            browser.js("document.getElementById('header-phone').addEventListener('click', function (e) { e.preventDefault(); })");
            browser.driver().findElement(By.id("header-phone")).click();
            browser.driver().findElement(By.id("book")).click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver -> events("cta_click") == 1);
            assertThat(server.server().awaitEventsLoaded(Duration.ofSeconds(10))).isTrue();
            List<Map<String, Object>> clicks = server.database().jdbi().withHandle(handle -> handle.createQuery("""
                    SELECT e.id, e.number_clicked, s.gclid, e.url FROM tracking_event e JOIN visit_session s ON s.id = e.session_id
                     WHERE e.type = 'tel_click'""").mapToMap().list());
            assertThat(clicks).hasSize(1);
            assertThat(clicks.get(0)).containsEntry("number_clicked", tracking).containsEntry("gclid", "click-test");
            // The browser made a time-ordered id (version 7) whose first 48 bits are the click's milliseconds.
            String id = (String) clicks.get(0).get("id");
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            long millis = Long.parseLong(id.substring(0, 8) + id.substring(9, 13), 16);
            assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
            assertThat((String) clicks.get(0).get("url")).contains("/demo/?gclid=click-test");
        }
    }

    @Test
    void withAdStorageDeniedTheNumberSwapsButTheClickIdIsNotKept() {
        try (Browser browser = Browser.start()) {
            String tracking = openSwapped(browser, demo("?gclid=denied-click"));
            assertThat(tracking).matches("\\+1512555010[1-5]");
            int kept = server.database().jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT COUNT(*) FROM visit_session WHERE gclid = 'denied-click'").mapTo(Integer.class).one());
            assertThat(kept).isZero();
            assertThat(browser.js("return document.cookie")).isEqualTo("");
        }
    }

    private static int events(String type) {
        server.server().awaitEventsLoaded(Duration.ofSeconds(5));
        return server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM tracking_event WHERE type = :type").bind("type", type).mapTo(Integer.class).one());
    }

    @Test
    void reloadKeepsTheNumberAndAnotherVisitorGetsAnother() {
        try (Browser first = Browser.start(); Browser second = Browser.start()) {
            String number = openSwapped(first, demo("?gclid=reload-1&consent=granted"));
            first.driver().navigate().refresh();
            assertThat(openSwapped(first, first.driver().getCurrentUrl())).isEqualTo(number);
            first.driver().get(demo("?consent=granted"));
            assertThat(openSwapped(first, demo("?consent=granted"))).as("another page of the same visit").isEqualTo(number);
            String other = openSwapped(second, demo("?gclid=reload-2&consent=granted"));
            assertThat(other).isNotEqualTo(number);
        }
    }

    @Test
    void contentAddedAfterLoadIsSwappedOnce() {
        try (Browser browser = Browser.start()) {
            String tracking = openSwapped(browser, demo("?gclid=late-content"));
            String last4 = tracking.substring(8);
            browser.js("var p = document.createElement('p'); p.id = 'late'; p.innerHTML = 'Chat: call <b>512</b>-555-0100 or "
                    + "<a id=\"late-link\" href=\"tel:5125550100\">now</a>'; document.querySelector('main').appendChild(p);");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver -> text(browser, "late").contains(last4));
            assertThat(text(browser, "late")).isEqualTo("Chat: call 512-555-" + last4 + " or now");
            assertThat(href(browser, "late-link")).isEqualTo("tel:512555" + last4);
            browser.js("document.getElementById('late').firstChild.nodeValue = 'Chat again: (512) 555-0100 '");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver -> text(browser, "late").contains("(512) 555-" + last4));
        }
    }

    @Test
    void nothingIsStoredInTheBrowserUntilConsentIsGrantedAndRevokingRemovesIt() {
        try (Browser browser = Browser.start()) {
            openSwapped(browser, demo("?gclid=consent-test"));
            assertThat(browser.js("return document.cookie")).isEqualTo("");
            assertThat(browser.js("return localStorage.length")).isEqualTo(0L);
            browser.js("return calltrail.consent({ad_storage: 'granted', analytics_storage: 'granted'})");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver ->
                    ((String) browser.js("return document.cookie")).contains("_calltrail="));
            assertThat(browser.js("return localStorage.getItem('_calltrail')")).asString().contains("\"s\"");
            browser.js("return calltrail.consent({ad_storage: 'denied', analytics_storage: 'denied'})");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver -> "".equals(browser.js("return document.cookie")));
            assertThat(browser.js("return localStorage.length")).isEqualTo(0L);
        }
    }

    @Test
    void googleAnalyticsClientIdIsSentOnlyWithAnalyticsConsent() {
        try (Browser browser = Browser.start()) {
            openSwapped(browser, demo("?gclid=ga-test"));
            browser.js("document.cookie = '_ga=GA1.1.987654321.1777900000; path=/'; return true");
            browser.js("return calltrail.consent({ad_storage: 'granted'})"); // the promise settles after the server answered
            int withoutAnalytics = server.database().jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT COUNT(*) FROM visit_session WHERE ga_client_id IS NOT NULL").mapTo(Integer.class).one());
            assertThat(withoutAnalytics).as("no analytics consent yet").isZero();
            browser.js("return calltrail.consent({ad_storage: 'granted', analytics_storage: 'granted'})");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver -> server.database().jdbi().withHandle(handle ->
                    handle.createQuery("SELECT COUNT(*) FROM visit_session WHERE ga_client_id = '987654321.1777900000'")
                            .mapTo(Integer.class).one()) == 1);
        }
    }

    @Test
    void consentModeNotRequiredKeepsTheSessionFromTheStart() {
        var key = demoKey();
        long property = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM property WHERE public_key = 'demo'")
                .mapTo(Long.class).one());
        assertThat(server.api("PATCH", "/api/v1/properties/" + property, key, "{\"consent_mode\":\"not-required\"}").status()).isEqualTo(200);
        try (Browser browser = Browser.start()) {
            openSwapped(browser, demo("?gclid=no-consent-needed"));
            assertThat(browser.js("return localStorage.getItem('_calltrail')")).asString().contains("\"s\"");
            assertThat((String) browser.js("return document.cookie")).contains("_calltrail=");
        }
    }

    @Test
    void clicksThatCouldNotBeSentAreRetriedOnTheNextPage() {
        try (Browser browser = Browser.start()) {
            openSwapped(browser, demo("?gclid=retry&consent=granted"));
            // the network refuses beacons and fetches for a moment: the click is kept in the bounded queue
            browser.js("navigator.sendBeacon = function () { return false; };"
                    + "window.fetch = function () { return Promise.reject(new Error('offline')); };"
                    + "document.getElementById('header-phone').addEventListener('click', function (e) { e.preventDefault(); });"
                    + "document.getElementById('header-phone').click();");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(driver ->
                    ((String) browser.js("return localStorage.getItem('_calltrail') || ''")).contains("tel_click"));
            assertThat(events("tel_click")).isZero();
            browser.driver().get(demo("?consent=granted"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver -> events("tel_click") == 1);
            assertThat((String) browser.js("return localStorage.getItem('_calltrail')")).doesNotContain("tel_click");
        }
    }

    private static String demoKey() {
        try {
            return java.nio.file.Files.readString(server.server().settings().dataDir().resolve("demo-api-key")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void callsMadeBeforeTheScriptLoadsAreNotLost() {
        try (Browser browser = Browser.start()) {
            browser.driver().get(demo("?gclid=queue"));
            // a page that queued a consent update before the snippet arrived
            browser.js("window.calltrail = undefined;"
                    + "window.calltrail = function () { (calltrail.q = calltrail.q || []).push(arguments); };"
                    + "calltrail('consent', {analytics_storage: 'granted'});"
                    + "var s = document.createElement('script'); s.src = '/s/demo.js'; document.head.appendChild(s);");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                    ((String) browser.js("return document.cookie")).contains("_calltrail="));
        }
    }
}
