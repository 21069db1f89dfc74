package io.calltrail.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for accounts and API keys. */
public final class AccountStore {
    private static final RowMapper<Account> ACCOUNT = (rs, ctx) -> new Account(rs.getLong("id"),
            rs.getString("name"), rs.getBoolean("is_operator"), rs.getTimestamp("created_at").toInstant());

    private final Jdbi jdbi;

    public AccountStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Account insertAccount(Handle handle, String name, boolean operator, Instant now) {
        long id = handle.createUpdate("""
                        INSERT INTO account (name, is_operator, created_at) VALUES (:name, :operator, :now)""")
                .bind("name", name)
                .bind("operator", operator)
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return new Account(id, name, operator, now);
    }

    /** An owner key without the reveal permission: an account's first key (on first start, for a new account, the demo's). */
    public ApiKey insertKey(Handle handle, long accountId, String name, String secret, Instant now) {
        return insertKey(handle, accountId, name, secret, Role.OWNER, false, now);
    }

    public ApiKey insertKey(Handle handle, long accountId, String name, String secret, Role role, boolean canReveal, Instant now) {
        String prefix = ApiKeySecrets.displayPrefix(secret);
        long id = handle.createUpdate("""
                        INSERT INTO api_key (account_id, name, prefix, key_hash, created_at, role, can_reveal)
                        VALUES (:account, :name, :prefix, :hash, :now, :role, :canReveal)""")
                .bind("account", accountId)
                .bind("name", name)
                .bind("prefix", prefix)
                .bind("hash", ApiKeySecrets.hash(secret))
                .bind("now", now)
                .bind("role", role.toString())
                .bind("canReveal", canReveal)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return new ApiKey(id, accountId, name, prefix, now, null, role, canReveal);
    }

    /** An API key in use and its account. */
    public record Authenticated(Account account, ApiKey key) {
    }

    /** The unrevoked key with this secret, and its account. */
    public Optional<Authenticated> authenticate(String secret) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT a.id, a.name, a.is_operator, a.created_at,
                               k.id AS key_id, k.account_id, k.name AS key_name, k.prefix, k.created_at AS key_created_at,
                               k.revoked_at, k.role, k.can_reveal
                          FROM api_key k JOIN account a ON a.id = k.account_id
                         WHERE k.key_hash = :hash AND k.revoked_at IS NULL""")
                .bind("hash", ApiKeySecrets.hash(secret))
                .map((rs, ctx) -> new Authenticated(ACCOUNT.map(rs, ctx), new ApiKey(rs.getLong("key_id"), rs.getLong("account_id"),
                        rs.getString("key_name"), rs.getString("prefix"), rs.getTimestamp("key_created_at").toInstant(), null,
                        Role.of(rs.getString("role")).orElseThrow(), rs.getBoolean("can_reveal"))))
                .findOne());
    }

    public Optional<Account> accountByKey(String secret) {
        return authenticate(secret).map(Authenticated::account);
    }

    public Optional<Account> account(long id) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, name, is_operator, created_at FROM account WHERE id = :id")
                .bind("id", id)
                .map(ACCOUNT)
                .findOne());
    }

    public List<Account> accounts() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, name, is_operator, created_at FROM account ORDER BY id")
                .map(ACCOUNT)
                .list());
    }

    private static final RowMapper<ApiKey> KEY = (rs, ctx) -> new ApiKey(rs.getLong("id"), rs.getLong("account_id"),
            rs.getString("name"), rs.getString("prefix"), rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("revoked_at") == null ? null : rs.getTimestamp("revoked_at").toInstant(),
            Role.of(rs.getString("role")).orElseThrow(), rs.getBoolean("can_reveal"));
    private static final String KEY_COLUMNS = "id, account_id, name, prefix, created_at, revoked_at, role, can_reveal ";

    public List<ApiKey> keys(long accountId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + KEY_COLUMNS + """
                         FROM api_key WHERE account_id = :account ORDER BY id""")
                .bind("account", accountId)
                .map(KEY)
                .list());
    }

    public Optional<ApiKey> key(Handle handle, long accountId, long keyId) {
        return handle.createQuery("SELECT " + KEY_COLUMNS + " FROM api_key WHERE id = :id AND account_id = :account")
                .bind("id", keyId)
                .bind("account", accountId)
                .map(KEY)
                .findOne();
    }

    /** How many unrevoked owner keys the account has. */
    public int activeOwnerKeys(Handle handle, long accountId) {
        return handle.createQuery("""
                        SELECT COUNT(*) FROM api_key WHERE account_id = :account AND role = 'owner' AND revoked_at IS NULL""")
                .bind("account", accountId)
                .mapTo(Integer.class)
                .one();
    }

    /** Revokes a key of this account; false when the account has no such key or it was revoked before. */
    public boolean revokeKey(Handle handle, long accountId, long keyId, Instant now) {
        return handle.createUpdate("""
                        UPDATE api_key SET revoked_at = :now
                         WHERE id = :id AND account_id = :account AND revoked_at IS NULL""")
                .bind("now", now)
                .bind("id", keyId)
                .bind("account", accountId)
                .execute() == 1;
    }

    /** The operator account made on first start. */
    public Optional<Long> operatorAccountId() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT owner_account_id FROM instance_setup")
                .mapTo(Long.class).findOne());
    }

    public boolean isSetUp() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM instance_setup")
                .mapTo(Integer.class).one()) > 0;
    }

    public void markSetUp(Handle handle, long ownerAccountId, Instant now) {
        handle.createUpdate("""
                        INSERT INTO instance_setup (singleton, owner_account_id, created_at) VALUES (1, :owner, :now)""")
                .bind("owner", ownerAccountId)
                .bind("now", now)
                .execute();
    }
}
