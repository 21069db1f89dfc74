package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.store.Database;
import io.calltrail.testing.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `serve --demo` makes on first start. */
class DemoSeedTest {

    @Test
    void theDemoWebhookTokenLooksLikeTwiliosAndIsKeptInTheDataFolder() throws Exception {
        try (TestServer server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true"))) {
            String token = server.server().demo().orElseThrow().authToken();
            // 32 hexadecimal digits: never a leading '-', which `simulate-call --auth-token TOKEN` would read as options
            assertThat(token).matches("[0-9a-f]{32}");
            assertThat(Files.readString(server.server().settings().dataDir().resolve("demo-auth-token")).strip()).isEqualTo(token);
        }
    }
}
