package io.calltrail.account;

import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.privacy.AuditLog;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Admin API for the caller's account, its API keys, and (operator only) other accounts. Owners manage every key and
 * alone grant the owner role and the reveal permission; admins manage admin and viewer keys.
 */
public final class AccountHandlers {
    private final Jdbi jdbi;
    private final AccountStore store;
    private final Clock clock;
    private final AuditLog audit;

    public AccountHandlers(Jdbi jdbi, AccountStore store, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
        this.audit = audit;
    }

    public void current(Context ctx) {
        ctx.json(Admin.account(ctx));
    }

    public void listKeys(Context ctx) {
        ctx.json(keys(Admin.account(ctx)));
    }

    /** A key just made, with its secret: shown in this answer and nowhere else, ever. */
    public record NewKey(ApiKey key, String secret) {
    }

    /** {"name", "role" (default admin), "can_reveal" (default false)}. The secret is in this answer and nowhere else, ever. */
    public void createKey(Context ctx) {
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        NewKey created = createKey(actor, JsonBody.of(ctx.body()));
        ctx.status(201).json(withSecret(created.key(), created.secret()));
    }

    /** Makes a key in the actor's account; only owners make owner keys or grant the reveal permission. */
    public NewKey createKey(Actor actor, JsonBody body) {
        body.allowOnly(Set.of("name", "role", "can_reveal"));
        String name = body.optionalString("name", 200).orElse("API key");
        Role role = body.optionalEnum("role", Role.class).orElse(Role.ADMIN);
        boolean canReveal = body.optionalBoolean("can_reveal").orElse(false);
        if (role == Role.OWNER && !actor.hasRole(Role.OWNER)) {
            throw Admin.forbidden("only an owner key may create owner keys");
        }
        if (canReveal && !actor.hasRole(Role.OWNER)) {
            throw Admin.forbidden("only an owner key may grant can_reveal");
        }
        if (canReveal && role == Role.VIEWER) {
            throw ApiError.invalid("can_reveal", "a viewer key cannot reveal numbers (revealing is a POST, and viewers only read); "
                    + "give the key the role admin or owner");
        }
        String secret = ApiKeySecrets.generate();
        ApiKey key = jdbi.inTransaction(handle -> {
            ApiKey created = store.insertKey(handle, actor.accountId(), name, secret, role, canReveal, clock.instant());
            audit.record(handle, actor, "api_key.create", "api_key", Long.toString(created.id()), Map.of(
                    "name", created.name(), "prefix", created.prefix(), "role", role.toString(), "can_reveal", canReveal));
            return created;
        });
        return new NewKey(key, secret);
    }

    /** Admins revoke admin and viewer keys; owner keys only an owner, and never the account's last one. */
    public void revokeKey(Context ctx) {
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        revokeKey(actor, Admin.pathId(ctx, "API key"));
        ctx.status(204);
    }

    public void revokeKey(Actor actor, long id) {
        jdbi.useTransaction(handle -> {
            ApiKey key = store.key(handle, actor.accountId(), id).orElseThrow(() -> ApiError.notFound("API key"));
            if (key.revokedAt() != null) {
                return; // revoked before: nothing changes, nothing to record
            }
            if (key.role() == Role.OWNER) {
                if (!actor.hasRole(Role.OWNER)) {
                    throw Admin.forbidden("only an owner key may revoke owner keys");
                }
                if (store.activeOwnerKeys(handle, actor.accountId()) <= 1) {
                    throw ApiError.conflict(null, "this is the account's last owner key; create another owner key before revoking it");
                }
            }
            store.revokeKey(handle, actor.accountId(), id, clock.instant());
            audit.record(handle, actor, "api_key.revoke", "api_key", Long.toString(id), Map.of(
                    "name", key.name(), "prefix", key.prefix(), "role", key.role().toString()));
        });
    }

    public java.util.List<ApiKey> keys(Account account) {
        return store.keys(account.id());
    }

    public void listAccounts(Context ctx) {
        Account account = Admin.account(ctx);
        ctx.json(account.operator() ? store.accounts() : java.util.List.of(account));
    }

    /** The operator provisions client accounts; each starts with one owner API key, returned here once. */
    public void createAccount(Context ctx) {
        Account caller = Admin.account(ctx);
        if (!caller.operator()) {
            throw new ApiError(403, "forbidden", null, "only the operator account may create accounts");
        }
        Actor actor = Admin.requireRole(ctx, Role.OWNER);
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("name"));
        String name = body.requiredString("name", 200);
        String secret = ApiKeySecrets.generate();
        Map<String, Object> created = jdbi.inTransaction(handle -> {
            Account account = store.insertAccount(handle, name, false, clock.instant());
            ApiKey key = store.insertKey(handle, account.id(), "initial key", secret, clock.instant());
            audit.record(handle, actor, "account.create", "account", Long.toString(account.id()), Map.of(
                    "name", name, "initial_key_id", key.id(), "initial_key_prefix", key.prefix()));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("account", account);
            answer.put("api_key", withSecret(key, secret));
            return answer;
        });
        ctx.status(201).json(created);
    }

    private static Map<String, Object> withSecret(ApiKey key, String secret) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", key.id());
        answer.put("name", key.name());
        answer.put("prefix", key.prefix());
        answer.put("role", key.role().toString());
        answer.put("can_reveal", key.canReveal());
        answer.put("created_at", key.createdAt());
        answer.put("secret", secret);
        return answer;
    }
}
