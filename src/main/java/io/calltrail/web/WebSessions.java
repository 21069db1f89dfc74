package io.calltrail.web;

import io.calltrail.account.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Signed-in browsers. A session ends after {@link #IDLE} without a request, {@link #LIFETIME} after sign-in, at
 * sign-out, or when its user changes the password elsewhere.
 */
public final class WebSessions {
    static final Duration IDLE = Duration.ofHours(12);
    static final Duration LIFETIME = Duration.ofDays(14);
    // Writing last_seen on every page view costs a write per request for nothing; once a minute is plenty.
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;

    public WebSessions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A live session: who, in which account, with what role there, and the token its forms carry. */
    public record SignedIn(String tokenHash, long userId, String email, String name, long accountId, String accountName,
                           boolean operatorAccount, Role role, boolean canReveal, String csrfToken) {
        public boolean canWrite() {
            return role == Role.OWNER || role == Role.ADMIN;
        }

        public boolean isOwner() {
            return role == Role.OWNER;
        }
    }

    /** Starts a session and answers the cookie token. */
    String open(Handle handle, long userId, long accountId) {
        Instant now = clock.instant();
        handle.createUpdate("DELETE FROM web_session WHERE expires_at < :now OR last_seen_at < :idle")
                .bind("now", now).bind("idle", now.minus(IDLE)).execute();
        String token = Tokens.random();
        handle.createUpdate("""
                        INSERT INTO web_session (token_hash, user_id, account_id, csrf_token, created_at, last_seen_at, expires_at)
                        VALUES (:hash, :user, :account, :csrf, :now, :now, :expires)""")
                .bind("hash", Tokens.hash(token))
                .bind("user", userId)
                .bind("account", accountId)
                .bind("csrf", Tokens.random())
                .bind("now", now)
                .bind("expires", now.plus(LIFETIME))
                .execute();
        return token;
    }

    /** The session of this cookie token, when it is live and its user is still a member of its account. */
    Optional<SignedIn> find(String token) {
        Instant now = clock.instant();
        String hash = Tokens.hash(token);
        return jdbi.withHandle(handle -> {
            var found = handle.createQuery("""
                            SELECT s.token_hash, s.user_id, u.email, u.name, s.account_id, a.name AS account_name,
                                   a.is_operator, m.role, m.can_reveal, s.csrf_token, s.last_seen_at
                              FROM web_session s
                              JOIN app_user u ON u.id = s.user_id
                              JOIN membership m ON m.user_id = s.user_id AND m.account_id = s.account_id
                              JOIN account a ON a.id = s.account_id
                             WHERE s.token_hash = :hash AND s.expires_at > :now AND s.last_seen_at > :idle""")
                    .bind("hash", hash).bind("now", now).bind("idle", now.minus(IDLE))
                    .map((rs, ctx) -> new Found(new SignedIn(rs.getString("token_hash"), rs.getLong("user_id"),
                            rs.getString("email"), rs.getString("name"), rs.getLong("account_id"), rs.getString("account_name"),
                            rs.getBoolean("is_operator"), Role.of(rs.getString("role")).orElseThrow(), rs.getBoolean("can_reveal"),
                            rs.getString("csrf_token")), rs.getTimestamp("last_seen_at").toInstant()))
                    .findOne();
            found.filter(row -> row.lastSeen().isBefore(now.minus(TOUCH_EVERY))).ifPresent(row ->
                    handle.createUpdate("UPDATE web_session SET last_seen_at = :now WHERE token_hash = :hash")
                            .bind("now", now).bind("hash", hash).execute());
            return found.map(Found::session);
        });
    }

    private record Found(SignedIn session, Instant lastSeen) {
    }

    void close(String tokenHash) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM web_session WHERE token_hash = :hash")
                .bind("hash", tokenHash).execute());
    }

    /** Signs the user out everywhere (a password chosen through a one-time link). */
    void closeAll(Handle handle, long userId) {
        handle.createUpdate("DELETE FROM web_session WHERE user_id = :user").bind("user", userId).execute();
    }

    /** Signs the user out everywhere but here (after a password change). */
    void closeOthers(Handle handle, long userId, String keepTokenHash) {
        handle.createUpdate("DELETE FROM web_session WHERE user_id = :user AND token_hash <> :keep")
                .bind("user", userId).bind("keep", keepTokenHash).execute();
    }

    void switchAccount(String tokenHash, long accountId) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE web_session SET account_id = :account WHERE token_hash = :hash")
                .bind("account", accountId).bind("hash", tokenHash).execute());
    }
}
