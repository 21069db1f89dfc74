package io.calltrail.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import org.jdbi.v3.core.Handle;

/**
 * One prepared statement run for many rows on a handle's connection, for the few writes made per request under load
 * (sessions, events): there Jdbi's binding by name, per row, cost more than the database's insert.
 */
public final class JdbcBatch {
    private JdbcBatch() {
    }

    /** Sets one row's parameters. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(Parameters parameters, T row) throws SQLException;
    }

    /** A failed batch; its cause is the driver's exception, which {@link SqlErrors} reads. */
    public static final class Failed extends RuntimeException {
        Failed(String sql, SQLException cause) {
            super("batch failed: " + sql.strip().lines().findFirst().orElse(sql) + ": " + cause.getMessage(), cause);
        }
    }

    /** Runs {@code sql} once per row, in one batch; the rows' update counts, in order. */
    public static <T> int[] run(Handle handle, String sql, Collection<T> rows, Binder<? super T> binder) {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement statement = handle.getConnection().prepareStatement(sql)) {
            Parameters parameters = new Parameters(statement);
            for (T row : rows) {
                parameters.next = 1;
                binder.bind(parameters, row);
                statement.addBatch();
            }
            return statement.executeBatch();
        } catch (SQLException e) {
            throw new Failed(sql, e);
        }
    }

    /** Positional parameters, set in the order the statement names them; nulls typed for PostgreSQL. */
    public static final class Parameters {
        private final PreparedStatement statement;
        private int next = 1;

        private Parameters(PreparedStatement statement) {
            this.statement = statement;
        }

        public Parameters string(String value) throws SQLException {
            statement.setString(next++, value);
            return this;
        }

        public Parameters number(Long value) throws SQLException {
            if (value == null) {
                statement.setNull(next++, Types.BIGINT);
            } else {
                statement.setLong(next++, value);
            }
            return this;
        }

        public Parameters bool(boolean value) throws SQLException {
            statement.setBoolean(next++, value);
            return this;
        }

        /** As Jdbi binds an {@link Instant}: a {@link Timestamp} of the same instant. */
        public Parameters instant(Instant value) throws SQLException {
            statement.setTimestamp(next++, Timestamp.from(value));
            return this;
        }
    }
}
