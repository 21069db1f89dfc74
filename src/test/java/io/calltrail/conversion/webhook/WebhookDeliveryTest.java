package io.calltrail.conversion.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import io.calltrail.conversion.delivery.Deliverer;
import io.calltrail.conversion.delivery.DeliveryReport;
import io.calltrail.conversion.delivery.Outbox;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Webhook events through the outbox to a real receiver: signed per attempt, retried with backoff, on H2 and PostgreSQL. */
class WebhookDeliveryTest {
    private static final Duration BACKOFF = Duration.ofSeconds(30);
    private static final Pattern TIMESTAMP = Pattern.compile("t=(\\d+),v1=[0-9a-f]{64}");

    @TempDir
    Path keys;

    private Database database;
    private Jdbi jdbi;
    private Receiver receiver;
    private MutableClock clock;
    private Webhooks webhooks;
    private Deliverer deliverer;
    private long account;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private void start(Database.Kind kind) {
        database = TestDatabases.fresh(kind);
        jdbi = database.jdbi();
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        receiver = Receiver.start();
        CallerCrypto crypto = CallerCrypto.open(keys);
        webhooks = new Webhooks(new Outbox(clock), crypto, clock);
        deliverer = new Deliverer(jdbi, clock, Deliverer.httpClient(Duration.ofSeconds(5)),
                Map.of(Webhooks.KIND, new WebhookAuthorizer(crypto)), 10, BACKOFF, Duration.ofSeconds(5));
        account = new Fixtures(database).account("Plumber").id();
    }

    private Webhooks.WithSecret endpoint(long accountId, String path, List<String> events, boolean active) {
        return jdbi.inTransaction(handle -> webhooks.create(handle, accountId, receiver.uri(path).toString(), events, active));
    }

    private void publish(long accountId, String type, Map<String, Object> data) {
        jdbi.useTransaction(handle -> webhooks.publish(handle, accountId, type, data));
    }

    private List<DeliveryReport> deliveries(long endpoint) {
        return jdbi.withHandle(handle -> webhooks.deliveries(handle, account, endpoint, null, 100));
    }

    private static long signedAt(Receiver.Request request) {
        Matcher matcher = TIMESTAMP.matcher(request.header("Calltrail-Signature"));
        assertThat(matcher.matches()).as(request.header("Calltrail-Signature")).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aFailingReceiverGetsTheEventAgainWithBackoffUntilItAnswers(Database.Kind kind) {
        start(kind);
        Webhooks.WithSecret created = endpoint(account, "/calltrail", List.of(Webhooks.CONVERSION_CREATED), true);
        receiver.answer(500, Receiver.DROP);
        Instant first = clock.instant();
        publish(account, Webhooks.CONVERSION_CREATED, Map.of("conversion_id", 7, "conversion_value", new BigDecimal("120.00")));

        assertThat(deliverer.deliverDue()).isEqualTo(1);                       // 500
        assertThat(deliveries(created.endpoint().id()).get(0).nextAttemptAt()).isEqualTo(first.plus(BACKOFF));
        clock.advance(BACKOFF.minusSeconds(1));
        assertThat(deliverer.deliverDue()).isZero();                           // not due yet
        clock.advance(Duration.ofSeconds(1));
        assertThat(deliverer.deliverDue()).isEqualTo(1);                       // connection dropped
        assertThat(deliveries(created.endpoint().id()).get(0).nextAttemptAt()).isEqualTo(first.plus(BACKOFF).plus(BACKOFF.multipliedBy(2)));
        clock.advance(BACKOFF.multipliedBy(2).minusSeconds(1));
        assertThat(deliverer.deliverDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(deliverer.deliverDue()).isEqualTo(1);                       // 200
        clock.advance(Duration.ofDays(1));
        assertThat(deliverer.deliverDue()).isZero();                           // delivered: never sent again

        List<Receiver.Request> requests = receiver.requests();
        assertThat(requests).extracting(Receiver.Request::answered).containsExactly(500, Receiver.DROP, 200);
        assertThat(requests).extracting(Receiver.Request::body).containsOnly(requests.get(0).body());
        assertThat(requests.stream().filter(request -> request.answered() == 200)).hasSize(1);

        DeliveryReport report = deliveries(created.endpoint().id()).get(0);
        assertThat(report.status()).isEqualTo(DeliveryReport.Status.DELIVERED);
        assertThat(report.deliveredAt()).isEqualTo(first.plusSeconds(90));
        assertThat(report.lastStatusCode()).isEqualTo(200);
        assertThat(report.attempts()).extracting(DeliveryReport.Attempt::attempt).containsExactly(1, 2, 3);
        assertThat(report.attempts()).extracting(DeliveryReport.Attempt::attemptedAt)
                .containsExactly(first, first.plusSeconds(30), first.plusSeconds(90));
        assertThat(report.attempts()).extracting(DeliveryReport.Attempt::statusCode).containsExactly(500, null, 200);
        assertThat(report.attempts().get(0).error()).isNull();
        assertThat(report.attempts().get(1).error()).startsWith("connection failed");
        assertThat(report.attempts().get(2).error()).isNull();

        for (Receiver.Request request : requests) {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/calltrail");
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("Calltrail-Event")).isEqualTo("conversion.created");
            assertThat(request.header("Calltrail-Delivery")).isEqualTo(Long.toString(report.id()));
            assertThat(request.header("User-Agent")).startsWith("Calltrail-Webhooks/");
        }
        // each attempt is signed at its own time
        assertThat(requests).extracting(WebhookDeliveryTest::signedAt).containsExactly(
                first.getEpochSecond(), first.getEpochSecond() + 30, first.getEpochSecond() + 90);

        Receiver.Request delivered = requests.get(2);
        Instant now = clock.instant().minus(Duration.ofDays(1));
        String signature = delivered.header("Calltrail-Signature");
        assertThat(WebhookSignature.verify(created.secret(), signature, delivered.body(), now, WebhookSignature.RECOMMENDED_TOLERANCE))
                .isTrue();
        assertThat(WebhookSignature.verify(created.secret(), signature, delivered.body().replace("120.00", "12000.00"), now,
                WebhookSignature.RECOMMENDED_TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(created.secret(), signature, delivered.body(), now.plus(Duration.ofMinutes(6)),
                WebhookSignature.RECOMMENDED_TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), signature, delivered.body(), now,
                WebhookSignature.RECOMMENDED_TOLERANCE)).isFalse();
        // the first attempt's signature is too old to be replayed now
        assertThat(WebhookSignature.verify(created.secret(), requests.get(0).header("Calltrail-Signature"), requests.get(0).body(),
                now.plus(Duration.ofMinutes(5)), WebhookSignature.RECOMMENDED_TOLERANCE)).isFalse();

        JsonNode event = Json.parse(delivered.body());
        assertThat(event.get("id").asText()).matches("evt_[A-Za-z0-9_-]{24}");
        assertThat(event.get("type").asText()).isEqualTo("conversion.created");
        assertThat(event.get("created_at").asText()).isEqualTo("2026-05-04T15:00:00Z");
        assertThat(event.get("data").get("conversion_id").asLong()).isEqualTo(7);
        assertThat(event.get("data").get("conversion_value").decimalValue()).isEqualByComparingTo("120.00");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void eventsGoOnlyToActiveEndpointsOfTheAccountThatSubscribe(Database.Kind kind) {
        start(kind);
        long other = new Fixtures(database).account("Other").id();
        long conversions = endpoint(account, "/conversions", List.of(Webhooks.CONVERSION_CREATED, Webhooks.CONVERSION_UPDATED), true)
                .endpoint().id();
        long calls = endpoint(account, "/calls", List.of(Webhooks.CALL_COMPLETED), true).endpoint().id();
        long paused = endpoint(account, "/paused", List.of(Webhooks.CONVERSION_CREATED), false).endpoint().id();
        long foreign = endpoint(other, "/foreign", List.of(Webhooks.CONVERSION_CREATED), true).endpoint().id();

        publish(account, Webhooks.CONVERSION_UPDATED, Map.of("conversion_id", 1));
        publish(account, Webhooks.CONVERSION_CREATED, Map.of("conversion_id", 2));
        assertThat(deliveries(conversions)).extracting(DeliveryReport::eventType).containsExactly("conversion.created", "conversion.updated");
        assertThat(deliveries(calls)).isEmpty();
        assertThat(deliveries(paused)).isEmpty();
        List<DeliveryReport> foreignDeliveries = jdbi.withHandle(handle -> webhooks.deliveries(handle, other, foreign, null, 10));
        assertThat(foreignDeliveries).isEmpty();

        assertThat(deliverer.deliverDue()).isEqualTo(2);
        assertThat(receiver.requests()).extracting(Receiver.Request::path).containsOnly("/conversions");
        assertThatThrownBy(() -> publish(account, "call.started", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call.started");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void nothingIsQueuedWhenThePublishersTransactionRollsBack(Database.Kind kind) {
        start(kind);
        long endpoint = endpoint(account, "/hook", List.of(Webhooks.CONVERSION_CREATED), true).endpoint().id();
        assertThatThrownBy(() -> jdbi.useTransaction(handle -> {
            webhooks.publish(handle, account, Webhooks.CONVERSION_CREATED, Map.of("conversion_id", 1));
            throw new IllegalStateException("the conversion could not be stored");
        })).hasMessageContaining("could not be stored");
        assertThat(deliveries(endpoint)).isEmpty();
        assertThat(deliverer.deliverDue()).isZero();
        assertThat(receiver.requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void retriesAreSignedWithTheCurrentSecretAndFollowANewUrl(Database.Kind kind) {
        start(kind);
        Webhooks.WithSecret created = endpoint(account, "/old", List.of(Webhooks.CONVERSION_CREATED), true);
        long id = created.endpoint().id();
        receiver.answer(503);
        publish(account, Webhooks.CONVERSION_CREATED, Map.of("conversion_id", 1));
        assertThat(deliverer.deliverDue()).isEqualTo(1);

        String rotated = jdbi.inTransaction(handle -> webhooks.rotateSecret(handle, account, id)).orElseThrow().secret();
        assertThat(rotated).isNotEqualTo(created.secret()).startsWith("whsec_");
        jdbi.useTransaction(handle -> webhooks.update(handle, new WebhookEndpoint(id, account, receiver.uri("/new").toString(),
                created.endpoint().events(), true, created.endpoint().createdAt(), created.endpoint().updatedAt())));
        clock.advance(BACKOFF);
        assertThat(deliverer.deliverDue()).isEqualTo(1);

        Receiver.Request retry = receiver.requests().get(1);
        assertThat(retry.path()).isEqualTo("/new");
        assertThat(WebhookSignature.verify(rotated, retry.header("Calltrail-Signature"), retry.body(), clock.instant(),
                WebhookSignature.RECOMMENDED_TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(created.secret(), retry.header("Calltrail-Signature"), retry.body(), clock.instant(),
                WebhookSignature.RECOMMENDED_TOLERANCE)).isFalse();
        assertThat(deliveries(id).get(0).url()).isEqualTo(receiver.uri("/new").toString());

        // a deleted endpoint takes its deliveries and their attempts with it
        boolean deleted = jdbi.inTransaction(handle -> webhooks.delete(handle, account, id));
        assertThat(deleted).isTrue();
        int left = jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM delivery").mapTo(Integer.class).one()
                + handle.createQuery("SELECT COUNT(*) FROM delivery_attempt").mapTo(Integer.class).one());
        assertThat(left).isZero();
        boolean again = jdbi.inTransaction(handle -> webhooks.delete(handle, account, id));
        assertThat(again).isFalse();
    }
}
