package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Account;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.tracking.SourceRule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** 200 visitors open sessions at the same moment against a pool of 5: no number ever has two holders. */
class LeaseConcurrencyTest {
    static final int VISITORS = 200;
    static final int POOL_SIZE = 5;
    static final String FALLBACK = "+17375559999";

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void twoHundredConcurrentOpensNeverShareANumber(Database.Kind kind) throws Exception {
        try (TestServer server = TestServer.start(kind, Clock.systemUTC(), Map.of("tracking.rateLimitPerMinute", "0"))) {
            Fixtures fixtures = new Fixtures(server.database());
            Account account = fixtures.account("Busy plumber");
            Property property = fixtures.property(account, "busy");
            fixtures.target(property, "+15125550100");
            Pool pool = fixtures.pool(property, POOL_SIZE, 100, Pool.OverflowPolicy.FALLBACK, 1800, 1800, FALLBACK);
            fixtures.rule(property, 10, List.of(), SourceRule.Action.POOL, pool.id(), null);

            List<String> shown = openConcurrently(List.of(server.client()), "busy", VISITORS);
            assertNoNumberSharedAndPoolFullyUsed(server.database(), shown, pool);
        }
    }

    /** Opens {@code visitors} sessions at once, spread over the servers; returns each tracking number shown. */
    static List<String> openConcurrently(List<TestClient> servers, String key, int visitors) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(64);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < visitors; i++) {
            TestClient server = servers.get(i % servers.size());
            String body = "{\"property\":\"" + key + "\",\"url\":\"https://example.com/?gclid=c" + i
                    + "\",\"consent\":{\"ad_storage\":\"granted\"}}";
            answers.add(threads.submit(() -> {
                start.await();
                TestClient.Answer answer = server.post("/v1/sessions", body, "Content-Type", "text/plain");
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                return answer.json();
            }));
        }
        start.countDown();
        List<String> shown = new ArrayList<>();
        for (Future<JsonNode> answer : answers) {
            JsonNode json = answer.get();
            assertThat(json.get("numbers")).hasSize(1);
            shown.add(json.get("numbers").get(0).get("tracking").asText());
        }
        threads.shutdown();
        return shown;
    }

    static void assertNoNumberSharedAndPoolFullyUsed(Database database, List<String> shown, Pool pool) {
        Map<String, Integer> counts = new HashMap<>();
        shown.forEach(number -> counts.merge(number, 1, Integer::sum));
        // every pool number went to exactly one visitor; everyone else saw the fallback
        assertThat(counts).hasSize(POOL_SIZE + 1);
        counts.forEach((number, count) -> {
            if (!number.equals(FALLBACK)) {
                assertThat(count).as("visitors shown %s", number).isEqualTo(1);
            }
        });
        assertThat(counts.get(FALLBACK)).isEqualTo(VISITORS - POOL_SIZE);
        // and the lease history agrees: one lease a number, one holder a lease
        List<Map<String, Object>> leases = database.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT tracking_number_id, session_id FROM lease WHERE pool_id = :pool").bind("pool", pool.id()).mapToMap().list());
        assertThat(leases).hasSize(POOL_SIZE);
        assertThat(leases.stream().map(row -> row.get("tracking_number_id")).distinct()).hasSize(POOL_SIZE);
        int exhaustions = database.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM pool_exhaustion WHERE pool_id = :pool").bind("pool", pool.id()).mapTo(Integer.class).one());
        assertThat(exhaustions).isEqualTo(VISITORS - POOL_SIZE);
    }
}
