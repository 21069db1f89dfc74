package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestDatabases;
import io.calltrail.testing.TestServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void readyOnlyWhileTheDatabaseAnswers() throws Exception {
        assumeTrue(System.getenv("CALLTRAIL_TEST_PG_CTL") != null || "true".equals(System.getenv("CI")),
                "skipped: needs the PostgreSQL server that .ci/run starts, to stop and restart it");
        try (TestServer server = TestServer.start(Database.Kind.POSTGRESQL, MutableClock.at("2026-01-01T00:00:00Z"), Map.of())) {
            assertThat(server.get("/health/ready").status()).isEqualTo(200);
            TestDatabases.postgres("stop");
            try {
                assertThat(server.get("/health/ready").status()).isEqualTo(503);
                assertThat(server.get("/health/ready").json().get("database").asText()).isEqualTo("down");
                assertThat(server.get("/health/live").status()).isEqualTo(200);
                // the public API answers that nothing was stored, and when to retry
                var refused = server.post("/v1/sessions", "{\"property\":\"x\"}");
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("5");
            } finally {
                TestDatabases.postgres("restart");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                status = server.get("/health/ready").status();
                Thread.sleep(200);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    @Test
    void eventsAcknowledgedWhileTheDatabaseIsDownReachItWhenItIsBack() throws Exception {
        assumeTrue(System.getenv("CALLTRAIL_TEST_PG_CTL") != null || "true".equals(System.getenv("CI")),
                "skipped: needs the PostgreSQL server that .ci/run starts, to stop and restart it");
        try (TestServer server = TestServer.start(Database.Kind.POSTGRESQL, MutableClock.at("2026-01-01T00:00:00Z"), Map.of())) {
            var fixtures = new io.calltrail.testing.Fixtures(server.database());
            var property = fixtures.property(fixtures.account("A"), "down");
            fixtures.target(property, "+15125550100");
            String session = server.post("/v1/sessions", "{\"property\":\"down\"}").json().get("session").asText();
            TestDatabases.postgres("stop");
            try {
                for (int i = 0; i < 5; i++) {
                    String event = "{\"type\":\"page_view\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"property\":\"down\","
                            + "\"session\":\"" + session + "\",\"at\":1767225600000}";
                    assertThat(server.post("/v1/events", event, "Content-Type", "text/plain").status()).isEqualTo(200);
                }
                assertThat(server.server().awaitEventsLoaded(java.time.Duration.ofMillis(500))).isFalse();
                // A new session is not acknowledged: the session writer's commit fails, and the answer says so.
                var refused = server.post("/v1/sessions", "{\"property\":\"down\"}");
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("5");
            } finally {
                TestDatabases.postgres("restart");
            }
            assertThat(server.server().awaitEventsLoaded(java.time.Duration.ofSeconds(30))).isTrue();
            int stored = server.database().jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT COUNT(*) FROM tracking_event").mapTo(Integer.class).one());
            assertThat(stored).isEqualTo(5);
        }
    }

    @Test
    void liveAndReadyOnH2() {
        try (TestServer server = TestServer.start(Database.Kind.H2, MutableClock.at("2026-01-01T00:00:00Z"), Map.of())) {
            assertThat(server.get("/health/live").json().get("status").asText()).isEqualTo("up");
            assertThat(server.get("/health/ready").json().get("database").asText()).isEqualTo("up");
            assertThat(server.get("/metrics").header("Content-Type")).startsWith("text/plain");
        }
    }
}
