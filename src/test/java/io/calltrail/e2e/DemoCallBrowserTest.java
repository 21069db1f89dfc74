package io.calltrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.telephony.SimulateCall;
import io.calltrail.testing.Browser;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/** The whole path: a visitor on /demo/ in Chromium sees a pool number, calls it, and the call is theirs. */
class DemoCallBrowserTest {

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aCallToTheNumberTheVisitorSawIsAttributedToTheirVisit(Database.Kind kind) throws Exception {
        String token = "demo-token-for-browser-test";
        try (TestServer server = TestServer.start(kind, Clock.systemUTC(), Map.of("demo", "true", "demo.authToken", token));
             Browser browser = Browser.start()) {
            // a visitor who accepted cookies (the demo page plays Google Consent Mode): the click id is kept
            browser.driver().get(server.client().uri("/demo/?gclid=browser-call&utm_campaign=drains&consent=granted").toString());
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                    browser.js("return window.calltrail && calltrail.number && calltrail.number('+15125550100')") != null);
            String shown = (String) browser.js("return calltrail.number('+15125550100')");
            assertThat(browser.driver().findElement(org.openqa.selenium.By.id("header-phone")).getText())
                    .isEqualTo("(512) 555-" + shown.substring(8));

            PrintStream original = System.out;
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                assertThat(new CommandLine(new SimulateCall()).execute("--to", shown, "--from", "+15125550142", "--auth-token", token,
                        "--base-url", server.client().uri("/").toString().replaceAll("/$", ""))).isZero();
            } finally {
                System.setOut(original);
            }
            assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
            String key = Files.readString(server.server().settings().dataDir().resolve("demo-api-key")).strip();
            JsonNode call = server.api("GET", "/api/v1/calls", key, null).json().get(0);
            assertThat(call.get("attribution").asText()).isEqualTo("lease");
            JsonNode journey = server.api("GET", "/api/v1/calls/" + call.get("id").asLong(), key, null).json();
            assertThat(journey.get("session").get("utm_campaign").asText()).isEqualTo("drains");
            assertThat(journey.get("session").get("gclid").asText()).isEqualTo("browser-call");
            assertThat(journey.get("session").get("landing_url").asText()).endsWith("/demo/?gclid=browser-call&utm_campaign=drains&consent=granted");
            assertThat(journey.get("session_id").asText()).isEqualTo(journey.get("session").get("id").asText());
        }
    }
}
