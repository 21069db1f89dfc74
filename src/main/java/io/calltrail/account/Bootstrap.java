package io.calltrail.account;

import io.calltrail.store.SqlErrors;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * First start on an empty database: creates the owner (operator) account and its API key. Several
 * instances starting at once race on the one-row instance_setup table, and exactly one wins.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    /** The new owner key when this call set the instance up; empty when it was set up before. */
    public static Optional<String> ensureOwner(Jdbi jdbi, AccountStore store, Clock clock, String providedKey) {
        if (store.isSetUp()) {
            return Optional.empty();
        }
        String secret = providedKey == null || providedKey.isEmpty() ? ApiKeySecrets.generate() : providedKey;
        try {
            jdbi.useTransaction(handle -> {
                Account owner = store.insertAccount(handle, "Owner", true, clock.instant());
                store.markSetUp(handle, owner.id(), clock.instant());
                store.insertKey(handle, owner.id(), "owner key", secret, clock.instant());
            });
            return Optional.of(secret);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
