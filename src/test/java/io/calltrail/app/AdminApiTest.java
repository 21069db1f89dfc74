package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestDatabases;
import io.calltrail.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin API: set-up flows, validation, API keys and account isolation, on H2 and PostgreSQL. */
class AdminApiTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String owner(Database.Kind kind) {
        server = TestServer.start(kind, MutableClock.at("2026-06-01T12:00:00Z"), Map.of());
        return server.ownerKey();
    }

    private JsonNode created(String key, String path, String body) {
        TestClient.Answer answer = server.api("POST", path, key, body);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(201);
        return answer.json();
    }

    private void assertInvalid(TestClient.Answer answer, int status, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        if (field != null) {
            assertThat(answer.json().get("field").asText()).as(answer.body()).isEqualTo(field);
        }
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    /** A property with one of everything; returns the ids by name. */
    private Map<String, Long> setUpSite(String key, String publicKey) {
        long property = created(key, "/api/v1/properties", "{\"name\":\"Plumbing\",\"public_key\":\"" + publicKey
                + "\",\"domains\":[\"example.com\",\"https://shop.example.org/\"],\"country\":\"us\",\"time_zone\":\"America/Chicago\",\"currency\":\"usd\"}")
                .get("id").asLong();
        long target = created(key, "/api/v1/target-numbers", "{\"property_id\":" + property + ",\"number\":\"(512) 555-0100\"}").get("id").asLong();
        long pool = created(key, "/api/v1/pools", "{\"property_id\":" + property + ",\"name\":\"Ads\",\"fallback_number\":\"512.555.0199\"}")
                .get("id").asLong();
        String suffix = publicKey.equals("a-site") ? "01" : "02";
        long number = created(key, "/api/v1/tracking-numbers", "{\"property_id\":" + property + ",\"number\":\"+1 737 555 01"
                + suffix + "\",\"forward_to\":\"512-555-0100\",\"pool_id\":" + pool + "}").get("id").asLong();
        long rule = created(key, "/api/v1/source-rules", "{\"property_id\":" + property + ",\"name\":\"Ads\",\"conditions\":"
                + "[{\"field\":\"click_id\",\"value\":\"gclid\"}],\"action\":\"pool\",\"pool_id\":" + pool + "}").get("id").asLong();
        return Map.of("properties", property, "target-numbers", target, "pools", pool, "tracking-numbers", number, "source-rules", rule);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void setUpFlowStoresNumbersInE164AndDefaults(Database.Kind kind) {
        String key = owner(kind);
        Map<String, Long> ids = setUpSite(key, "a-site");
        JsonNode property = server.api("GET", "/api/v1/properties/" + ids.get("properties"), key, null).json();
        assertThat(property.get("domains")).extracting(JsonNode::asText).containsExactly("example.com", "shop.example.org");
        assertThat(property.get("country").asText()).isEqualTo("US");
        assertThat(property.get("currency").asText()).isEqualTo("USD");
        assertThat(property.get("attribution_model").asText()).isEqualTo("last_touch");
        assertThat(server.api("GET", "/api/v1/target-numbers?property=" + ids.get("properties"), key, null).json().get(0)
                .get("e164").asText()).isEqualTo("+15125550100");
        JsonNode pool = server.api("GET", "/api/v1/pools/" + ids.get("pools"), key, null).json();
        assertThat(pool.get("idle_timeout_seconds").asInt()).isEqualTo(1800);
        assertThat(pool.get("linger_seconds").asInt()).isEqualTo(1800);
        assertThat(pool.get("overflow_policy").asText()).isEqualTo("fallback");
        assertThat(pool.get("fallback_e164").asText()).isEqualTo("+15125550199");
        JsonNode number = server.api("GET", "/api/v1/tracking-numbers/" + ids.get("tracking-numbers"), key, null).json();
        assertThat(number.get("e164").asText()).isEqualTo("+17375550101");
        assertThat(number.get("forward_to").asText()).isEqualTo("+15125550100");
        JsonNode rule = server.api("GET", "/api/v1/source-rules/" + ids.get("source-rules"), key, null).json();
        assertThat(rule.get("conditions").get(0).get("field").asText()).isEqualTo("click_id");

        JsonNode patched = server.api("PATCH", "/api/v1/pools/" + ids.get("pools"), key,
                "{\"overflow_policy\":\"reuse-oldest\",\"linger_seconds\":600}").json();
        assertThat(patched.get("overflow_policy").asText()).isEqualTo("reuse-oldest");
        assertThat(patched.get("linger_seconds").asInt()).isEqualTo(600);
        assertThat(patched.get("name").asText()).isEqualTo("Ads");
        JsonNode stats = server.api("GET", "/api/v1/pools/" + ids.get("pools") + "/stats", key, null).json();
        assertThat(stats.get("size").asInt()).isEqualTo(1);
        assertThat(stats.get("free").asInt()).isEqualTo(1);

        // still referred to by the rule and the number: refused, nothing deleted
        assertInvalid(server.api("DELETE", "/api/v1/pools/" + ids.get("pools"), key, null), 409, null);
        assertThat(server.api("DELETE", "/api/v1/source-rules/" + ids.get("source-rules"), key, null).status()).isEqualTo(204);
        assertThat(server.api("GET", "/api/v1/source-rules/" + ids.get("source-rules"), key, null).status()).isEqualTo(404);
        // a taken tracking number is a conflict
        assertInvalid(server.api("POST", "/api/v1/tracking-numbers", key, "{\"property_id\":" + ids.get("properties")
                + ",\"number\":\"+17375550101\",\"forward_to\":\"+15125550100\"}"), 409, "number");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void badInputIsAPrecise4xxNamingTheField(Database.Kind kind) {
        String key = owner(kind);
        long property = setUpSite(key, "a-site").get("properties");
        String base = "{\"name\":\"X\",\"domains\":[\"example.net\"],\"country\":\"US\",\"time_zone\":\"America/Chicago\",\"currency\":\"USD\"";
        assertInvalid(server.api("POST", "/api/v1/properties", key, "{\"name\": \"X\","), 400, null);
        assertInvalid(server.api("POST", "/api/v1/properties", key, "[1,2]"), 400, null);
        assertInvalid(server.api("POST", "/api/v1/properties", key, base + ",\"colour\":\"red\"}"), 422, "colour");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base.replace("\"name\":\"X\",", "") + "}"), 422, "name");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base.replace("America/Chicago", "Mars/Olympus") + "}"), 422, "time_zone");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base.replace("\"USD\"", "\"XYZ\"") + "}"), 422, "currency");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base.replace("\"US\"", "\"QQ\"") + "}"), 422, "country");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base.replace("example.net", "exa mple.net") + "}"), 422, "domains[0]");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base + ",\"session_timeout_seconds\":5}"), 422, "session_timeout_seconds");
        assertInvalid(server.api("POST", "/api/v1/properties", key, base + ",\"public_key\":\"a-site\"}"), 409, "public_key");
        assertInvalid(server.api("POST", "/api/v1/target-numbers", key, "{\"property_id\":" + property + ",\"number\":\"555-12\"}"), 422, "number");
        assertInvalid(server.api("POST", "/api/v1/target-numbers", key, "{\"property_id\":" + property + ",\"number\":\"020 7946 0958\"}"), 422, "number");
        assertInvalid(server.api("POST", "/api/v1/target-numbers", key, "{\"number\":\"+15125550100\"}"), 422, "property_id");
        assertInvalid(server.api("POST", "/api/v1/target-numbers", key, "{\"property_id\":\"one\",\"number\":\"+15125550100\"}"), 422, "property_id");
        assertInvalid(server.api("POST", "/api/v1/tracking-numbers", key, "{\"property_id\":" + property
                + ",\"number\":\"+17375550150\",\"forward_to\":\"12\"}"), 422, "forward_to");
        assertInvalid(server.api("POST", "/api/v1/tracking-numbers", key, "{\"property_id\":" + property
                + ",\"number\":\"+17375550150\",\"forward_to\":\"+17375550150\"}"), 422, "forward_to");
        assertInvalid(server.api("POST", "/api/v1/pools", key, "{\"property_id\":" + property + ",\"name\":\"P\",\"fallback_number\":\"+1 555\"}"), 422, "fallback_number");
        assertInvalid(server.api("POST", "/api/v1/pools", key, "{\"property_id\":" + property + ",\"name\":\"P\",\"overflow_policy\":\"panic\"}"), 422, "overflow_policy");
        assertInvalid(server.api("POST", "/api/v1/pools", key, "{\"property_id\":" + property + ",\"name\":\"P\",\"idle_timeout_seconds\":-1}"), 422, "idle_timeout_seconds");
        assertInvalid(server.api("POST", "/api/v1/source-rules", key, "{\"property_id\":" + property + ",\"name\":\"R\",\"action\":\"pool\"}"), 422, "pool_id");
        assertInvalid(server.api("POST", "/api/v1/source-rules", key, "{\"property_id\":" + property + ",\"name\":\"R\",\"action\":\"none\","
                + "\"conditions\":[{\"field\":\"utm_source\",\"operator\":\"equals\"}]}"), 422, "conditions[0].value");
        assertInvalid(server.api("POST", "/api/v1/source-rules", key, "{\"property_id\":" + property + ",\"name\":\"R\",\"action\":\"none\","
                + "\"conditions\":[{\"field\":\"click_id\",\"value\":\"yclid\"}]}"), 422, "conditions[0].value");
        assertInvalid(server.api("GET", "/api/v1/pools?property=abc", key, null), 400, "property");
        assertInvalid(server.api("PUT", "/api/v1/pools/1", key, "{}"), 405, null);
        assertInvalid(server.api("GET", "/api/v1/nothing-here", key, null), 404, null);
        String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
        assertThat(server.api("POST", "/api/v1/properties", key, huge).status()).isEqualTo(413);
        // nothing was half-written
        assertThat(server.api("GET", "/api/v1/properties", key, null).json()).hasSize(1);
        assertThat(server.api("GET", "/api/v1/target-numbers", key, null).json()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anotherAccountsIdsAnswer404OnEveryRoute(Database.Kind kind) {
        String ownerKey = owner(kind);
        JsonNode client = created(ownerKey, "/api/v1/accounts", "{\"name\":\"Client B\"}");
        String other = client.get("api_key").get("secret").asText();
        Map<String, Long> ownerIds = setUpSite(ownerKey, "a-site");
        Map<String, Long> otherIds = setUpSite(other, "b-site");
        for (Map.Entry<String, Long> entry : ownerIds.entrySet()) {
            String path = "/api/v1/" + entry.getKey() + "/" + entry.getValue();
            assertThat(server.api("GET", path, other, null).status()).as("GET " + path).isEqualTo(404);
            assertThat(server.api("PATCH", path, other, "{\"name\":\"stolen\"}").status()).as("PATCH " + path).isEqualTo(404);
            assertThat(server.api("DELETE", path, other, null).status()).as("DELETE " + path).isEqualTo(404);
            List<Long> listed = server.api("GET", "/api/v1/" + entry.getKey(), other, null).json().findValues("id").stream()
                    .map(JsonNode::asLong).toList();
            assertThat(listed).as("list " + entry.getKey()).containsExactly(otherIds.get(entry.getKey()));
        }
        String pool = "/api/v1/pools/" + ownerIds.get("pools");
        assertThat(server.api("GET", pool + "/stats", other, null).status()).isEqualTo(404);
        assertThat(server.api("GET", pool + "/leases", other, null).status()).isEqualTo(404);
        // references into another account are refused, not followed
        assertInvalid(server.api("POST", "/api/v1/target-numbers", other, "{\"property_id\":" + ownerIds.get("properties")
                + ",\"number\":\"+15125550100\"}"), 422, "property_id");
        assertInvalid(server.api("PATCH", "/api/v1/tracking-numbers/" + otherIds.get("tracking-numbers"), other,
                "{\"pool_id\":" + ownerIds.get("pools") + "}"), 422, "pool_id");
        assertInvalid(server.api("POST", "/api/v1/source-rules", other, "{\"property_id\":" + otherIds.get("properties")
                + ",\"name\":\"x\",\"action\":\"pool\",\"pool_id\":" + ownerIds.get("pools") + "}"), 422, "pool_id");
        // nothing changed on the owner's side
        assertThat(server.api("GET", "/api/v1/properties/" + ownerIds.get("properties"), ownerKey, null).json().get("name").asText())
                .isEqualTo("Plumbing");
        // only the operator sees or creates accounts
        assertThat(server.api("GET", "/api/v1/accounts", other, null).json()).hasSize(1);
        assertInvalid(server.api("POST", "/api/v1/accounts", other, "{\"name\":\"C\"}"), 403, null);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void apiKeysAreShownOnceStoredHashedAndRevocable(Database.Kind kind) {
        String key = owner(kind);
        assertInvalid(server.get("/api/v1/account"), 401, "Authorization");
        assertInvalid(server.api("GET", "/api/v1/account", "ct_not-a-key", null), 401, "Authorization");
        JsonNode fresh = created(key, "/api/v1/api-keys", "{\"name\":\"CRM sync\"}");
        String secret = fresh.get("secret").asText();
        assertThat(secret).startsWith("ct_").hasSizeGreaterThan(40);
        assertThat(server.api("GET", "/api/v1/account", secret, null).json().get("name").asText()).isEqualTo("Owner");
        String listed = server.api("GET", "/api/v1/api-keys", key, null).body();
        assertThat(listed).doesNotContain(secret).contains(fresh.get("prefix").asText());
        int plain = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM api_key WHERE key_hash = :secret OR prefix = :secret").bind("secret", secret).mapTo(Integer.class).one());
        assertThat(plain).isZero();
        assertThat(server.api("DELETE", "/api/v1/api-keys/" + fresh.get("id").asLong(), key, null).status()).isEqualTo(204);
        assertInvalid(server.api("GET", "/api/v1/account", secret, null), 401, "Authorization");
        assertThat(server.api("GET", "/api/v1/account", key, null).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void firstStartCreatesTheOwnerOnceWithTheProvisionedKey(Database.Kind kind) {
        String provisioned = "provisioned-key-0123456789-abcdef";
        TestDatabases.Target target = TestDatabases.target(kind);
        try (TestServer first = TestServer.start(target, MutableClock.at("2026-06-01T12:00:00Z"), Map.of("admin.apiKey", provisioned))) {
            assertThat(first.server().ownerKey()).contains(provisioned);
            assertThat(first.api("GET", "/api/v1/account", provisioned, null).json().get("operator").asBoolean()).isTrue();
        }
        if (kind == Database.Kind.H2) {
            return; // an in-memory H2 does not outlive its server; the file-database restart is covered by DemoIT
        }
        try (TestServer second = TestServer.start(target, MutableClock.at("2026-06-01T12:00:00Z"), Map.of())) {
            assertThat(second.server().ownerKey()).isEmpty();
            assertThat(second.api("GET", "/api/v1/accounts", provisioned, null).json()).hasSize(1);
        }
    }
}
