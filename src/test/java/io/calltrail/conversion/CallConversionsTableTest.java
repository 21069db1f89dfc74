package io.calltrail.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A table of simulated calls (talk time, answered, first-time or repeat caller, ad click or none), sent through the
 * real webhooks, makes exactly the conversions each action's rules say, and no other.
 */
class CallConversionsTableTest {
    private static final String TOKEN = "table-test-token-0123456789";
    private static final String YELP = "+15125550110";

    /** One call of the table and the actions it must convert under. */
    private record Row(String caller, String click, int talkSeconds, boolean answered, List<String> converts) {
    }

    private static final List<Row> TABLE = List.of(
            new Row("+15125550401", "g1", 75, true, List.of("Phone call (60 s)", "First call (30 s)", "One per click")),
            new Row("+15125550401", "g1", 120, true, List.of("Phone call (60 s)")),           // repeat caller, same ad click
            new Row("+15125550402", "g2", 45, true, List.of("First call (30 s)", "One per click")),
            new Row("+15125550403", null, 20, true, List.of("One per click")),                // no click: counted per call
            new Row("+15125550404", "g3", 90, false, List.of()),                              // missed
            new Row("+15125550402", null, 61, true, List.of("Phone call (60 s)", "One per click")), // repeat, no click
            new Row("+15125550405", "g4", 60, true, List.of("Phone call (60 s)", "First call (30 s)", "One per click")),
            new Row("+15125550406", "g5", 59, true, List.of("First call (30 s)", "One per click")));

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void everyCallConvertsExactlyUnderTheActionsItsRulesName(Database.Kind kind) {
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        String key = server.demoKey();
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        Map<String, Long> actions = new HashMap<>();
        actions.put("Phone call (60 s)", 1L);
        actions.put("First call (30 s)", server.api("POST", "/api/v1/conversion-actions", key, "{\"property_id\":1,"
                + "\"name\":\"First call (30 s)\",\"min_talk_seconds\":30,\"first_time_only\":true}").json().get("id").asLong());
        actions.put("One per click", server.api("POST", "/api/v1/conversion-actions", key, "{\"property_id\":1,"
                + "\"name\":\"One per click\",\"min_talk_seconds\":0,\"counting\":\"one\"}").json().get("id").asLong());

        Map<String, String> numberOfClick = new HashMap<>();
        Map<String, TreeSet<Long>> expected = new HashMap<>();
        actions.keySet().forEach(name -> expected.put(name, new TreeSet<>()));
        List<Long> callIds = new ArrayList<>();
        for (Row row : TABLE) {
            String number = YELP;
            if (row.click() != null) {
                number = numberOfClick.computeIfAbsent(row.click(), click -> server.post("/v1/sessions", "{\"property\":\"demo\","
                                + "\"url\":\"" + origin + "/demo/?gclid=" + click + "\",\"consent\":{\"ad_storage\":\"granted\"}}",
                        "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json().get("numbers").get(0).get("tracking").asText());
            }
            clock.advance(Duration.ofMinutes(2));
            server.simulateCall(number, row.caller(), row.talkSeconds(), row.answered(), TOKEN);
            long callId = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT MAX(id) FROM phone_call")
                    .mapTo(Long.class).one());
            callIds.add(callId);
            row.converts().forEach(action -> expected.get(action).add(callId));
        }

        for (Map.Entry<String, Long> action : actions.entrySet()) {
            JsonNode made = server.api("GET", "/api/v1/conversions?action=" + action.getValue(), key, null).json();
            TreeSet<Long> calls = new TreeSet<>();
            made.forEach(conversion -> calls.add(conversion.get("call_id").asLong()));
            assertThat(calls).as(action.getKey()).isEqualTo(expected.get(action.getKey()));
            assertThat(made).as(action.getKey() + ": one conversion per call").hasSize(calls.size());
        }
        JsonNode perClick = server.api("GET", "/api/v1/conversions?action=" + actions.get("One per click"), key, null).json();
        assertThat(perClick.findValuesAsText("click_id")).contains("g1", "g2", "g4", "g5").doesNotContain("g3");
    }
}
