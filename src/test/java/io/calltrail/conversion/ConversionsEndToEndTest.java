package io.calltrail.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Simulated calls through the real webhooks become exactly the conversions the demo's rules say. */
class ConversionsEndToEndTest {
    private static final String TOKEN = "conversion-test-token-01234";

    private TestServer server;
    private MutableClock clock;
    private String key;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void call(String to, String from, int seconds, boolean answered) {
        server.simulateCall(to, from, seconds, answered, TOKEN);
    }

    private JsonNode conversions() {
        return server.api("GET", "/api/v1/conversions", key, null).json();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theDemoActionCountsAnsweredCallsOfAMinuteOrMore(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        JsonNode actions = server.api("GET", "/api/v1/conversion-actions", key, null).json();
        assertThat(actions).hasSize(2);
        assertThat(actions.get(1).get("kind").asText()).isEqualTo("tel_click");
        assertThat(actions.get(0).get("name").asText()).isEqualTo("Phone call (60 s)");
        assertThat(actions.get(0).get("min_talk_seconds").asInt()).isEqualTo(60);

        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        String leased = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?gclid=conv-1\","
                + "\"consent\":{\"ad_storage\":\"granted\"}}").json().get("numbers").get(0).get("tracking").asText();

        call(leased, "+15125550101", 75, true);     // converts, with the session's click id
        call(leased, "+15125550102", 45, true);     // too short
        call("+15125550110", "+15125550103", 90, false); // missed
        call("+15125550110", "+15125550104", 61, true);  // static source, converts
        JsonNode made = conversions();
        assertThat(made).hasSize(2);
        JsonNode byClick = made.get(1);
        assertThat(byClick.get("click_id").asText()).isEqualTo("conv-1");
        assertThat(byClick.get("click_id_type").asText()).isEqualTo("gclid");
        assertThat(byClick.get("conversion_value").decimalValue()).isEqualByComparingTo("120.00");
        assertThat(byClick.get("rule_version").asInt()).isEqualTo(1);
        assertThat(made.get(0).get("click_id").isNull()).isTrue();

        // one per click: a second call from the same ad click does not count again under such an action
        long action = server.api("POST", "/api/v1/conversion-actions", key, "{\"property_id\":" + actions.get(0).get("property_id").asLong()
                + ",\"name\":\"Lead (one per click)\",\"counting\":\"one\",\"min_talk_seconds\":30,\"attribution_methods\":[\"lease\"]}")
                .json().get("id").asLong();
        call(leased, "+15125550105", 40, true);
        call(leased, "+15125550106", 300, true);
        JsonNode perClick = server.api("GET", "/api/v1/conversions?action=" + action, key, null).json();
        assertThat(perClick).hasSize(1);

        // a change of rules is a new rule version, kept by the conversions it makes
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/" + action, key, "{\"min_talk_seconds\":10}").json()
                .get("rule_version").asInt()).isEqualTo(2);
        assertThat(server.api("POST", "/api/v1/conversion-actions", key, "{\"property_id\":1,\"name\":\"x\",\"click_window_days\":91}")
                .status()).isEqualTo(422);
        assertThat(server.api("POST", "/api/v1/conversion-actions", key, "{\"property_id\":1,\"name\":\"x\",\"attribution_methods\":[\"guess\"]}")
                .status()).isEqualTo(422);
    }
}
