import io.calltrail.account.AccountStore;
import io.calltrail.conversion.ConversionAction;
import io.calltrail.conversion.ConversionStore;
import io.calltrail.conversion.Conversions;
import io.calltrail.conversion.Reevaluation;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.store.Database;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Generates CALLS completed calls (a third of them from ad clicks, one caller in five calling again) and times the
 * evaluation of conversion rules over all of them, as a rule change re-evaluates a period, then once more after the
 * rules changed (restating and retracting), then the one-call-at-a-time path a completed call takes.
 *
 * java -cp target/calltrail.jar bench/ConversionBench.java JDBC_URL USER PASSWORD [CALLS]
 */
public class ConversionBench {
    public static void main(String[] args) throws Exception {
        int calls = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        try (Database database = Database.open(args[0], args[1], args[2], 4)) {
            database.migrate();
            var jdbi = database.jdbi();
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            Clock clock = Clock.systemUTC();
            long account = jdbi.inTransaction(handle -> new AccountStore(jdbi).insertAccount(handle, "bench " + UUID.randomUUID(), false,
                    Instant.now()).id());
            Property property = jdbi.inTransaction(handle -> new PropertyStore(jdbi).insert(handle, new Property(0, account, "bench",
                    "bench-" + UUID.randomUUID().toString().substring(0, 8), List.of("example.com"), "US", "America/Chicago", "USD",
                    Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, Instant.now(), Instant.now())));

            long generating = System.nanoTime();
            generate(jdbi, account, property.id(), calls, start);
            System.out.printf("%s: generated %,d calls in %.1f s%n", database.kind(), calls, (System.nanoTime() - generating) / 1e9);

            ConversionStore store = new ConversionStore();
            ConversionAction every = jdbi.inTransaction(handle -> store.insert(handle,
                    ConversionAction.defaults(account, property.id(), "USD", Instant.now())
                            .named("Phone call (60 s)", ConversionAction.Kind.CALL, new BigDecimal("50.00"))));
            Conversions conversions = new Conversions(clock, Conversions.Publisher.NONE);
            Reevaluation reevaluation = new Reevaluation(jdbi, conversions, clock, new io.calltrail.privacy.AuditLog(clock));
            io.calltrail.account.Actor bench = io.calltrail.account.Actor.cli(account);
            Instant end = start.plus(Duration.ofDays(400));

            long first = System.nanoTime();
            var created = reevaluation.run(bench, every.id(), start, end).orElseThrow();
            double firstSeconds = (System.nanoTime() - first) / 1e9;
            System.out.printf("%s: evaluated %,d calls in %.1f s (%,.0f calls/s): %,d conversions created%n", database.kind(),
                    created.evaluated(), firstSeconds, created.evaluated() / firstSeconds, created.created());

            jdbi.useHandle(handle -> handle.createUpdate("UPDATE conversion_action SET min_talk_seconds = 120, "
                    + "rule_version = rule_version + 1 WHERE id = :id").bind("id", every.id()).execute());
            long second = System.nanoTime();
            var changed = reevaluation.run(bench, every.id(), start, end).orElseThrow();
            double secondSeconds = (System.nanoTime() - second) / 1e9;
            System.out.printf("%s: after a rule change, re-evaluated %,d calls in %.1f s (%,.0f calls/s): %,d retracted, %,d unchanged%n",
                    database.kind(), changed.evaluated(), secondSeconds, changed.evaluated() / secondSeconds, changed.retracted(),
                    changed.unchanged());

            List<Long> sample = jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM phone_call WHERE property_id = :p "
                    + "ORDER BY id LIMIT 20000").bind("p", property.id()).mapTo(Long.class).list());
            long online = System.nanoTime();
            for (long id : sample) {
                jdbi.useTransaction(handle -> conversions.evaluateCall(handle, id));
            }
            double onlineSeconds = (System.nanoTime() - online) / 1e9;
            System.out.printf("%s: one call at a time (as calls complete): %,d calls in %.1f s, %.0f µs per call%n", database.kind(),
                    sample.size(), onlineSeconds, onlineSeconds * 1e6 / sample.size());
        }
    }

    private static void generate(org.jdbi.v3.core.Jdbi jdbi, long account, long property, int calls, Instant start) {
        Random random = new Random(42);
        int batchSize = 5000;
        for (int done = 0; done < calls; done += batchSize) {
            int from = done;
            jdbi.useTransaction(handle -> {
                PreparedBatch sessions = handle.prepareBatch("""
                        INSERT INTO visit_session (id, account_id, property_id, started_at, last_seen_at, requests, gclid, utm_source)
                        VALUES (:id, :account, :property, :at, :at, 1, :gclid, 'google')""");
                PreparedBatch batch = handle.prepareBatch("""
                        INSERT INTO phone_call (account_id, property_id, provider, provider_call_id, dialled_e164, caller_hash,
                                                started_at, answered_at, ended_at, talk_seconds, status, status_rank, first_time_caller,
                                                attribution, confidence, attribution_reason, session_id)
                        VALUES (:account, :property, 'bench', :sid, '+15125550100', :hash, :started, :answered, :ended, :talk,
                                :status, 3, :first, :attribution, :confidence, 'bench', :session)""");
                for (int i = from; i < Math.min(calls, from + batchSize); i++) {
                    Instant started = start.plusSeconds(i * 30L);
                    boolean answered = random.nextInt(10) < 8;
                    int talk = answered ? (int) Math.min(3600, Math.round(Math.exp(4 + random.nextGaussian()))) : 0;
                    String session = null;
                    if (i % 3 == 0) {
                        session = UUID.randomUUID().toString();
                        sessions.bind("id", session).bind("account", account).bind("property", property)
                                .bind("at", started.minusSeconds(300)).bind("gclid", "g" + i).add();
                    }
                    batch.bind("account", account).bind("property", property).bind("sid", "CA" + property + "x" + i)
                            .bind("hash", Integer.toHexString(random.nextInt(calls)))
                            .bind("started", started).bind("answered", answered ? started.plusSeconds(5) : null)
                            .bind("ended", started.plusSeconds(5 + talk)).bind("talk", talk)
                            .bind("status", answered ? "completed" : "no-answer").bind("first", random.nextInt(5) != 0)
                            .bind("attribution", session != null ? "lease" : "static_source").bind("confidence", new BigDecimal("0.950"))
                            .bind("session", session).add();
                }
                if (sessions.size() > 0) {
                    sessions.execute();
                }
                batch.execute();
            });
        }
    }
}
