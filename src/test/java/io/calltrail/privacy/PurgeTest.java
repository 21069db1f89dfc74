package io.calltrail.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Account;
import io.calltrail.pool.Pool;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With a fixed clock, the purge removes exactly the rows past retention, one second either side of every cutoff, for
 * an account on the defaults and one with its own settings, and records what it removed.
 */
class PurgeTest {
    private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
    private static final Instant RECORDS = Instant.parse("2024-10-27T00:00:00Z"); // 25 months before NOW
    private static final Duration SECOND = Duration.ofSeconds(1);

    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    /** One row the purge must keep or remove: {@code what} names it, {@code present} asks whether it is still there. */
    private record Case(String what, boolean kept, java.util.function.Predicate<Handle> present) {
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void removesExactlyWhatIsPastRetention(Database.Kind kind) {
        database = TestDatabases.fresh(kind);
        Jdbi jdbi = database.jdbi();
        Fixtures fixtures = new Fixtures(database);
        Account defaults = fixtures.account("Defaults");
        Account custom = fixtures.account("Thirty days");
        Property property = fixtures.property(defaults, "purge-a");
        Property other = fixtures.property(custom, "purge-b");
        Pool pool = fixtures.pool(property, 2, 30, Pool.OverflowPolicy.FALLBACK, 1800, 1800, "+15125550399");
        jdbi.useTransaction(handle -> Retention.set(handle, custom.id(), new Retention(30, 25), NOW));

        List<Case> cases = new ArrayList<>();
        Instant callerCutoff = NOW.minus(Duration.ofDays(90));
        cases.add(call(jdbi, property, "call 90 days old: number removed", callerCutoff.minus(SECOND), true, false));
        cases.add(call(jdbi, property, "call just under 90 days: number kept", callerCutoff.plus(SECOND), true, true));
        cases.add(call(jdbi, other, "custom 30 days: number removed", NOW.minus(Duration.ofDays(30)).minus(SECOND), true, false));
        cases.add(call(jdbi, other, "custom 30 days: number kept", NOW.minus(Duration.ofDays(30)).plus(SECOND), true, true));
        cases.add(call(jdbi, property, "call past 25 months: deleted", RECORDS.minus(SECOND), false, false));
        cases.add(call(jdbi, property, "call within 25 months: kept", RECORDS.plus(SECOND), false, true));
        cases.add(session(jdbi, property, pool, "session past 25 months: deleted with its lease", RECORDS.minus(SECOND), false));
        cases.add(session(jdbi, property, pool, "session within 25 months: kept", RECORDS.plus(SECOND), true));
        cases.add(event(jdbi, property, "event past 25 months: deleted", RECORDS.minus(SECOND), false));
        cases.add(event(jdbi, property, "event within 25 months: kept", RECORDS.plus(SECOND), true));
        cases.add(salt(jdbi, "salt older than 48 h: deleted", NOW.minus(Duration.ofHours(48)).minus(SECOND), false));
        cases.add(salt(jdbi, "salt younger than 48 h: kept", NOW.minus(Duration.ofHours(48)).plus(SECOND), true));
        cases.add(delivery(jdbi, defaults, "delivered past 25 months: deleted", RECORDS.minus(SECOND), "delivered", false));
        cases.add(delivery(jdbi, defaults, "still pending past 25 months: kept", RECORDS.minus(SECOND), "pending", true));
        cases.add(delivery(jdbi, defaults, "delivered within 25 months: kept", RECORDS.plus(SECOND), "delivered", true));

        Purge.Report report = new Purge(jdbi, MutableClock.at(NOW.toString()), new AuditLog(MutableClock.at(NOW.toString())), true).run();

        jdbi.useHandle(handle -> {
            for (Case c : cases) {
                assertThat(c.present().test(handle)).as(c.what()).isEqualTo(c.kept());
            }
        });
        assertThat(report.total("caller_numbers")).isEqualTo(4); // the two calls above, and both calls from 25 months ago
        assertThat(report.total("calls")).isEqualTo(1);
        assertThat(report.total("conversions")).isEqualTo(1);
        assertThat(report.total("outcomes")).isEqualTo(1);
        assertThat(report.total("sessions")).isEqualTo(1);
        assertThat(report.total("leases")).isEqualTo(1);
        assertThat(report.total("tracking_events")).isEqualTo(1);
        assertThat(report.total("deliveries")).isEqualTo(1);
        assertThat(report.salts()).isEqualTo(1);
        Map<String, Long> recorded = new java.util.HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT kind, SUM(removed) AS removed FROM purge_run GROUP BY kind")
                .map((rs, ctx) -> Map.entry(rs.getString("kind"), rs.getLong("removed"))).forEach(e -> recorded.put(e.getKey(), e.getValue())));
        assertThat(recorded).containsEntry("calls", 1L).containsEntry("caller_numbers", 4L).containsEntry("visitor_salts", 1L);

        // a second run finds nothing more to remove
        Purge.Report again = new Purge(jdbi, MutableClock.at(NOW.toString()), new AuditLog(MutableClock.at(NOW.toString())), true).run();
        assertThat(again.byAccount().values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()).isZero();
    }

    /** A completed call with a caller number, a conversion and an outcome; {@code number} asks about the number, else the row. */
    private static Case call(Jdbi jdbi, Property property, String what, Instant started, boolean number, boolean kept) {
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        long id = jdbi.inTransaction(handle -> {
            long call = handle.createUpdate("""
                            INSERT INTO phone_call (account_id, property_id, provider, provider_call_id, dialled_e164, caller_sealed,
                                                    caller_hash, caller_masked, started_at, ended_at, talk_seconds, status, status_rank,
                                                    first_time_caller, attribution, confidence, attribution_reason)
                            VALUES (:account, :property, 'twilio', :sid, '+15125550100', 'sealed', :hash, '+1 512-***-**00', :at, :at,
                                    70, 'completed', 3, TRUE, 'none', 0, 'test')""")
                    .bind("account", property.accountId()).bind("property", property.id()).bind("sid", sid)
                    .bind("hash", UUID.randomUUID().toString().replace("-", "")).bind("at", started)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            long action = handle.createUpdate("""
                            INSERT INTO conversion_action (account_id, property_id, name, kind, min_talk_seconds, answered_only,
                                   first_time_only, attribution_methods, min_confidence, counting, click_window_days, currency,
                                   rule_version, created_at, updated_at)
                            VALUES (:account, :property, :name, 'call', 0, FALSE, FALSE, 'none', 0, 'every', 30, 'USD', 1, :at, :at)""")
                    .bind("account", property.accountId()).bind("property", property.id()).bind("name", "a" + sid).bind("at", started)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            handle.createUpdate("""
                            INSERT INTO conversion (account_id, property_id, action_id, rule_version, dedupe_key, call_id, converted_at,
                                                    currency, created_at)
                            VALUES (:account, :property, :action, 1, :key, :call, :at, 'USD', :at)""")
                    .bind("account", property.accountId()).bind("property", property.id()).bind("action", action)
                    .bind("key", "call:" + call).bind("call", call).bind("at", started).execute();
            handle.createUpdate("""
                            INSERT INTO outcome (account_id, external_id, named_call_id, status, occurred_at, received_at, updated_at, call_id)
                            VALUES (:account, :external, :call, 'won', :at, :at, :at, :call)""")
                    .bind("account", property.accountId()).bind("external", "o" + sid).bind("call", call).bind("at", started).execute();
            return call;
        });
        String sql = number ? "SELECT COUNT(*) FROM phone_call WHERE id = :id AND caller_sealed IS NOT NULL AND caller_hash IS NOT NULL"
                : "SELECT COUNT(*) FROM phone_call WHERE id = :id";
        if (number && !kept) {
            // the number goes, the call and its keyed hash stay (first-time callers are still recognised)
            return new Case(what, true, handle -> count(handle, "SELECT COUNT(*) FROM phone_call WHERE id = :id AND caller_sealed IS NULL "
                    + "AND caller_hash IS NOT NULL", id) == 1);
        }
        return new Case(what, kept, handle -> count(handle, sql, id) == 1
                && (number || count(handle, "SELECT COUNT(*) FROM conversion WHERE call_id = :id", id) == 1)
                && (number || count(handle, "SELECT COUNT(*) FROM outcome WHERE call_id = :id", id) == 1));
    }

    private static Case session(Jdbi jdbi, Property property, Pool pool, String what, Instant lastSeen, boolean kept) {
        String session = UUID.randomUUID().toString();
        long lease = jdbi.inTransaction(handle -> {
            handle.createUpdate("""
                            INSERT INTO visit_session (id, account_id, property_id, started_at, last_seen_at, requests)
                            VALUES (:id, :account, :property, :at, :at, 1)""")
                    .bind("id", session).bind("account", property.accountId()).bind("property", property.id()).bind("at", lastSeen).execute();
            long number = handle.createQuery("SELECT MIN(id) FROM tracking_number WHERE pool_id = :pool").bind("pool", pool.id())
                    .mapTo(Long.class).one();
            return handle.createUpdate("""
                            INSERT INTO lease (account_id, pool_id, tracking_number_id, session_id, leased_at, last_seen_at, idle_until,
                                               linger_until, reused)
                            VALUES (:account, :pool, :number, :session, :at, :at, :at, :at, FALSE)""")
                    .bind("account", property.accountId()).bind("pool", pool.id()).bind("number", number).bind("session", session)
                    .bind("at", lastSeen).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        });
        return new Case(what, kept, handle -> handle.createQuery("SELECT COUNT(*) FROM visit_session WHERE id = :id").bind("id", session)
                .mapTo(Integer.class).one() == 1 && count(handle, "SELECT COUNT(*) FROM lease WHERE id = :id", lease) == 1);
    }

    private static Case event(Jdbi jdbi, Property property, String what, Instant at, boolean kept) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO tracking_event (account_id, id, property_id, session_id, type, occurred_at, received_at)
                        VALUES (:account, :id, :property, :session, 'page_view', :at, :at)""")
                .bind("account", property.accountId()).bind("id", id).bind("property", property.id())
                .bind("session", UUID.randomUUID().toString()).bind("at", at).execute());
        return new Case(what, kept, handle -> handle.createQuery("SELECT COUNT(*) FROM tracking_event WHERE id = :id").bind("id", id)
                .mapTo(Integer.class).one() == 1);
    }

    private static Case salt(Jdbi jdbi, String what, Instant created, boolean kept) {
        java.time.LocalDate day = java.time.LocalDate.ofInstant(created, java.time.ZoneOffset.UTC).minusDays(kept ? 0 : 10);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO visitor_salt (salt_day, salt, created_at) VALUES (:day, 'x', :at)")
                .bind("day", day).bind("at", created).execute());
        return new Case(what, kept, handle -> handle.createQuery("SELECT COUNT(*) FROM visitor_salt WHERE salt_day = :day").bind("day", day)
                .mapTo(Integer.class).one() == 1);
    }

    private static Case delivery(Jdbi jdbi, Account account, String what, Instant created, String status, boolean kept) {
        long id = jdbi.withHandle(handle -> handle.createUpdate("""
                        INSERT INTO delivery (account_id, kind, url, event_type, body, status, attempts, next_attempt_at, created_at)
                        VALUES (:account, 'webhook', 'http://127.0.0.1:9/', 'call.completed', '{}', :status, 1, :at, :at)""")
                .bind("account", account.id()).bind("status", status).bind("at", created)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Case(what, kept, handle -> count(handle, "SELECT COUNT(*) FROM delivery WHERE id = :id", id) == 1);
    }

    private static int count(Handle handle, String sql, long id) {
        return handle.createQuery(sql).bind("id", id).mapTo(Integer.class).one();
    }
}
