package io.calltrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.Browser;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real Chromium, as a marketing manager uses it: sign in, set up through the forms, see a
 * visitor's call with its source and journey, download a report; and what others must not do. Saves screenshots
 * of the main pages under target/screenshots/.
 */
class DashboardBrowserTest {
    private static final String TOKEN = "demo-token-for-dashboard-test";
    private static final String PASSWORD = "a long dashboard password";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aManagerSetsUpSeesACallWithItsJourneyAndDownloadsTheReport() throws Exception {
        server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true", "demo.authToken", TOKEN));
        long demo = server.demoAccountId();
        WebUser.create(server, "maria@example.com", PASSWORD, demo, Role.OWNER, true);
        Files.createDirectories(SCREENSHOTS);

        try (Browser manager = Browser.start()) {
            signIn(manager, "maria@example.com");
            assertThat(manager.driver().findElement(By.tagName("h1")).getText()).contains("Overview");

            setUpThroughTheForms(manager);

            long callId;
            try (Browser visitor = Browser.start()) {
                callId = visitorClicksAndCalls(visitor);
            }
            server.simulateCall("+15125550110", "+15125550143", 40, true, TOKEN); // the Yelp listing's number
            assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();

            open(manager, "/app/calls");
            WebElement row = manager.driver().findElement(By.cssSelector("a[href='/app/calls/" + callId + "']"))
                    .findElement(By.xpath("./ancestor::tr"));
            assertThat(row.getText()).contains("google").contains("spring-drains").contains("***")
                    .doesNotContain("555-0142");
            screenshot(manager, "calls-list");

            WebElement link = manager.driver().findElement(By.cssSelector("a[href='/app/calls/" + callId + "']"));
            link.click();
            new WebDriverWait(manager.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(link));
            String journey = manager.driver().findElement(By.tagName("main")).getText();
            assertThat(journey).contains("dash-click-1").contains("spring-drains").contains("/demo/")
                    .containsIgnoringCase("tel:").doesNotContain("555-0142");
            screenshot(manager, "call-journey");

            open(manager, "/app");
            String overview = manager.driver().findElement(By.tagName("main")).getText();
            assertThat(overview).contains("Calls").containsIgnoringCase("could not be attributed");
            new WebDriverWait(manager.driver(), Duration.ofSeconds(10)).until(driver ->
                    !driver.findElements(By.cssSelector(".chart canvas")).isEmpty());
            screenshot(manager, "overview");
            manager.driver().manage().window().setSize(new Dimension(390, 844));
            open(manager, "/app");
            screenshot(manager, "overview-390px");
            open(manager, "/app/calls");
            screenshot(manager, "calls-list-390px");
            for (String page : List.of("/app/calls/" + callId, "/app/numbers", "/app/reports/campaign", "/app/setup",
                    "/app/setup/conversion-actions/new", "/app/privacy")) {
                open(manager, page);
                screenshot(manager, page.substring(5).replace('/', '-') + "-390px");
            }
            manager.driver().manage().window().setSize(new Dimension(1280, 900));
            open(manager, "/app/reports/campaign");
            screenshot(manager, "report-campaign");

            open(manager, "/app/numbers");
            assertThat(manager.driver().findElement(By.tagName("main")).getText()).contains("Google Ads visitors");
            screenshot(manager, "pools");

            Path csv = download(manager, "/app/reports/campaign");
            assertThat(Files.readString(csv)).contains("spring-drains");

            // a form whose CSRF token was taken out is refused and changes nothing
            open(manager, "/app/password");
            manager.js("document.querySelectorAll('main input[name=_csrf]').forEach(function (input) { input.remove(); });");
            manager.driver().findElement(By.name("current")).sendKeys(PASSWORD);
            manager.driver().findElement(By.name("password")).sendKeys("a different password");
            manager.driver().findElement(By.name("confirm")).sendKeys("a different password");
            submit(manager);
            assertThat(main(manager)).contains("did not come from Calltrail");
        }
    }

    @Test
    void aViewerCannotReachSetUpAndAnotherAccountsCallIsNotFound() {
        server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true", "demo.authToken", TOKEN));
        long demo = server.demoAccountId();
        WebUser.create(server, "victor@example.com", PASSWORD, demo, Role.VIEWER, false);
        WebUser.create(server, "olga@example.com", PASSWORD, server.ownerAccountId(), Role.OWNER, true);
        server.simulateCall("+15125550109", "+15125550177", 80, true, TOKEN);
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
        long callId = server.api("GET", "/api/v1/calls", server.demoKey(), null).json().get(0).get("id").asLong();

        try (Browser viewer = Browser.start()) {
            signIn(viewer, "victor@example.com");
            assertThat(viewer.driver().findElements(By.linkText("Set-up"))).isEmpty();
            open(viewer, "/app/setup");
            assertThat(viewer.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
            open(viewer, "/app/calls/" + callId);
            assertThat(viewer.driver().findElement(By.tagName("main")).getText()).contains("Google Ads");
        }
        try (Browser stranger = Browser.start()) {
            signIn(stranger, "olga@example.com");
            open(stranger, "/app/calls/" + callId);
            assertThat(stranger.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        }
    }

    /** A new website for the second practice, a pool for its ads and what counts as a conversion, all through the forms. */
    private void setUpThroughTheForms(Browser manager) {
        open(manager, "/app/setup");
        assertThat(manager.driver().findElements(By.cssSelector("a[href='/app/setup/properties']"))).isNotEmpty();
        open(manager, "/app/setup/properties/new");
        fill(manager, Map.of("name", "Bee Cave Dental", "domains", "beecavedental.example", "country", "US",
                "time_zone", "America/Chicago", "currency", "USD"));
        submit(manager);
        assertThat(main(manager)).contains("Bee Cave Dental").contains("Not seen yet");
        String snippet = manager.driver().findElement(By.id("snippet")).getAttribute("value");
        assertThat(snippet).contains("<script").contains("/s/");

        open(manager, "/app/setup/pools/new");
        choose(manager, "property_id", "Bee Cave Dental");
        fill(manager, Map.of("name", "Dental Google Ads", "fallback_number", "(512) 555-0300"));
        submit(manager);
        assertThat(main(manager)).contains("Dental Google Ads");

        open(manager, "/app/setup/conversion-actions/new");
        choose(manager, "property_id", "Bee Cave Dental");
        fill(manager, Map.of("name", "Booked appointment call", "min_talk_seconds", "120"));
        submit(manager);
        open(manager, "/app/setup/conversion-actions");
        assertThat(main(manager)).contains("Booked appointment call").contains("120 s");

        // the API sees what the forms made
        String properties = server.api("GET", "/api/v1/properties", server.demoKey(), null).body();
        assertThat(properties).contains("Bee Cave Dental");
        assertThat(server.api("GET", "/api/v1/pools", server.demoKey(), null).body()).contains("Dental Google Ads");
    }

    private static void fill(Browser browser, Map<String, String> fields) {
        fields.forEach((name, value) -> {
            WebElement field = browser.driver().findElement(By.cssSelector("main [name='" + name + "']"));
            if ("select".equals(field.getTagName())) {
                new Select(field).selectByValue(value);
            } else {
                field.clear();
                field.sendKeys(value);
            }
        });
    }

    /** Submits the page's form and waits for the page that answers it. */
    private static void submit(Browser browser) {
        WebElement button = browser.driver().findElement(By.cssSelector("main form button.primary"));
        button.click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(button));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                "complete".equals(browser.js("return document.readyState")));
    }

    private static String main(Browser browser) {
        return browser.driver().findElement(By.tagName("main")).getText();
    }

    /** A visitor from a Google Ads click opens the demo page, clicks the phone link, then calls the number shown. */
    private long visitorClicksAndCalls(Browser visitor) {
        visitor.driver().get(server.uri("/demo/?gclid=dash-click-1&utm_source=google&utm_medium=cpc"
                + "&utm_campaign=spring-drains&consent=granted").toString());
        new WebDriverWait(visitor.driver(), Duration.ofSeconds(10)).until(driver ->
                visitor.js("return window.calltrail && calltrail.number && calltrail.number('+15125550100')") != null);
        String shown = (String) visitor.js("return calltrail.number('+15125550100')");
        // the click is real; only the phone app it would open is held back
        visitor.js("document.getElementById('header-phone').addEventListener('click', function (e) { e.preventDefault(); })");
        visitor.driver().findElement(By.id("header-phone")).click();
        new WebDriverWait(visitor.driver(), Duration.ofSeconds(10)).until(driver -> telClicks() == 1);
        server.simulateCall(shown, "+15125550142", 95, true, TOKEN);
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
        return server.api("GET", "/api/v1/calls", server.demoKey(), null).json().get(0).get("id").asLong();
    }

    private long telClicks() {
        assertThat(server.server().awaitEventsLoaded(Duration.ofSeconds(5))).isTrue();
        return server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM tracking_event WHERE type = 'tel_click'").mapTo(Long.class).one());
    }

    private void signIn(Browser browser, String email) {
        browser.driver().manage().window().setSize(new Dimension(1280, 900));
        open(browser, "/app");
        assertThat(browser.driver().getCurrentUrl()).contains("/sign-in");
        browser.driver().findElement(By.name("email")).sendKeys(email);
        browser.driver().findElement(By.name("password")).sendKeys(PASSWORD);
        browser.driver().findElement(By.cssSelector("form button.primary")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver -> driver.getCurrentUrl().endsWith("/app")
                && "complete".equals(browser.js("return document.readyState")));
    }

    private void open(Browser browser, String path) {
        browser.driver().get(server.uri(path).toString());
    }

    /** Clicks the page's "Download CSV" link and waits for the file Chromium saves. */
    private Path download(Browser browser, String reportPath) throws IOException {
        Path folder = Files.createTempDirectory("calltrail-downloads");
        browser.driver().executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", folder.toAbsolutePath().toString()));
        open(browser, reportPath);
        browser.driver().findElement(By.partialLinkText("CSV")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(driver -> csvIn(folder).isPresent());
        return csvIn(folder).orElseThrow();
    }

    private static Optional<Path> csvIn(Path folder) {
        try (var files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".csv")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The whole page, not just the window: the window is stretched to the page's height for the picture. */
    private static void screenshot(Browser browser, String name) throws IOException {
        Dimension window = browser.driver().manage().window().getSize();
        long height = ((Number) browser.js("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
        browser.driver().manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(4000, height + 140)));
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.driver().getScreenshotAs(OutputType.BYTES));
        browser.driver().manage().window().setSize(window);
    }

    private static void choose(Browser browser, String name, String visibleText) {
        new Select(browser.driver().findElement(By.name(name))).selectByVisibleText(visibleText);
    }

    @SuppressWarnings("unused")
    private static List<String> texts(Browser browser, String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
