package io.calltrail.privacy;

import io.calltrail.account.Actor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes exactly what is past each account's retention: full caller numbers after {@code callerNumberDays} (the
 * keyed hash stays, so first-time-caller rules still work), and visits, events, calls and everything hanging off them
 * after {@code recordsMonths}; the daily visitor salts after 48 hours. Every run records what it removed.
 */
public final class Purge {
    private static final Logger log = LoggerFactory.getLogger(Purge.class);
    static final Duration SALT_LIFETIME = Duration.ofHours(48);

    /** What one run removed, per account and kind ({@code salts} belong to no account). */
    public record Report(Instant ranAt, Map<Long, Map<String, Long>> byAccount, long salts) {
        public long total(String kind) {
            return byAccount.values().stream().mapToLong(counts -> counts.getOrDefault(kind, 0L)).sum();
        }
    }

    /** One kind of row and the statement that removes it; {@code :c} is the caller-number cutoff, {@code :r} the records one. */
    private record Step(String kind, String sql) {
    }

    private static final String OLD_CALLS = "SELECT id FROM phone_call WHERE account_id = :a AND started_at < :r";
    private static final String OLD_CONVERSIONS = "SELECT id FROM conversion WHERE account_id = :a AND (converted_at < :r OR call_id IN ("
            + OLD_CALLS + "))";
    private static final String OLD_SESSIONS = "SELECT id FROM visit_session WHERE account_id = :a AND last_seen_at < :r";
    private static final String OLD_DELIVERIES = "SELECT id FROM delivery WHERE account_id = :a AND created_at < :r AND status <> 'pending'";

    /** In an order that never leaves a row pointing at a deleted one. */
    private static final List<Step> STEPS = List.of(
            new Step("caller_numbers", """
                    UPDATE phone_call SET caller_sealed = NULL
                     WHERE account_id = :a AND caller_sealed IS NOT NULL AND started_at < :c"""),
            new Step("conversion_exports", "DELETE FROM conversion_export WHERE conversion_id IN (" + OLD_CONVERSIONS + ")"),
            new Step("conversions", "DELETE FROM conversion WHERE id IN (" + OLD_CONVERSIONS + ")"),
            new Step("outcomes", """
                    DELETE FROM outcome WHERE account_id = :a
                       AND (call_id IN (SELECT id FROM phone_call WHERE account_id = :a AND started_at < :r)
                            OR (call_id IS NULL AND occurred_at < :r))"""),
            new Step("call_events", "DELETE FROM call_event WHERE account_id = :a AND occurred_at < :r"),
            new Step("calls", "DELETE FROM phone_call WHERE account_id = :a AND started_at < :r"),
            new Step("tracking_events", "DELETE FROM tracking_event WHERE account_id = :a AND occurred_at < :r"),
            new Step("session_numbers", "DELETE FROM session_number WHERE account_id = :a AND session_id IN (" + OLD_SESSIONS + ")"),
            new Step("leases", """
                    DELETE FROM lease WHERE account_id = :a AND linger_until < :r
                       AND id NOT IN (SELECT holder_lease_id FROM tracking_number WHERE holder_lease_id IS NOT NULL)
                       AND id NOT IN (SELECT lease_id FROM session_number WHERE lease_id IS NOT NULL)"""),
            new Step("sessions", "DELETE FROM visit_session WHERE account_id = :a AND last_seen_at < :r"),
            new Step("pool_exhaustions", "DELETE FROM pool_exhaustion WHERE account_id = :a AND occurred_at < :r"),
            new Step("delivery_attempts", "DELETE FROM delivery_attempt WHERE delivery_id IN (" + OLD_DELIVERIES + ")"),
            new Step("deliveries", "DELETE FROM delivery WHERE id IN (" + OLD_DELIVERIES + ")"),
            new Step("export_runs", """
                    DELETE FROM export_run WHERE account_id = :a AND created_at < :r
                       AND NOT EXISTS (SELECT 1 FROM conversion_export e WHERE e.run_id = export_run.id)"""));

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditLog audit;
    private final boolean fromCommandLine;

    /** @param fromCommandLine whether the entries name the command line or the server's daily job as the actor */
    public Purge(Jdbi jdbi, Clock clock, AuditLog audit, boolean fromCommandLine) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.audit = audit;
        this.fromCommandLine = fromCommandLine;
    }

    /** Runs now; each account in a transaction of its own, recorded in {@code purge_run}. */
    public Report run() {
        Instant now = clock.instant();
        List<Long> accounts = jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM account ORDER BY id").mapTo(Long.class).list());
        Map<Long, Map<String, Long>> byAccount = new LinkedHashMap<>();
        for (long account : accounts) {
            byAccount.put(account, jdbi.inTransaction(handle -> {
                Map<String, Long> removed = purgeAccount(handle, account, now);
                Map<String, Long> some = new LinkedHashMap<>();
                removed.forEach((kind, count) -> {
                    if (count > 0) {
                        some.put(kind, count);
                    }
                });
                audit.record(handle, fromCommandLine ? Actor.cli(account) : Actor.system(account), "privacy.purge", "account",
                        Long.toString(account), Map.of("removed", some, "retention", Retention.of(handle, account)));
                return removed;
            }));
        }
        long salts = jdbi.inTransaction(handle -> {
            long removed = handle.createUpdate("DELETE FROM visitor_salt WHERE created_at < :cutoff")
                    .bind("cutoff", now.minus(SALT_LIFETIME)).execute();
            record(handle, null, now, "visitor_salts", removed);
            return removed;
        });
        Report report = new Report(now, byAccount, salts);
        log.info("purge: removed {} caller numbers, {} calls, {} sessions, {} events, {} salts", report.total("caller_numbers"),
                report.total("calls"), report.total("sessions"), report.total("tracking_events"), salts);
        return report;
    }

    private static Map<String, Long> purgeAccount(Handle handle, long account, Instant now) {
        Retention retention = Retention.of(handle, account);
        Instant callerCutoff = retention.callerNumbersBefore(now);
        Instant recordsCutoff = retention.recordsBefore(now);
        Map<String, Long> removed = new LinkedHashMap<>();
        for (Step step : STEPS) {
            var update = handle.createUpdate(step.sql()).bind("a", account).bind("r", recordsCutoff);
            if (step.sql().contains(":c")) {
                update.bind("c", callerCutoff);
            }
            long count = update.execute();
            removed.put(step.kind(), count);
            record(handle, account, now, step.kind(), count);
        }
        return removed;
    }

    /** What a run removed of one kind of row from an account. */
    public record Removed(Instant ranAt, String kind, long removed) {
    }

    /** What runs removed from an account, newest first; none for nothing removed. */
    static List<Removed> removed(Handle handle, long accountId, int limit) {
        return handle.createQuery("""
                        SELECT ran_at, kind, removed FROM purge_run WHERE account_id = :account ORDER BY ran_at DESC, id DESC LIMIT :limit""")
                .bind("account", accountId).bind("limit", limit)
                .map((rs, ctx) -> new Removed(rs.getTimestamp("ran_at").toInstant(), rs.getString("kind"), rs.getLong("removed")))
                .list();
    }

    private static void record(Handle handle, Long account, Instant now, String kind, long removed) {
        if (removed > 0) {
            handle.createUpdate("INSERT INTO purge_run (account_id, ran_at, kind, removed) VALUES (:account, :now, :kind, :removed)")
                    .bind("account", account).bind("now", now).bind("kind", kind).bind("removed", removed).execute();
        }
    }
}
