package io.calltrail.conversion.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.privacy.CallerCrypto;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A run whose file never arrived (a full disk, a dropped download) is delivered again with the next run, not lost. */
class UndeliveredRunTest {
    private static final String TOKEN = "undelivered-token-0123456789";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aRunThatWasNeverDeliveredGoesOutWithTheNextOne(Database.Kind kind) throws IOException {
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        for (int i = 0; i < 2; i++) {
            String number = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?gclid=lost-" + i + "\"}",
                    "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json().get("numbers").get(0).get("tracking").asText();
            clock.advance(Duration.ofMinutes(1));
            server.simulateCall(number, "+1512555080" + i, 70, true, TOKEN);
        }
        var jdbi = server.database().jdbi();
        Exports exports = new Exports(jdbi, CallerCrypto.open(server.server().settings().keysDir()), clock, null,
                new io.calltrail.privacy.AuditLog(clock));
        Property property = new PropertyStore(jdbi).byPublicKey("demo").orElseThrow();
        var actor = io.calltrail.account.Actor.cli(property.accountId());

        assertThatThrownBy(() -> exports.exportFile(actor, property, Destination.GOOGLE_ADS_CLICKS, null, (runs, csv) -> {
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class);

        List<String> delivered = new ArrayList<>();
        Exports.Report report = exports.exportFile(actor, property, Destination.GOOGLE_ADS_CLICKS, null, (runs, csv) -> delivered.add(csv));
        assertThat(report.sent()).isZero();
        assertThat(report.redelivered()).isEqualTo(2);
        assertThat(report.runsDelivered()).hasSize(2);
        assertThat(delivered.get(0)).contains("lost-0").contains("lost-1");

        delivered.clear();
        exports.exportFile(actor, property, Destination.GOOGLE_ADS_CLICKS, null, (runs, csv) -> delivered.add(csv));
        assertThat(delivered.get(0)).doesNotContain("lost-");
    }
}
