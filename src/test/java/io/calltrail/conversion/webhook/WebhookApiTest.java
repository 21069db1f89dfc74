package io.calltrail.conversion.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The webhooks admin API: secrets shown once, validation naming the field, and account isolation, on H2 and PostgreSQL. */
class WebhookApiTest {
    private static final String URL = "https://crm.example.com/hooks/calltrail";

    private TestServer server;
    private String key;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        server = TestServer.start(kind, MutableClock.at("2026-06-01T12:00:00Z"), Map.of());
        key = server.ownerKey();
    }

    private JsonNode created(String apiKey, String body) {
        TestClient.Answer answer = server.api("POST", "/api/v1/webhooks", apiKey, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    private void assertInvalid(TestClient.Answer answer, int status, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        if (field != null) {
            assertThat(answer.json().get("field").asText()).as(answer.body()).isEqualTo(field);
        }
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    private String sealedSecrets() {
        return server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM webhook_endpoint ORDER BY id")
                .mapToMap().list().toString());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theSecretIsShownOnCreationAndRotationOnlyAndNeverStoredPlain(Database.Kind kind) {
        start(kind);
        JsonNode webhook = created(key, "{\"url\":\"" + URL + "\",\"events\":[\"conversion.updated\",\"call.completed\",\"call.completed\"]}");
        String secret = webhook.get("secret").asText();
        long id = webhook.get("id").asLong();
        assertThat(secret).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(webhook.get("url").asText()).isEqualTo(URL);
        assertThat(webhook.get("events")).extracting(JsonNode::asText).containsExactly("call.completed", "conversion.updated");
        assertThat(webhook.get("active").asBoolean()).isTrue();
        assertThat(webhook.get("created_at").asText()).isEqualTo("2026-06-01T12:00:00Z");

        TestClient.Answer one = server.api("GET", "/api/v1/webhooks/" + id, key, null);
        TestClient.Answer all = server.api("GET", "/api/v1/webhooks", key, null);
        TestClient.Answer patched = server.api("PATCH", "/api/v1/webhooks/" + id, key, "{\"active\":false,\"url\":\"http://crm.example.com:8081/in\"}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("active").asBoolean()).isFalse();
        assertThat(patched.json().get("url").asText()).isEqualTo("http://crm.example.com:8081/in");
        assertThat(patched.json().get("events")).hasSize(2);
        for (TestClient.Answer answer : List.of(one, all, patched)) {
            assertThat(answer.body()).doesNotContain(secret).doesNotContain("secret");
        }
        assertThat(all.json()).hasSize(1);
        assertThat(sealedSecrets()).doesNotContain(secret).doesNotContain(secret.substring(6));

        TestClient.Answer rotated = server.api("POST", "/api/v1/webhooks/" + id + "/rotate-secret", key, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String fresh = rotated.json().get("secret").asText();
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(server.api("GET", "/api/v1/webhooks/" + id, key, null).body()).doesNotContain(fresh);
        assertThat(sealedSecrets()).doesNotContain(fresh.substring(6));

        assertThat(server.api("GET", "/api/v1/webhooks/" + id + "/deliveries", key, null).json()).isEmpty();
        assertThat(server.api("DELETE", "/api/v1/webhooks/" + id, key, null).status()).isEqualTo(204);
        assertThat(server.api("GET", "/api/v1/webhooks/" + id, key, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/webhooks", key, null).json()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void badInputIsAPrecise4xxNamingTheField(Database.Kind kind) {
        start(kind);
        String events = ",\"events\":[\"call.completed\"]";
        String path = "/api/v1/webhooks";
        assertInvalid(server.api("POST", path, key, "{\"url\":"), 400, null);
        assertInvalid(server.api("POST", path, key, "[\"" + URL + "\"]"), 400, null);
        assertInvalid(server.api("POST", path, key, "{" + events.substring(1) + "}"), 422, "url");
        for (String url : List.of("ftp://crm.example.com/in", "crm.example.com/in", "/relative", "https://", "mailto:a@example.com",
                "https://user:password@crm.example.com/in", "https://crm.example.com/in#here", "https://crm example.com/")) {
            assertInvalid(server.api("POST", path, key, "{\"url\":\"" + url + "\"" + events + "}"), 422, "url");
        }
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + "https://x.example.com/" + "a".repeat(2048) + "\"" + events + "}"), 422, "url");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\"}"), 422, "events");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\",\"events\":[]}"), 422, "events");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\",\"events\":\"call.completed\"}"), 422, "events");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\",\"events\":[\"call.completed\",\"call.started\"]}"), 422, "events[1]");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\",\"events\":[7]}"), 422, "events[0]");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\"" + events + ",\"active\":\"yes\"}"), 422, "active");
        assertInvalid(server.api("POST", path, key, "{\"url\":\"" + URL + "\"" + events + ",\"secret\":\"whsec_mine\"}"), 422, "secret");
        assertThat(server.api("GET", path, key, null).json()).as("nothing was half-written").isEmpty();

        long id = created(key, "{\"url\":\"" + URL + "\"" + events + "}").get("id").asLong();
        assertInvalid(server.api("PATCH", path + "/" + id, key, "{\"url\":\"gopher://x\"}"), 422, "url");
        assertInvalid(server.api("PATCH", path + "/" + id, key, "{\"events\":[\"everything\"]}"), 422, "events[0]");
        assertInvalid(server.api("PATCH", path + "/" + id, key, "{\"colour\":\"red\"}"), 422, "colour");
        assertInvalid(server.api("POST", path + "/" + id + "/rotate-secret", key, "{\"secret\":\"whsec_mine\"}"), 422, "secret");
        assertInvalid(server.api("GET", path + "/" + id + "/deliveries?status=lost", key, null), 400, "status");
        assertInvalid(server.api("GET", path + "/" + id + "/deliveries?limit=0", key, null), 400, "limit");
        assertInvalid(server.api("GET", path + "/webhook-one", key, null), 404, null);
        assertInvalid(server.api("PUT", path + "/" + id, key, "{}"), 405, null);
        assertInvalid(server.get(path), 401, "Authorization");
        assertThat(server.api("GET", path + "/" + id, key, null).json().get("url").asText()).isEqualTo(URL);
        assertThat(server.api("PATCH", path + "/" + id, key, "{\"url\":\"HTTPS://crm.example.com/In\"}").json().get("url").asText())
                .isEqualTo("https://crm.example.com/In");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anotherAccountsWebhooksAnswer404OnEveryRoute(Database.Kind kind) {
        start(kind);
        long mine = created(key, "{\"url\":\"" + URL + "\",\"events\":[\"call.completed\"]}").get("id").asLong();
        String other = server.api("POST", "/api/v1/accounts", key, "{\"name\":\"Client B\"}").json()
                .get("api_key").get("secret").asText();
        long theirs = created(other, "{\"url\":\"https://b.example.com/in\",\"events\":[\"conversion.created\"]}").get("id").asLong();
        String before = sealedSecrets();

        String path = "/api/v1/webhooks/" + mine;
        assertThat(server.api("GET", path, other, null).status()).isEqualTo(404);
        assertThat(server.api("PATCH", path, other, "{\"active\":false}").status()).isEqualTo(404);
        assertThat(server.api("POST", path + "/rotate-secret", other, null).status()).isEqualTo(404);
        assertThat(server.api("GET", path + "/deliveries", other, null).status()).isEqualTo(404);
        assertThat(server.api("DELETE", path, other, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/api/v1/webhooks", other, null).json().findValues("id")).extracting(JsonNode::asLong)
                .containsExactly(theirs);

        // nothing changed on the owner's side, the secret included
        JsonNode still = server.api("GET", path, key, null).json();
        assertThat(still.get("active").asBoolean()).isTrue();
        assertThat(sealedSecrets()).isEqualTo(before);
    }
}
