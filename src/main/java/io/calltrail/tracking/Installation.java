package io.calltrail.tracking;

import io.calltrail.property.InstallationCheck;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Answers "check installation" from the visits the snippet opened. */
public final class Installation implements InstallationCheck {
    private final Jdbi jdbi;
    private final SessionStore store = new SessionStore();

    public Installation(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Sighting> latest(long accountId, long propertyId) {
        return jdbi.withHandle(handle -> store.latest(handle, accountId, propertyId));
    }
}
