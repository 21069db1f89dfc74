package io.calltrail.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.calltrail.account.Account;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.ServerProcess;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestDatabases;
import io.calltrail.tracking.SourceRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two server processes (the real jar) share one PostgreSQL database; 200 visitors spread over both
 * open sessions at once against a pool of 5. No number is ever leased to two sessions.
 */
class TwoProcessLeaseIT {

    @Test
    void twoServersSharingPostgresNeverLeaseANumberTwice() throws Exception {
        assumeTrue(TestDatabases.postgresAvailable() || "true".equals(System.getenv("CI")),
                "PostgreSQL tests skipped: CALLTRAIL_TEST_PG_URL is not set");
        TestDatabases.Target target = TestDatabases.target(Database.Kind.POSTGRESQL);
        try (ServerProcess first = ServerProcess.start(target, "--set", "tracking.rateLimitPerMinute=0");
             ServerProcess second = ServerProcess.start(target, "--set", "tracking.rateLimitPerMinute=0");
             Database database = target.open(2)) {
            Fixtures fixtures = new Fixtures(database);
            Account account = fixtures.account("Two-instance plumber");
            Property property = fixtures.property(account, "twoproc");
            fixtures.target(property, "+15125550100");
            Pool pool = fixtures.pool(property, LeaseConcurrencyTest.POOL_SIZE, 100, Pool.OverflowPolicy.FALLBACK, 1800, 1800,
                    LeaseConcurrencyTest.FALLBACK);
            fixtures.rule(property, 10, List.of(), SourceRule.Action.POOL, pool.id(), null);

            List<TestClient> servers = List.of(first.client(), second.client());
            List<String> shown = LeaseConcurrencyTest.openConcurrently(servers, "twoproc", LeaseConcurrencyTest.VISITORS);
            LeaseConcurrencyTest.assertNoNumberSharedAndPoolFullyUsed(database, shown, pool);
            assertThat(first.pid()).isNotEqualTo(second.pid());
        }
    }
}
