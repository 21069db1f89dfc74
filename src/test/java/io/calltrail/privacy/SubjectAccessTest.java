package io.calltrail.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A subject-access answer lists every call of that caller in the asking account, and nothing of anyone else. */
class SubjectAccessTest {
    private static final String DEMO_TOKEN = "subject-demo-token-0123456789";
    private static final String OWNER_TOKEN = "subject-owner-token-012345678";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<Long> callIds(JsonNode report) {
        List<Long> ids = new ArrayList<>();
        report.get("calls").forEach(call -> ids.add(call.get("id").asLong()));
        return ids;
    }

    private long lastCall() {
        return server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT MAX(id) FROM phone_call").mapTo(Long.class).one());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theAnswerHoldsEveryCallOfThatCallerInTheAccountAndNothingElse(Database.Kind kind) {
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", DEMO_TOKEN));
        String demo = server.demoKey();
        String owner = server.ownerKey();
        // the owner's own property, with a static number, called by the same caller
        long property = server.api("POST", "/api/v1/properties", owner, "{\"name\":\"Other business\",\"domains\":[\"example.org\"],"
                + "\"country\":\"US\",\"time_zone\":\"America/Chicago\",\"currency\":\"USD\"}").json().get("id").asLong();
        server.api("POST", "/api/v1/target-numbers", owner, "{\"property_id\":" + property + ",\"number\":\"+15125550600\",\"label\":\"Main\"}");
        assertThat(server.api("POST", "/api/v1/tracking-numbers", owner, "{\"property_id\":" + property + ",\"number\":\"+15125550130\","
                + "\"forward_to\":\"+15125550600\",\"name\":\"Flyer\",\"source_name\":\"Flyer\"}").status()).isEqualTo(201);
        assertThat(server.api("PUT", "/api/v1/provider-credentials/twilio", owner, "{\"auth_token\":\"" + OWNER_TOKEN + "\"}").status())
                .isEqualTo(200);

        List<Long> demoCalls = new ArrayList<>();
        server.simulateCall("+15125550110", "+15125550177", 70, true, DEMO_TOKEN);
        demoCalls.add(lastCall());
        clock.advance(Duration.ofHours(1));
        server.simulateCall("+15125550110", "+15125550166", 40, true, DEMO_TOKEN); // another caller
        server.simulateCall("+15125550110", "+15125550177", 0, false, DEMO_TOKEN);
        demoCalls.add(lastCall());
        server.simulateCall("+15125550130", "+15125550177", 95, true, OWNER_TOKEN);  // the same caller, another account
        long ownerCall = lastCall();

        JsonNode report = server.api("GET", "/api/v1/privacy/subject?phone=(512)%20555-0177", demo, null).json();
        assertThat(report.get("caller").asText()).isEqualTo("+15125550177");
        assertThat(callIds(report)).containsExactlyElementsOf(demoCalls);
        assertThat(report.get("calls").get(0).get("number_dialled").asText()).isEqualTo("+15125550110");
        assertThat(report.get("calls").get(0).get("attribution").asText()).isEqualTo("static_source");
        assertThat(report.get("conversions")).hasSize(1);
        assertThat(report.get("conversions").get(0).get("call_id").asLong()).isEqualTo(demoCalls.get(0));
        assertThat(report.toString()).doesNotContain("Other business").doesNotContain("+15125550130");

        JsonNode theirs = server.api("GET", "/api/v1/privacy/subject?phone=%2B15125550177", owner, null).json();
        assertThat(callIds(theirs)).containsExactly(ownerCall);
        assertThat(theirs.get("calls").get(0).get("property_name").asText()).isEqualTo("Other business");

        assertThat(server.api("GET", "/api/v1/privacy/subject", demo, null).status()).isEqualTo(400);
        assertThat(server.api("GET", "/api/v1/privacy/subject?phone=12", demo, null).status()).isEqualTo(422);
    }
}
