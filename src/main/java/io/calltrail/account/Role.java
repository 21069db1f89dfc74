package io.calltrail.account;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API key (and, later, a dashboard user) may do in its account. Revealing caller numbers is not a role but a
 * permission of its own ({@code can_reveal}), so that it can be given to few.
 */
public enum Role {
    /** Everything: API keys, roles, the reveal permission, the audit log, and every setting. */
    OWNER,
    /** Every setting and operation (properties, numbers, rules, exports, webhooks, credentials), and admin or viewer keys. */
    ADMIN,
    /** Reads only: every write of the admin API is refused. */
    VIEWER;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this wire name ({@code owner}, {@code admin}, {@code viewer}). */
    public static Optional<Role> of(String wire) {
        for (Role role : values()) {
            if (role.toString().equals(wire)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
