package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.store.Database;
import io.calltrail.testing.ServerProcess;
import io.calltrail.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.StringJoiner;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * "Acknowledged means stored", against a crash: the embedded database keeps commits in memory for up to a second, so
 * events it has just taken from the spool would be lost with the process if the spool had already forgotten them.
 */
class EventCrashIT {
    private static final int BATCHES = 20;
    private static final int PER_BATCH = 25;

    private static double storedSoFar(TestClient client) {
        return client.get("/metrics").body().lines().filter(line -> line.startsWith("calltrail_events_stored_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void eventsAcknowledgedJustBeforeASigkillAreAllStoredAfterTheRestart() throws Exception {
        Path work = Files.createTempDirectory("calltrail-event-crash");
        String h2 = Database.h2Url(work.resolve("data"));
        try (ServerProcess seeding = ServerProcess.startIn(work, "--demo")) {
            assertThat(seeding.client().get("/health/ready").status()).isEqualTo(200);
        } // stopped cleanly: the demo property is on disk
        String session;
        // H2 writing its commits 5 s late instead of within milliseconds: the window a crash can hit, made wide.
        try (ServerProcess server = ServerProcess.startIn(work, "--demo", "--set", "tracking.rateLimitPerMinute=0",
                "--db-url", h2 + ";WRITE_DELAY=5000")) {
            TestClient client = server.client();
            session = client.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + client.uri("/demo/?gclid=crash") + "\"}")
                    .json().get("session").asText();
            long now = System.currentTimeMillis();
            for (int batch = 0; batch < BATCHES; batch++) {
                StringJoiner events = new StringJoiner(",", "[", "]");
                for (int i = 0; i < PER_BATCH; i++) {
                    events.add("{\"type\":\"page_view\",\"id\":\"" + UUID.randomUUID() + "\",\"property\":\"demo\",\"session\":\""
                            + session + "\",\"url\":\"" + client.uri("/demo/page-" + i) + "\",\"at\":" + now + "}");
                }
                assertThat(client.post("/v1/events", events.toString(), "Content-Type", "text/plain").status()).isEqualTo(200);
            }
            // Killed once the loader has committed them to the database, before the database writes its file.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (storedSoFar(client) < BATCHES * PER_BATCH && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            server.kill();
        }
        try (ServerProcess restarted = ServerProcess.startIn(work, "--demo")) {
            assertThat(restarted.client().get("/health/ready").status()).isEqualTo(200);
        } // a clean stop: what the restart loaded from the spool is on disk when it has ended
        try (Connection connection = DriverManager.getConnection(h2);
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM tracking_event WHERE session_id = ?")) {
            count.setString(1, session);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).as("events acknowledged before the crash").isEqualTo(BATCHES * PER_BATCH);
            }
        }
    }
}
