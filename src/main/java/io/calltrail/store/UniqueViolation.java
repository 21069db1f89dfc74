package io.calltrail.store;

import java.sql.SQLException;

/** Recognises a unique-key violation on H2 and PostgreSQL, the signal that a duplicate was absorbed. */
public final class UniqueViolation {
    private UniqueViolation() {
    }

    public static boolean isCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 23505: PostgreSQL unique_violation and H2 DUPLICATE_KEY_1
                if ("23505".equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Serialization or lock conflicts that a retry may resolve (H2 concurrent update, PG deadlock). */
    public static boolean isRetryableConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                int code = sql.getErrorCode();
                if ("40001".equals(state) || "40P01".equals(state) || code == 90131 || code == 50200) {
                    return true;
                }
            }
        }
        return false;
    }
}
