package io.calltrail.account;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for dashboard users, their memberships and one-time sign-in links. */
public final class UserStore {
    private static final RowMapper<User> USER = (rs, ctx) -> new User(rs.getLong("id"), rs.getString("email"),
            rs.getString("name"), rs.getString("password_hash") != null, rs.getTimestamp("created_at").toInstant());
    private static final RowMapper<Membership> MEMBERSHIP = (rs, ctx) -> new Membership(rs.getLong("user_id"),
            rs.getLong("account_id"), rs.getString("account_name"), Role.of(rs.getString("role")).orElseThrow(),
            rs.getBoolean("can_reveal"));

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A user and its password hash, for signing in. */
    public record Credentials(User user, String passwordHash) {
    }

    public static String normalEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    public User insertUser(Handle handle, String email, String name, Instant now) {
        String normal = normalEmail(email);
        long id = handle.createUpdate("""
                        INSERT INTO app_user (email, name, created_at) VALUES (:email, :name, :now)""")
                .bind("email", normal)
                .bind("name", name)
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return new User(id, normal, name, false, now);
    }

    public void addMembership(Handle handle, long userId, long accountId, Role role, boolean canReveal, Instant now) {
        handle.createUpdate("""
                        INSERT INTO membership (user_id, account_id, role, can_reveal, created_at)
                        VALUES (:user, :account, :role, :canReveal, :now)""")
                .bind("user", userId)
                .bind("account", accountId)
                .bind("role", role.toString())
                .bind("canReveal", canReveal)
                .bind("now", now)
                .execute();
    }

    public boolean updateMembership(Handle handle, long userId, long accountId, Role role, boolean canReveal) {
        return handle.createUpdate("""
                        UPDATE membership SET role = :role, can_reveal = :canReveal
                         WHERE user_id = :user AND account_id = :account""")
                .bind("user", userId)
                .bind("account", accountId)
                .bind("role", role.toString())
                .bind("canReveal", canReveal)
                .execute() == 1;
    }

    /** Removes the user from the account and signs it out there; the user itself stays for its other accounts. */
    public boolean removeMembership(Handle handle, long userId, long accountId) {
        handle.createUpdate("DELETE FROM web_session WHERE user_id = :user AND account_id = :account")
                .bind("user", userId).bind("account", accountId).execute();
        handle.createUpdate("DELETE FROM sign_in_link WHERE user_id = :user AND account_id = :account")
                .bind("user", userId).bind("account", accountId).execute();
        return handle.createUpdate("DELETE FROM membership WHERE user_id = :user AND account_id = :account")
                .bind("user", userId).bind("account", accountId).execute() == 1;
    }

    public int countOwners(Handle handle, long accountId) {
        return handle.createQuery("SELECT COUNT(*) FROM membership WHERE account_id = :account AND role = 'owner'")
                .bind("account", accountId).mapTo(Integer.class).one();
    }

    public boolean anyUser(Handle handle) {
        return handle.createQuery("SELECT COUNT(*) FROM app_user").mapTo(Long.class).one() > 0;
    }

    /** The accounts the user is a member of, oldest first. */
    public List<Long> accountIds(Handle handle, long userId) {
        return handle.createQuery("SELECT account_id FROM membership WHERE user_id = :user ORDER BY account_id")
                .bind("user", userId).mapTo(Long.class).list();
    }

    public Optional<Credentials> credentials(String email) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM app_user WHERE email = :email")
                .bind("email", normalEmail(email))
                .map((rs, ctx) -> new Credentials(USER.map(rs, ctx), rs.getString("password_hash")))
                .findOne());
    }

    public Optional<User> byEmail(Handle handle, String email) {
        return handle.createQuery("SELECT * FROM app_user WHERE email = :email")
                .bind("email", normalEmail(email)).map(USER).findOne();
    }

    public Optional<User> user(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM app_user WHERE id = :id")
                .bind("id", id).map(USER).findOne());
    }

    public Optional<String> passwordHash(long userId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT password_hash FROM app_user WHERE id = :id")
                .bind("id", userId).mapTo(String.class).findOne());
    }

    public void setPassword(Handle handle, long userId, String passwordHash, Instant now) {
        handle.createUpdate("UPDATE app_user SET password_hash = :hash, password_at = :now WHERE id = :id")
                .bind("hash", passwordHash).bind("now", now).bind("id", userId).execute();
    }

    /** The accounts this user may look at, by name. */
    public List<Membership> memberships(long userId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT m.user_id, m.account_id, a.name AS account_name, m.role, m.can_reveal
                          FROM membership m JOIN account a ON a.id = m.account_id
                         WHERE m.user_id = :user
                         ORDER BY a.name, a.id""")
                .bind("user", userId).map(MEMBERSHIP).list());
    }

    public Optional<Membership> membership(long userId, long accountId) {
        return jdbi.withHandle(handle -> membership(handle, userId, accountId));
    }

    public Optional<Membership> membership(Handle handle, long userId, long accountId) {
        return handle.createQuery("""
                        SELECT m.user_id, m.account_id, a.name AS account_name, m.role, m.can_reveal
                          FROM membership m JOIN account a ON a.id = m.account_id
                         WHERE m.user_id = :user AND m.account_id = :account""")
                .bind("user", userId).bind("account", accountId).map(MEMBERSHIP).findOne();
    }

    /** A member of an account, as the users page lists it. */
    public record Member(User user, Role role, boolean canReveal) {
    }

    public List<Member> members(long accountId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT u.*, m.role, m.can_reveal
                          FROM membership m JOIN app_user u ON u.id = m.user_id
                         WHERE m.account_id = :account
                         ORDER BY u.email""")
                .bind("account", accountId)
                .map((rs, ctx) -> new Member(USER.map(rs, ctx), Role.of(rs.getString("role")).orElseThrow(), rs.getBoolean("can_reveal")))
                .list());
    }

    public void insertLink(Handle handle, String tokenHash, long userId, long accountId, Instant now, Instant expires) {
        handle.createUpdate("""
                        INSERT INTO sign_in_link (token_hash, user_id, account_id, created_at, expires_at)
                        VALUES (:hash, :user, :account, :now, :expires)""")
                .bind("hash", tokenHash)
                .bind("user", userId)
                .bind("account", accountId)
                .bind("now", now)
                .bind("expires", expires)
                .execute();
    }

    /** An unused, unexpired link: whom it signs in, and to which account. */
    public record Link(long userId, long accountId) {
    }

    public Optional<Link> link(Handle handle, String tokenHash, Instant now) {
        return handle.createQuery("""
                        SELECT user_id, account_id FROM sign_in_link
                         WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now""")
                .bind("hash", tokenHash).bind("now", now)
                .map((rs, ctx) -> new Link(rs.getLong("user_id"), rs.getLong("account_id")))
                .findOne();
    }

    /** Used and expired links sign no one in. */
    public void deleteSpentLinks(Handle handle, Instant now) {
        handle.createUpdate("DELETE FROM sign_in_link WHERE expires_at < :now OR used_at IS NOT NULL").bind("now", now).execute();
    }

    /** Marks the link used; false when another request used it first. */
    public boolean useLink(Handle handle, String tokenHash, Instant now) {
        return handle.createUpdate("""
                        UPDATE sign_in_link SET used_at = :now
                         WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now""")
                .bind("hash", tokenHash).bind("now", now).execute() == 1;
    }
}
