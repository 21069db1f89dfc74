package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Account;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.store.TimeOrderedIds;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SessionWriterTest {
    private static final Instant NOW = Instant.parse("2026-05-04T15:00:00Z");

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void sessionsWrittenTogetherAreAllStoredAndABadOneFailsAlone(Database.Kind kind) throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (TestServer server = TestServer.start(kind, clock, Map.of())) {
            Fixtures fixtures = new Fixtures(server.database());
            Account account = fixtures.account("Plumber");
            Property property = fixtures.property(account, "site");
            SessionStore store = new SessionStore();
            String existing = TimeOrderedIds.next(clock);
            try (SessionWriter writer = new SessionWriter(server.database().jdbi(), store)) {
                writer.write(newSession(existing, property)).join();

                // Many threads at once, so that the writer gathers them into shared transactions; one repeats the
                // id already stored, which the primary key refuses.
                List<String> ids = new ArrayList<>();
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = i == 20 ? existing : TimeOrderedIds.next(clock);
                    ids.add(id);
                    CompletableFuture<Void> write = new CompletableFuture<>();
                    writes.add(write);
                    Thread thread = new Thread(() -> {
                        try {
                            go.await();
                            writer.write(newSession(id, property)).whenComplete((done, failure) -> {
                                if (failure == null) {
                                    write.complete(null);
                                } else {
                                    write.completeExceptionally(failure);
                                }
                            });
                        } catch (InterruptedException e) {
                            write.completeExceptionally(e);
                        }
                    });
                    threads.add(thread);
                    thread.start();
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
                for (int i = 0; i < writes.size(); i++) {
                    if (i == 20) {
                        assertThat(writes.get(i)).failsWithin(java.time.Duration.ofSeconds(10))
                                .withThrowableOfType(java.util.concurrent.ExecutionException.class);
                    } else {
                        writes.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS);
                    }
                }
            }
            int stored = server.database().jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT COUNT(*) FROM visit_session WHERE property_id = :property").bind("property", property.id())
                    .mapTo(Integer.class).one());
            assertThat(stored).isEqualTo(40); // the first one and the 39 new ones
        }
    }

    private static SessionWriter.NewSession newSession(String id, Property property) {
        Consent granted = new Consent("granted", "granted", null, null);
        VisitSession session = new VisitSession(id, property.accountId(), property.id(), id, NOW, NOW,
                Touch.from("https://www.example.com/?gclid=writer-test", null), granted);
        return new SessionWriter.NewSession(session, null, false, null, List.of(), List.of());
    }
}
