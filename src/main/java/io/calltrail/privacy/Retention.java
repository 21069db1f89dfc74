package io.calltrail.privacy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** How long an account keeps what: full caller numbers (encrypted) and records of visits, events and calls. */
public record Retention(int callerNumberDays, int recordsMonths) {
    /** Caller numbers 90 days; sessions, events and call records 25 months (GA4's longest is 26 months). */
    public static final Retention DEFAULT = new Retention(90, 25);
    public static final int MAX_CALLER_NUMBER_DAYS = 3650;
    public static final int MAX_RECORDS_MONTHS = 120;

    public Instant callerNumbersBefore(Instant now) {
        return now.minus(java.time.Duration.ofDays(callerNumberDays));
    }

    public Instant recordsBefore(Instant now) {
        return now.atOffset(ZoneOffset.UTC).minusMonths(recordsMonths).toInstant();
    }

    public static Retention of(Handle handle, long accountId) {
        Optional<Retention> set = handle.createQuery("""
                        SELECT caller_number_days, records_months FROM account_retention WHERE account_id = :account""")
                .bind("account", accountId)
                .map((rs, ctx) -> new Retention(rs.getInt("caller_number_days"), rs.getInt("records_months")))
                .findOne();
        return set.orElse(DEFAULT);
    }

    public static void set(Handle handle, long accountId, Retention retention, Instant now) {
        int updated = handle.createUpdate("""
                        UPDATE account_retention SET caller_number_days = :days, records_months = :months, updated_at = :now
                         WHERE account_id = :account""")
                .bind("days", retention.callerNumberDays()).bind("months", retention.recordsMonths()).bind("now", now)
                .bind("account", accountId).execute();
        if (updated == 0) {
            handle.createUpdate("""
                            INSERT INTO account_retention (account_id, caller_number_days, records_months, updated_at)
                            VALUES (:account, :days, :months, :now)""")
                    .bind("days", retention.callerNumberDays()).bind("months", retention.recordsMonths()).bind("now", now)
                    .bind("account", accountId).execute();
        }
    }
}
