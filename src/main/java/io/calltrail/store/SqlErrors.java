package io.calltrail.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** What a database error means, on H2 and PostgreSQL alike. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** A unique key refused a row: the signal that a duplicate was absorbed. */
    public static boolean isUniqueViolation(Throwable error) {
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

    /** The connection to the database was lost or refused: nothing was written, a later retry may work. */
    public static boolean isConnectionLost(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** Worth retrying later as it is: the connection was lost, or a transient error (timeout, lock) occurred. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException) {
                return true;
            }
        }
        return isConnectionLost(error);
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
