package io.calltrail.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.calltrail.store.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Fresh, migrated databases for tests: an in-memory H2 in PostgreSQL mode, or a new database on the
 * PostgreSQL server that {@code .ci/run} starts (its address comes in CALLTRAIL_TEST_PG_*). Outside CI
 * and without that server, PostgreSQL tests are skipped with a message; in CI they must run.
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** Connection settings of a fresh database: a JDBC URL plus credentials. */
    public record Target(Database.Kind kind, String url, String user, String password) {
        public Database open(int poolSize) {
            return Database.open(url, user, password, poolSize);
        }
    }

    public static Database fresh(Database.Kind kind) {
        Target target = target(kind);
        Database database = target.open(kind == Database.Kind.H2 ? 10 : 20);
        database.migrate();
        return database;
    }

    /** A new empty database of this kind (not yet migrated). */
    public static Target target(Database.Kind kind) {
        String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        if (kind == Database.Kind.H2) {
            return new Target(kind, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000", "", "");
        }
        String url = System.getenv("CALLTRAIL_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CALLTRAIL_TEST_PG_URL is not set: run the tests through .ci/run");
            }
            assumeTrue(false, "PostgreSQL tests skipped: CALLTRAIL_TEST_PG_URL is not set (.ci/run starts a server and sets it)");
        }
        String user = System.getenv("CALLTRAIL_TEST_PG_USER");
        String password = System.getenv("CALLTRAIL_TEST_PG_PASSWORD");
        try (Connection admin = DriverManager.getConnection(url, user, password);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + url, e);
        }
        String databaseUrl = url.substring(0, url.lastIndexOf('/') + 1) + name;
        return new Target(kind, databaseUrl, user, password);
    }

    /** Stops or restarts the PostgreSQL server that .ci/run started (tests of what happens while it is down). */
    public static void postgres(String action) throws Exception {
        Process process = new ProcessBuilder("bash", System.getenv("CALLTRAIL_TEST_PG_CTL"), action,
                System.getenv("CALLTRAIL_TEST_PG_DIR")).inheritIO().start();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("postgres " + action + " failed");
        }
    }

    public static boolean postgresAvailable() {
        String url = System.getenv("CALLTRAIL_TEST_PG_URL");
        return url != null && !url.isBlank();
    }
}
