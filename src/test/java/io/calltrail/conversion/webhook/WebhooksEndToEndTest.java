package io.calltrail.conversion.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.telephony.SimulateCall;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** A webhook made through the API gets a simulated call's {@code call.completed} from the real server, on H2 and PostgreSQL. */
class WebhooksEndToEndTest {
    private static final String TOKEN = "webhook-test-token-0123456";
    private static final String CALLER = "+15125550199";

    private TestServer server;
    private Receiver receiver;
    private MutableClock clock;
    private String key;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private void call(String to) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new SimulateCall()).execute("--to", to, "--from", CALLER, "--duration", "75",
                    "--auth-token", TOKEN, "--base-url", server.client().uri("/").toString().replaceAll("/$", ""))).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
    }

    private JsonNode created(String body) {
        TestClient.Answer answer = server.api("POST", "/api/v1/webhooks", key, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aCompletedCallReachesTheWebhookSignedWithTheCallerMasked(Database.Kind kind) throws Exception {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = Files.readString(server.server().settings().dataDir().resolve("demo-api-key")).strip();
        receiver = Receiver.start();
        JsonNode webhook = created("{\"url\":\"" + receiver.uri("/calltrail") + "\",\"events\":[\"call.completed\"]}");
        String secret = webhook.get("secret").asText();
        created("{\"url\":\"" + receiver.uri("/conversions-only") + "\",\"events\":[\"conversion.created\"]}");

        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        String leased = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin
                + "/demo/?gclid=ad-click-1&utm_source=google&utm_medium=cpc&utm_campaign=spring\","
                + "\"consent\":{\"ad_storage\":\"granted\",\"analytics_storage\":\"granted\"}}")
                .json().get("numbers").get(0).get("tracking").asText();
        call(leased);

        server.server().deliverer().deliverDue(); // or the server's own pass does it: a delivery is claimed by one only
        var received = receiver.await(2, Duration.ofSeconds(10));
        assertThat(server.server().deliverer().deliverDue()).isZero();
        assertThat(receiver.requests()).hasSize(2);
        Receiver.Request request = received.stream().filter(r -> r.path().equals("/calltrail")).findFirst().orElseThrow();
        Receiver.Request conversion = received.stream().filter(r -> r.path().equals("/conversions-only")).findFirst().orElseThrow();
        assertThat(conversion.header("Calltrail-Event")).isEqualTo("conversion.created");
        JsonNode converted = Json.parse(conversion.body()).get("data");
        assertThat(converted.get("action_name").asText()).isEqualTo("Phone call (60 s)");
        assertThat(converted.get("click_id").asText()).isEqualTo("ad-click-1");
        assertThat(converted.get("conversion_value").decimalValue()).isEqualByComparingTo("120.00");

        assertThat(request.path()).isEqualTo("/calltrail");
        assertThat(request.header("Calltrail-Event")).isEqualTo("call.completed");
        assertThat(request.header("User-Agent")).startsWith("Calltrail-Webhooks/");
        assertThat(WebhookSignature.verify(secret, request.header("Calltrail-Signature"), request.body(), clock.instant(),
                WebhookSignature.RECOMMENDED_TOLERANCE)).isTrue();
        JsonNode event = Json.parse(request.body());
        assertThat(event.get("type").asText()).isEqualTo("call.completed");
        assertThat(event.get("id").asText()).startsWith("evt_");
        JsonNode data = event.get("data");
        JsonNode listed = server.api("GET", "/api/v1/calls", key, null).json().get(0);
        assertThat(data.get("id").asLong()).isEqualTo(listed.get("id").asLong());
        assertThat(data.get("property_id").asLong()).isEqualTo(listed.get("property_id").asLong());
        assertThat(data.get("tracking_number").asText()).isEqualTo(leased);
        assertThat(data.get("caller_masked").asText()).isEqualTo("+1 512-***-**99");
        assertThat(data.get("status").asText()).isEqualTo("completed");
        assertThat(data.get("talk_seconds").asInt()).isEqualTo(75);
        assertThat(data.get("started_at").asText()).isEqualTo("2026-05-04T15:00:00Z");
        assertThat(data.get("first_time_caller").asBoolean()).isTrue();
        assertThat(data.get("attribution").asText()).isEqualTo("lease");
        assertThat(data.get("confidence").decimalValue()).isEqualByComparingTo("0.965");
        assertThat(data.get("session_id").asText()).isEqualTo(listed.get("session_id").asText());
        assertThat(data.get("session").get("gclid").asText()).isEqualTo("ad-click-1");
        assertThat(data.get("session").get("utm_source").asText()).isEqualTo("google");
        assertThat(data.get("session").get("utm_medium").asText()).isEqualTo("cpc");
        assertThat(data.get("session").get("utm_campaign").asText()).isEqualTo("spring");
        assertThat(data.has("caller_hash")).isFalse();
        assertThat(data.has("caller_sealed")).isFalse();

        // the caller's number is nowhere: not in what was sent, nor in what waits to be sent
        String queued = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM delivery").mapToMap().list().toString());
        for (String text : List.of(request.body(), queued)) {
            assertThat(text).doesNotContain("5125550199").doesNotContain("512-555-0199").doesNotContain("(512) 555-0199");
        }

        JsonNode deliveries = server.api("GET", "/api/v1/webhooks/" + webhook.get("id").asLong() + "/deliveries", key, null).json();
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("id").asText()).isEqualTo(request.header("Calltrail-Delivery"));
        assertThat(deliveries.get(0).get("event_type").asText()).isEqualTo("call.completed");
        assertThat(deliveries.get(0).get("status").asText()).isEqualTo("delivered");
        assertThat(deliveries.get(0).get("attempts")).hasSize(1);
        assertThat(deliveries.get(0).get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
        assertThat(deliveries.get(0).get("attempts").get(0).get("attempted_at").asText()).isEqualTo("2026-05-04T15:00:00Z");
        assertThat(deliveries.get(0).has("body")).isFalse();

        // a call from an imported call log completes too: to the main number, attributed to nobody
        long property = listed.get("property_id").asLong();
        TestClient.Answer imported = server.send("POST", "/api/v1/calls/import?property=" + property
                        + "&format=csv&column.caller=Caller&column.dialled=Dialled&column.start=Start&column.talk_seconds=Talk",
                "Caller,Dialled,Start,Talk\n+15125550195,(512) 555-0100,2026-05-04T16:30:00Z,30\n",
                "Authorization", "Bearer " + key, "Content-Type", "text/csv");
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        server.server().deliverer().deliverDue();
        JsonNode direct = Json.parse(receiver.await(3, Duration.ofSeconds(10)).stream()
                .filter(r -> r.path().equals("/calltrail")).reduce((first, second) -> second).orElseThrow().body()).get("data");
        assertThat(direct.get("attribution").asText()).isEqualTo("none");
        assertThat(direct.get("tracking_number").isNull()).isTrue();
        assertThat(direct.get("dialled_number").asText()).isEqualTo("+15125550100");
        assertThat(direct.get("caller_masked").asText()).isEqualTo("+1 512-***-**95");
        assertThat(direct.get("session").isNull()).isTrue();
    }
}
