package io.calltrail.conversion.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.TestDatabases;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox and its deliverer against a real receiver, on H2 and PostgreSQL. */
class DelivererTest {
    private static final Duration BACKOFF = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Names the delivery, so the receiver can tell them apart. */
    private static final Authorizer TEST = (handle, delivery, request, body, now) ->
            request.header("Test-Delivery", Long.toString(delivery.id()));

    private final List<Database> databases = new ArrayList<>();
    private Jdbi jdbi;
    private Receiver receiver;
    private MutableClock clock;
    private long account;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        databases.forEach(Database::close);
    }

    private TestDatabases.Target start(Database.Kind kind) {
        TestDatabases.Target target = TestDatabases.target(kind);
        Database database = target.open(10);
        databases.add(database);
        database.migrate();
        jdbi = database.jdbi();
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        receiver = Receiver.start();
        account = new Fixtures(database).account("Plumber").id();
        return target;
    }

    private Deliverer deliverer(Jdbi on, int maxAttempts) {
        return new Deliverer(on, clock, Deliverer.httpClient(TIMEOUT), Map.of("test", TEST), maxAttempts, BACKOFF, TIMEOUT);
    }

    private long enqueue(String kind) {
        return jdbi.inTransaction(handle -> new Outbox(clock).enqueue(handle, account, kind, 1L, receiver.uri("/in"), "test.event",
                "{\"n\":1}"));
    }

    private Map<String, Object> row(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT status, attempts, last_status_code, last_error FROM delivery WHERE id = :id")
                .bind("id", id).mapToMap().one());
    }

    private int count(String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Integer.class).one());
    }

    @Test
    void backoffDoublesFromTheBaseAndStopsAtSixHours() {
        assertThat(Deliverer.backoff(BACKOFF, 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Deliverer.backoff(BACKOFF, 2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Deliverer.backoff(BACKOFF, 3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Deliverer.backoff(BACKOFF, 9)).isEqualTo(Duration.ofMinutes(128));
        assertThat(Deliverer.backoff(BACKOFF, 10)).isEqualTo(Duration.ofMinutes(256));
        assertThat(Deliverer.backoff(BACKOFF, 11)).isEqualTo(Duration.ofHours(6));
        assertThat(Deliverer.backoff(BACKOFF, 64)).isEqualTo(Duration.ofHours(6));
        assertThat(Deliverer.backoff(Duration.ofDays(1), 1)).isEqualTo(Duration.ofHours(6));
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void afterTheLastFailedAttemptADeliveryIsFailedAndNeverTriedAgain(Database.Kind kind) {
        start(kind);
        receiver.answer(500, 502, 404);
        long id = enqueue("test");
        Deliverer deliverer = deliverer(jdbi, 3);
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(deliverer.deliverDue()).as("attempt " + attempt).isEqualTo(1);
            clock.advance(Deliverer.backoff(BACKOFF, attempt));
        }
        clock.advance(Duration.ofDays(30));
        assertThat(deliverer.deliverDue()).isZero();
        assertThat(receiver.requests()).extracting(Receiver.Request::answered).containsExactly(500, 502, 404);
        assertThat(row(id)).containsEntry("status", "failed").containsEntry("attempts", 3).containsEntry("last_status_code", 404);
        assertThat(count("SELECT COUNT(*) FROM delivery_attempt")).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aKindWithoutAnAuthorizerFailsItsAttemptsWithAClearErrorAndSendsNothing(Database.Kind kind) {
        start(kind);
        long id = enqueue("ga4");
        assertThat(deliverer(jdbi, 1).deliverDue()).isEqualTo(1);
        assertThat(receiver.requests()).isEmpty();
        assertThat(row(id)).containsEntry("status", "failed").containsEntry("attempts", 1)
                .containsEntry("last_error", "no authorizer for deliveries of kind 'ga4' on this instance");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void nothingIsQueuedWhenTheCallersTransactionRollsBack(Database.Kind kind) {
        start(kind);
        assertThatThrownBy(() -> jdbi.useTransaction(handle -> {
            new Outbox(clock).enqueue(handle, account, "test", null, receiver.uri("/in"), "test.event", "{}");
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");
        assertThat(count("SELECT COUNT(*) FROM delivery")).isZero();
        assertThatThrownBy(() -> jdbi.useTransaction(handle -> new Outbox(clock).enqueue(handle, account, "test", null,
                URI.create("ftp://example.com/"), "test.event", "{}"))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aClaimLeftByADeadProcessExpiresSoTheDeliveryIsStillSent(Database.Kind kind) {
        start(kind);
        long id = enqueue("test");
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE delivery SET claimed_until = :until, claim_token = 'gone' WHERE id = :id")
                .bind("until", clock.instant().plus(Duration.ofMinutes(1))).bind("id", id).execute());
        Deliverer deliverer = deliverer(jdbi, 10);
        assertThat(deliverer.deliverDue()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(deliverer.deliverDue()).isEqualTo(1);
        assertThat(row(id)).containsEntry("status", "delivered").containsEntry("attempts", 1);
        assertThat(receiver.requests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void twoDeliverersRacingNeverSendOneDeliveryTwice(Database.Kind kind) throws Exception {
        TestDatabases.Target target = start(kind);
        int total = 3 * 20 + 7;
        for (int i = 0; i < total; i++) {
            enqueue("test");
        }
        // two processes: each its own connection pool on the same database
        Database second = target.open(10);
        databases.add(second);
        List<Deliverer> deliverers = List.of(deliverer(jdbi, 10), deliverer(second.jdbi(), 10));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> sent = new ArrayList<>();
        for (Deliverer deliverer : deliverers) {
            sent.add(threads.submit(() -> {
                go.await();
                int attempted = 0;
                for (int pass = 0; pass < 1000 && count("SELECT COUNT(*) FROM delivery WHERE status = 'pending'") > 0; pass++) {
                    attempted += deliverer.deliverDue();
                }
                return attempted;
            }));
        }
        go.countDown();
        int attempted = sent.get(0).get() + sent.get(1).get();
        threads.shutdown();

        assertThat(attempted).isEqualTo(total);
        assertThat(receiver.requests()).hasSize(total);
        assertThat(receiver.requests().stream().map(request -> request.header("Test-Delivery")).distinct()).hasSize(total);
        assertThat(count("SELECT COUNT(*) FROM delivery WHERE status = 'delivered' AND attempts = 1")).isEqualTo(total);
        assertThat(count("SELECT COUNT(*) FROM delivery_attempt")).isEqualTo(total);
    }
}
