package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** API key roles (owner, admin, viewer) and the separate reveal permission, on H2 and PostgreSQL. */
class RolesApiTest {
    private static final String PROPERTY = "{\"name\":\"Plumbing\",\"domains\":[\"example.com\"],\"country\":\"US\","
            + "\"time_zone\":\"America/Chicago\",\"currency\":\"USD\"}";

    private TestServer server;
    private String owner;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        server = TestServer.start(kind, MutableClock.at("2026-06-01T12:00:00Z"), Map.of());
        owner = server.ownerKey();
    }

    private JsonNode key(String by, String body) {
        TestClient.Answer answer = server.api("POST", "/api/v1/api-keys", by, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    private static void assertForbidden(TestClient.Answer answer, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(answer.json().get("message").asText()).contains(messagePart);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void keysHaveRolesAdminByDefaultAndTheFirstKeyIsAnOwnerWithoutReveal(Database.Kind kind) {
        start(kind);
        JsonNode listed = server.api("GET", "/api/v1/api-keys", owner, null).json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("role").asText()).isEqualTo("owner");
        assertThat(listed.get(0).get("can_reveal").asBoolean()).isFalse();

        JsonNode plain = key(owner, "{\"name\":\"CI deploy\"}");
        assertThat(plain.get("role").asText()).isEqualTo("admin");
        assertThat(plain.get("can_reveal").asBoolean()).isFalse();
        JsonNode revealing = key(owner, "{\"name\":\"Support lead\",\"role\":\"owner\",\"can_reveal\":true}");
        assertThat(revealing.get("role").asText()).isEqualTo("owner");
        assertThat(revealing.get("can_reveal").asBoolean()).isTrue();
        assertThat(server.api("POST", "/api/v1/api-keys", owner, "{\"role\":\"root\"}").status()).isEqualTo(422);
        assertThat(server.api("POST", "/api/v1/api-keys", owner, "{\"role\":\"viewer\",\"can_reveal\":true}").status()).isEqualTo(422);
        // keys made before roles existed are owners (the migration's rule), as is the first key of a new account
        JsonNode client = server.api("POST", "/api/v1/accounts", owner, "{\"name\":\"Client\"}").json();
        assertThat(client.get("api_key").get("role").asText()).isEqualTo("owner");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void viewersAreRefusedEveryWriteAndMayRead(Database.Kind kind) {
        start(kind);
        long property = server.api("POST", "/api/v1/properties", owner, PROPERTY).json().get("id").asLong();
        String viewer = key(owner, "{\"name\":\"Reporting\",\"role\":\"viewer\"}").get("secret").asText();

        assertThat(server.api("GET", "/api/v1/properties", viewer, null).status()).isEqualTo(200);
        assertThat(server.api("GET", "/api/v1/properties/" + property, viewer, null).status()).isEqualTo(200);
        assertThat(server.api("GET", "/api/v1/calls", viewer, null).status()).isEqualTo(200);
        assertThat(server.api("GET", "/api/v1/api-keys", viewer, null).status()).isEqualTo(200);

        assertForbidden(server.api("POST", "/api/v1/properties", viewer, PROPERTY.replace("Plumbing", "Other")), "viewer");
        assertForbidden(server.api("PATCH", "/api/v1/properties/" + property, viewer, "{\"name\":\"Renamed\"}"), "viewer");
        assertForbidden(server.api("DELETE", "/api/v1/properties/" + property, viewer, null), "viewer");
        assertForbidden(server.api("PUT", "/api/v1/provider-credentials/twilio", viewer,
                "{\"auth_token\":\"0123456789abcdef0123\"}"), "viewer");
        assertForbidden(server.api("POST", "/api/v1/api-keys", viewer, "{\"name\":\"escalate\",\"role\":\"viewer\"}"), "viewer");
        assertForbidden(server.api("POST", "/api/v1/calls/1/reveal", viewer, null), "viewer");
        assertForbidden(server.api("POST", "/api/v1/outcomes", viewer, "{\"outcomes\":[]}"), "viewer");
        // a file export marks conversions as sent, and even a preview holds callers' numbers
        assertForbidden(server.api("GET", "/api/v1/exports/google-ads-calls.csv?property=" + property, viewer, null), "admin");
        assertForbidden(server.api("GET", "/api/v1/exports/google-ads-calls.csv?property=" + property + "&preview=true", viewer, null),
                "admin");

        // nothing changed
        assertThat(server.api("GET", "/api/v1/properties", owner, null).json()).hasSize(1);
        assertThat(server.api("GET", "/api/v1/properties/" + property, owner, null).json().get("name").asText()).isEqualTo("Plumbing");
        assertThat(server.api("GET", "/api/v1/provider-credentials", owner, null).json()).isEmpty();
        assertThat(server.api("GET", "/api/v1/api-keys", owner, null).json()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void adminsManageSettingsButCannotMakeOwnersGrantRevealOrRevokeOwners(Database.Kind kind) {
        start(kind);
        JsonNode adminKey = key(owner, "{\"name\":\"Agency\",\"role\":\"admin\"}");
        String admin = adminKey.get("secret").asText();

        assertThat(server.api("POST", "/api/v1/properties", admin, PROPERTY).status()).isEqualTo(201);
        assertForbidden(server.api("POST", "/api/v1/api-keys", admin, "{\"name\":\"x\",\"role\":\"owner\"}"), "only an owner");
        assertForbidden(server.api("POST", "/api/v1/api-keys", admin, "{\"name\":\"x\",\"can_reveal\":true}"), "can_reveal");
        assertForbidden(server.api("GET", "/api/v1/audit", admin, null), "owner");
        assertForbidden(server.api("POST", "/api/v1/accounts", admin, "{\"name\":\"Client\"}"), "owner");

        JsonNode viewerKey = key(admin, "{\"name\":\"Dashboard\",\"role\":\"viewer\"}");
        assertThat(viewerKey.get("role").asText()).isEqualTo("viewer");
        assertThat(server.api("DELETE", "/api/v1/api-keys/" + viewerKey.get("id").asLong(), admin, null).status()).isEqualTo(204);
        long ownerKeyId = server.api("GET", "/api/v1/api-keys", owner, null).json().get(0).get("id").asLong();
        assertForbidden(server.api("DELETE", "/api/v1/api-keys/" + ownerKeyId, admin, null), "owner");

        // the account's last owner key cannot be revoked: someone must be able to manage keys
        TestClient.Answer last = server.api("DELETE", "/api/v1/api-keys/" + ownerKeyId, owner, null);
        assertThat(last.status()).as(last.body()).isEqualTo(409);
        assertThat(last.json().get("message").asText()).contains("last owner key");
        assertThat(server.api("GET", "/api/v1/account", owner, null).status()).isEqualTo(200);
        // with a second owner it can
        String second = key(owner, "{\"name\":\"Second owner\",\"role\":\"owner\"}").get("secret").asText();
        assertThat(server.api("DELETE", "/api/v1/api-keys/" + ownerKeyId, second, null).status()).isEqualTo(204);
        assertThat(server.api("GET", "/api/v1/account", owner, null).status()).isEqualTo(401);
    }
}
