package io.calltrail.account;

import java.util.Arrays;

/**
 * Who is acting, as the audit log records it: an API key or a dashboard user of an account (with its role, its
 * reveal permission and the client's address), the command line, or the server itself (scheduled jobs).
 *
 * @param principalId   the API key's or the user's id; null for {@link Kind#CLI} and {@link Kind#SYSTEM}
 * @param principalName the API key's name or the user's email; null for the command line and the system
 * @param role          the key's or the membership's role; null for the command line and the system
 * @param clientAddress the HTTP client's address; null off HTTP
 */
public record Actor(Kind kind, long accountId, Long principalId, String principalName, Role role, boolean canReveal,
                    String clientAddress) {

    /** How the actor reached the server. */
    public enum Kind {
        API_KEY, USER, CLI, SYSTEM
    }

    public static Actor apiKey(ApiKey key, String clientAddress) {
        return new Actor(Kind.API_KEY, key.accountId(), key.id(), key.name(), key.role(), key.canReveal(), clientAddress);
    }

    /** A user signed in to the dashboard, acting in one of the accounts it is a member of. */
    public static Actor user(long userId, String email, long accountId, Role role, boolean canReveal, String clientAddress) {
        return new Actor(Kind.USER, accountId, userId, email, role, canReveal, clientAddress);
    }

    /** Someone with the database and the keys, through a {@code calltrail} command. */
    public static Actor cli(long accountId) {
        return new Actor(Kind.CLI, accountId, null, null, null, false, null);
    }

    /** The server on its own: scheduled jobs such as the retention purge. */
    public static Actor system(long accountId) {
        return new Actor(Kind.SYSTEM, accountId, null, null, null, false, null);
    }

    /** {@code api-key:12 (CI deploy)}, {@code user:3 (ana@example.com)}, {@code cli} or {@code system}: the actor as the audit log shows it. */
    public String label() {
        return switch (kind) {
            case API_KEY, USER -> reference() + " (" + principalName + ")";
            case CLI -> "cli";
            case SYSTEM -> "system";
        };
    }

    /** {@code api-key:12}, {@code user:3}, {@code cli} or {@code system}: stable, unlike a name. */
    public String reference() {
        return switch (kind) {
            case API_KEY -> "api-key:" + principalId;
            case USER -> "user:" + principalId;
            case CLI -> "cli";
            case SYSTEM -> "system";
        };
    }

    public boolean hasRole(Role... roles) {
        return role != null && Arrays.asList(roles).contains(role);
    }
}
