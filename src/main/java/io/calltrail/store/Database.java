package io.calltrail.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.calltrail.store.migration.V15__TrackingEventWithoutForeignKeys;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, the migrations and the Jdbi handle factory: shared plumbing, no domain logic. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Kind kind;

    public enum Kind { H2, POSTGRESQL }

    private Database(HikariDataSource dataSource, Kind kind) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** The JDBC URL of the embedded H2 file database under {@code dataDir}. */
    public static String h2Url(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("calltrail");
        return "jdbc:h2:file:" + file
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";LOCK_TIMEOUT=10000;AUTO_SERVER=FALSE";
    }

    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        Kind kind = kindOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isEmpty()) {
            config.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("calltrail");
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(-1);
        return new Database(new HikariDataSource(config), kind);
    }

    /**
     * Makes every commit so far durable on disk: H2 writes commits to its file a moment later (a crash before that
     * loses them), so it is told to write and sync them now; PostgreSQL's commits are durable already.
     * For a spool, before it forgets records it has handed to the database.
     */
    public void flushCommits() {
        if (kind == Kind.H2) {
            jdbi.useHandle(handle -> handle.execute("CHECKPOINT SYNC"));
        }
    }

    public static Kind kindOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return Kind.H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:h2: or jdbc:postgresql:)");
    }

    /** Applies pending migrations; safe to run from several instances at once (Flyway locks). */
    public int migrate() {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .javaMigrations(new V15__TrackingEventWithoutForeignKeys())
                .load();
        int applied = flyway.migrate().migrationsExecuted;
        log.info("database schema is current ({} migration(s) applied now)", applied);
        return applied;
    }

    /** True when the database answers a trivial query within two seconds. */
    public boolean isReachable() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public HikariDataSource hikari() {
        return dataSource;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
