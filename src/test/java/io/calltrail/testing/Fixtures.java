package io.calltrail.testing;

import io.calltrail.account.Account;
import io.calltrail.account.AccountStore;
import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.store.Database;
import io.calltrail.tracking.SourceRule;
import io.calltrail.tracking.SourceRuleStore;
import java.time.Instant;
import java.util.List;

/** Rows for tests, written through the production stores. */
public final class Fixtures {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private final Database database;

    public Fixtures(Database database) {
        this.database = database;
    }

    public Account account(String name) {
        return database.jdbi().inTransaction(handle -> new AccountStore(database.jdbi()).insertAccount(handle, name, false, CREATED));
    }

    public String apiKey(Account account) {
        String secret = io.calltrail.account.ApiKeySecrets.generate();
        database.jdbi().useTransaction(handle -> new AccountStore(database.jdbi()).insertKey(handle, account.id(), "test", secret, CREATED));
        return secret;
    }

    public Property property(Account account, String publicKey) {
        return database.jdbi().inTransaction(handle -> new PropertyStore(database.jdbi()).insert(handle,
                new Property(0, account.id(), "Site " + publicKey, publicKey, List.of("localhost", "example.com"), "US",
                        "America/Chicago", "USD", Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED,
                        false, CREATED, CREATED)));
    }

    public TargetNumber target(Property property, String e164) {
        return database.jdbi().inTransaction(handle -> new PropertyStore(database.jdbi()).insertTarget(handle,
                property.accountId(), property.id(), e164, "Main", CREATED));
    }

    /** A pool with {@code size} numbers +1 737 555 01xx (xx from {@code firstSuffix}). */
    public Pool pool(Property property, int size, int firstSuffix, Pool.OverflowPolicy policy, int idleSeconds,
                     int lingerSeconds, String fallback) {
        return database.jdbi().inTransaction(handle -> {
            PoolStore pools = new PoolStore();
            Pool pool = pools.insertPool(handle, new Pool(0, property.accountId(), property.id(), "Pool", idleSeconds,
                    lingerSeconds, policy, fallback, CREATED));
            for (int i = 0; i < size; i++) {
                pools.insertNumber(handle, new TrackingNumber(0, property.accountId(), property.id(),
                        String.format("+1737555%04d", firstSuffix + i), "n" + i, "twilio", "+15125550100", pool.id(), null,
                        CREATED.plusSeconds(i), null, TrackingNumber.CallerId.CALLER));
            }
            return pool;
        });
    }

    public TrackingNumber staticNumber(Property property, String e164, String source) {
        return database.jdbi().inTransaction(handle -> new PoolStore().insertNumber(handle, new TrackingNumber(0,
                property.accountId(), property.id(), e164, source, "twilio", "+15125550100", null, source, CREATED, null, TrackingNumber.CallerId.CALLER)));
    }

    public SourceRule rule(Property property, int ordinal, List<SourceRule.Condition> conditions, SourceRule.Action action,
                           Long poolId, Long numberId) {
        return database.jdbi().inTransaction(handle -> new SourceRuleStore().insert(handle, new SourceRule(0,
                property.accountId(), property.id(), ordinal, "rule " + ordinal, conditions, null, action, poolId, numberId,
                CREATED)));
    }
}
