package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Account;
import io.calltrail.pool.Pool;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every public endpoint answers malformed JSON, unknown property keys, foreign origins, oversized
 * bodies and invalid values with a precise 4xx and a JSON error, never a 5xx.
 */
class PublicEndpointErrorsTest {
    private TestServer server;
    private String session;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        server = TestServer.start(kind, MutableClock.at("2026-05-04T15:00:00Z"), Map.of("tracking.rateLimitPerMinute", "0"));
        Fixtures fixtures = new Fixtures(server.database());
        Account account = fixtures.account("Plumber");
        Property property = fixtures.property(account, "site");
        fixtures.target(property, "+15125550100");
        Pool pool = fixtures.pool(property, 2, 100, Pool.OverflowPolicy.FALLBACK, 1800, 1800, null);
        fixtures.rule(property, 10, List.of(), SourceRule.Action.POOL, pool.id(), null);
        session = server.post("/v1/sessions", "{\"property\":\"site\"}").json().get("session").asText();
    }

    private void expect(TestClient.Answer answer, int status, String error, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.json().get("error").asText()).isEqualTo(error);
        if (field != null) {
            assertThat(answer.json().get("field").asText()).isEqualTo(field);
        }
    }

    private String event(String overrides) {
        return "{\"type\":\"page_view\",\"id\":\"0b6f6b9e-6a55-4d3c-8f4c-2a1d2b3c4d5e\",\"property\":\"site\",\"session\":\""
                + session + "\",\"at\":1777906800000" + overrides + "}";
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void sessionsEndpointRefusesBadInputPrecisely(Database.Kind kind) {
        start(kind);
        expect(server.post("/v1/sessions", "{\"property\": \"site\","), 400, "malformed_json", null);
        expect(server.post("/v1/sessions", ""), 400, "malformed_json", null);
        expect(server.post("/v1/sessions", "\"site\""), 400, "malformed_json", null);
        // not UTF-8 (a Latin-1 "ÿ"): refused, not read with a replacement character
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"http://localhost/\u00ff\"}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), 400, "malformed_json", null);
        expect(server.post("/v1/sessions", "{\"property\":\"nope\"}"), 404, "unknown_property", "property");
        expect(server.post("/v1/sessions", "{\"property\":\"../../etc\"}"), 404, "unknown_property", "property");
        expect(server.post("/v1/sessions", "{}"), 422, "invalid_field", "property");
        expect(server.post("/v1/sessions", "{\"property\":42}"), 422, "invalid_field", "property");
        expect(server.post("/v1/sessions", "{\"property\":\"site\"}", "Origin", "https://evil.example.net"), 403, "foreign_origin", "Origin");
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"session\":\"abc\"}"), 422, "invalid_field", "session");
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"javascript:alert(1)\"}"), 422, "invalid_field", "url");
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"consent\":{\"ad_storage\":\"maybe\"}}"), 422, "invalid_field", "consent.ad_storage");
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"consent\":\"yes\"}"), 400, "malformed_json", null);
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"https://x/" + "a".repeat(20_000) + "\"}"), 413, "body_too_large", null);
        expect(server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"https://x/" + "a".repeat(3_000) + "\"}"), 422, "invalid_field", "url");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void eventsEndpointRefusesBadInputPrecisely(Database.Kind kind) {
        start(kind);
        String plain = "text/plain";
        expect(server.post("/v1/events", "{\"type\":", "Content-Type", plain), 400, "malformed_json", null);
        expect(server.post("/v1/events", "[]", "Content-Type", plain), 422, "invalid_field", "events");
        expect(server.post("/v1/events", "[1]", "Content-Type", plain), 400, "malformed_json", null);
        expect(server.post("/v1/events", event(",\"url\":\"http://localhost/d\u00e9mo/\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "Content-Type", plain), 400, "malformed_json", null);
        expect(server.post("/v1/events", event("").replace("\"site\"", "\"nope\""), "Content-Type", plain), 404, "unknown_property", "property");
        expect(server.post("/v1/events", event(""), "Content-Type", plain, "Origin", "http://evil.test"), 403, "foreign_origin", "Origin");
        expect(server.post("/v1/events", event("").replace("page_view", "purchase"), "Content-Type", plain), 422, "invalid_field", "type");
        expect(server.post("/v1/events", event("").replace("page_view", "tel_click"), "Content-Type", plain), 422, "invalid_field", "number");
        expect(server.post("/v1/events", event(",\"at\":12"), "Content-Type", plain), 400, "malformed_json", null);
        expect(server.post("/v1/events", event("").replace("1777906800000", "12"), "Content-Type", plain), 422, "invalid_field", "at");
        expect(server.post("/v1/events", event("").replace("1777906800000", "\"soon\""), "Content-Type", plain), 422, "invalid_field", "at");
        expect(server.post("/v1/events", event("").replace(session, "6f1c2b3a-0000-4000-8000-000000000000"), "Content-Type", plain),
                422, "unknown_session", "session");
        expect(server.post("/v1/events", "[" + event("") + "," + event("").replace("\"site\"", "\"other\"") + "]", "Content-Type", plain),
                422, "invalid_field", "events[1].property");
        StringBuilder big = new StringBuilder("[");
        while (big.length() < 70_000) {
            big.append(event("")).append(',');
        }
        big.setCharAt(big.length() - 1, ']');
        expect(server.post("/v1/events", big.toString(), "Content-Type", plain), 413, "body_too_large", null);
        assertThat(server.server().awaitEventsLoaded(java.time.Duration.ofSeconds(10))).isTrue();
        int stored = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM tracking_event")
                .mapTo(Integer.class).one());
        assertThat(stored).isZero();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void ampEndpointRefusesBadInputPrecisely(Database.Kind kind) {
        start(kind);
        expect(server.get("/v1/amp/nope"), 404, "unknown_property", "propertyKey");
        expect(server.get("/v1/amp/site?__amp_source_origin=https%3A%2F%2Fevil.test"), 403, "foreign_origin", "__amp_source_origin");
        expect(server.get("/v1/amp/site", "Origin", "https://evil.test"), 403, "foreign_origin", "Origin");
        expect(server.get("/v1/amp/site?url=ftp%3A%2F%2Fx"), 422, "invalid_field", "url");
        assertThat(server.get("/v1/amp/site?session=garbage").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void garbageNeverCausesA5xx(Database.Kind kind) {
        start(kind);
        Random random = new Random(42);
        String[] fragments = {"{", "}", "[", "]", "\"property\"", ":", ",", "\"site\"", "null", "true", "1e999", "-0",
                "\"session\"", "\"at\"", "\"type\"", "\"tel_click\"", "\"\\u0000\"", "\"\\ud800\"", "{\"a\":{\"b\":{\"c\":[[[[",
                "\"consent\"", "\"url\"", "\"https://x\"", "99999999999999999999999"};
        for (int i = 0; i < 300; i++) {
            StringBuilder body = new StringBuilder();
            for (int j = random.nextInt(12); j >= 0; j--) {
                body.append(fragments[random.nextInt(fragments.length)]);
            }
            for (String path : new String[] {"/v1/sessions", "/v1/events"}) {
                TestClient.Answer answer = server.post(path, body.toString(), "Content-Type", "text/plain");
                assertThat(answer.status()).as(path + " <- " + body + " -> " + answer.body()).isBetween(200, 499);
            }
        }
    }
}
