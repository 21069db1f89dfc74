package io.calltrail.conversion.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Google's Data Manager API and GA4's Measurement Protocol, played by a local server that records what it receives:
 * the bodies Google documents, credentials added only as a request leaves, retries until the destination takes it,
 * and each conversion sent once.
 */
class HttpDestinationsTest {
    private static final String TOKEN = "http-export-token-0123456789";

    private TestServer server;
    private Receiver google;
    private String key;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (google != null) {
            google.close();
        }
    }

    private String visit(String query, String consent, String ga) {
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        return server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?" + query + "\",\"consent\":" + consent
                        + (ga == null ? "" : ",\"ga\":\"" + ga + "\"") + "}", "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID())
                .json().get("numbers").get(0).get("tracking").asText();
    }

    private JsonNode export(String destination) {
        TestClient.Answer answer = server.api("POST", "/api/v1/exports/" + destination + "?property=1", key, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void conversionsReachDataManagerAndGa4OnceWithRetriesAndCredentialsAddedAtSendTime(Database.Kind kind) throws Exception {
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        google = Receiver.start().answer(503); // the first request fails: the outbox tries again later

        // not set up yet: refused, nothing marked
        assertThat(server.api("POST", "/api/v1/exports/google-data-manager?property=1", key, null).status()).isEqualTo(409);
        assertThat(server.api("PUT", "/api/v1/properties/1/destinations/google-data-manager", key,
                "{\"account_ref\":\"123-456-7890\",\"endpoint_url\":\"" + google.uri("/v1/events:ingest") + "\"}").status())
                .as("a credential is required the first time").isEqualTo(422);
        assertThat(server.api("PUT", "/api/v1/properties/1/destinations/ga4", key, "{\"account_ref\":\"UA-1\",\"credential\":\"x\"}")
                .status()).isEqualTo(422);
        JsonNode set = server.api("PUT", "/api/v1/properties/1/destinations/google-data-manager", key,
                "{\"account_ref\":\"123-456-7890\",\"credential\":\"ya29.test-access-token\",\"endpoint_url\":\""
                        + google.uri("/v1/events:ingest") + "\"}").json();
        assertThat(set.get("account_ref").asText()).isEqualTo("1234567890");
        assertThat(set.has("credential")).isFalse();
        assertThat(set.get("has_credential").asBoolean()).isTrue();
        server.api("PUT", "/api/v1/properties/1/destinations/ga4", key, "{\"account_ref\":\"G-TEST123\",\"credential\":\"mp-secret-1\","
                + "\"endpoint_url\":\"" + google.uri("/mp/collect") + "\"}");
        server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"google_conversion_id\":\"555000111\"}");

        String granted = "{\"ad_storage\":\"granted\",\"analytics_storage\":\"granted\",\"ad_user_data\":\"granted\","
                + "\"ad_personalization\":\"granted\"}";
        String numberA = visit("gclid=click-A", granted, "1234567890.1777900000");
        String numberB = visit("gclid=click-B", "{\"ad_storage\":\"granted\",\"analytics_storage\":\"denied\",\"ad_user_data\":\"granted\"}",
                "222.333"); // no analytics consent: its GA client id is not even kept
        clock.advance(Duration.ofMinutes(3));
        server.simulateCall(numberA, "+15125550601", 75, true, TOKEN);
        server.simulateCall(numberB, "+15125550602", 80, true, TOKEN);
        int withClientId = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM visit_session WHERE ga_client_id IS NOT NULL").mapTo(Integer.class).one());
        assertThat(withClientId).isEqualTo(1);

        JsonNode manager = export("google-data-manager");
        assertThat(manager.get("sent").asInt()).isEqualTo(2);
        server.server().deliverer().deliverDue();       // the Data Manager's first attempt meets the 503
        assertThat(google.await(1, Duration.ofSeconds(10)).get(0).answered()).isEqualTo(503);
        JsonNode analytics = export("ga4");
        assertThat(analytics.get("sent").asInt()).isEqualTo(1);
        assertThat(analytics.get("held_back").get("analytics_storage_not_granted").asInt()).isEqualTo(1);
        String queued = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM delivery").mapToMap().list()
                .toString());
        assertThat(queued).doesNotContain("ya29.test-access-token").doesNotContain("mp-secret-1").doesNotContain("5550601");

        clock.advance(Duration.ofMinutes(10));
        server.server().deliverer().deliverDue();       // the retry, and GA4's first
        List<Receiver.Request> received = google.await(3, Duration.ofSeconds(10));
        List<Receiver.Request> ingest = received.stream().filter(r -> r.path().equals("/v1/events:ingest")).toList();
        assertThat(ingest).hasSize(2); // one refused, then taken
        Receiver.Request taken = ingest.get(1);
        assertThat(taken.answered()).isEqualTo(200);
        assertThat(taken.header("Authorization")).isEqualTo("Bearer ya29.test-access-token");
        JsonNode body = Json.parse(taken.body());
        assertThat(body.at("/destinations/0/operatingAccount/accountType").asText()).isEqualTo("GOOGLE_ADS");
        assertThat(body.at("/destinations/0/operatingAccount/accountId").asText()).isEqualTo("1234567890");
        assertThat(body.at("/destinations/0/productDestinationId").asText()).isEqualTo("555000111");
        assertThat(body.get("encoding").asText()).isEqualTo("HEX");
        assertThat(body.get("events")).hasSize(2);
        JsonNode event = body.get("events").get(0);
        assertThat(event.get("transactionId").asText()).matches("ct-[0-9]+");
        assertThat(event.get("eventTimestamp").asText()).isEqualTo("2026-05-04T15:03:00Z");
        assertThat(event.get("eventSource").asText()).isEqualTo("PHONE");
        assertThat(event.get("conversionValue").decimalValue()).isEqualByComparingTo("120");
        assertThat(event.at("/adIdentifiers/gclid").asText()).isEqualTo("click-A");
        assertThat(event.at("/userData/userIdentifiers/0/phoneNumber").asText()).isEqualTo(CsvFiles.sha256("+15125550601"));
        assertThat(event.at("/consent/adUserData").asText()).isEqualTo("CONSENT_GRANTED");
        assertThat(taken.body()).doesNotContain("5550601");

        Receiver.Request ga4 = received.stream().filter(r -> r.path().equals("/mp/collect")).findFirst().orElseThrow();
        assertThat(ga4.query()).isEqualTo("measurement_id=G-TEST123&api_secret=mp-secret-1");
        JsonNode lead = Json.parse(ga4.body());
        assertThat(lead.get("client_id").asText()).isEqualTo("1234567890.1777900000");
        assertThat(lead.get("timestamp_micros").asLong()).isEqualTo(1_777_906_980_000_000L);
        assertThat(lead.at("/events/0/name").asText()).isEqualTo("generate_lead");
        assertThat(lead.at("/events/0/params/value").decimalValue()).isEqualByComparingTo("120");
        assertThat(lead.at("/events/0/params/currency").asText()).isEqualTo("USD");

        // sent once: a second export queues nothing, and nothing is left to deliver
        assertThat(export("google-data-manager").get("sent").asInt()).isZero();
        assertThat(export("ga4").get("sent").asInt()).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(server.server().deliverer().deliverDue()).isZero();
        assertThat(google.requests()).hasSize(3);
    }
}
