package io.calltrail.conversion.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.DemoTraffic;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A webhook's page lists its latest deliveries: what was sent, how it went, and when it is tried again. */
class WebhookPagesTest {
    private TestServer server;
    private Receiver receiver;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theWebhookPageShowsEachDeliveryAndTheReceiversLastAnswer(Database.Kind kind) throws Exception {
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true"));
        receiver = Receiver.start().answer(503);
        TestClient.Answer created = server.api("POST", "/api/v1/webhooks", server.demoKey(),
                "{\"url\":\"" + receiver.uri("/calltrail") + "\",\"events\":[\"call.completed\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        WebUser ana = WebUser.signedIn(server, "ana@example.com", server.demoAccountId(), Role.ADMIN);
        assertThat(ana.get("/app/setup/webhooks/" + id).body()).contains("Recent deliveries", "Nothing sent yet");

        new DemoTraffic(server, clock).call("+15125550110", "+15125550199", 75, true); // the Yelp listing's number
        server.server().deliverer().deliverDue();
        receiver.await(1, Duration.ofSeconds(10));
        String page = ana.get("/app/setup/webhooks/" + id).body();
        assertThat(page).contains("call.completed", "badge warn\">pending", "HTTP 503");

        clock.advance(Duration.ofHours(1));
        server.server().deliverer().deliverDue();
        receiver.await(2, Duration.ofSeconds(10));
        assertThat(ana.get("/app/setup/webhooks/" + id).body()).contains("badge good\">delivered", "HTTP 200");

        WebUser stranger = WebUser.signedIn(server, "olga@example.com", server.ownerAccountId(), Role.OWNER);
        assertThat(stranger.get("/app/setup/webhooks/" + id).status()).isEqualTo(404);
    }
}
