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
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/** The whole path: a visitor on /demo/ in Chromium sees a pool number, calls it, and the call is theirs. */
class DemoCallBrowserTest {

    @Test
    void aCallToTheNumberTheVisitorSawIsAttributedToTheirVisit() throws Exception {
        String token = "demo-token-for-browser-test";
        try (TestServer server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true", "demo.authToken", token));
             Browser browser = Browser.start()) {
            browser.driver().get(server.client().uri("/demo/?gclid=browser-call&utm_campaign=drains").toString());
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
            // the demo's visitor denied ad storage: the click id chose the number but is not kept, not even in the URL
            assertThat(journey.get("session").get("landing_url").asText()).endsWith("/demo/?utm_campaign=drains");
            assertThat(journey.get("session").get("gclid").isNull()).isTrue();
        }
    }
}
