package io.calltrail.account;

import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin API for the caller's account, its API keys, and (operator only) other accounts. */
public final class AccountHandlers {
    private final Jdbi jdbi;
    private final AccountStore store;
    private final Clock clock;

    public AccountHandlers(Jdbi jdbi, AccountStore store, Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
    }

    public void current(Context ctx) {
        ctx.json(Admin.account(ctx));
    }

    public void listKeys(Context ctx) {
        ctx.json(store.keys(Admin.account(ctx).id()));
    }

    /** The secret is in this answer and nowhere else, ever. */
    public void createKey(Context ctx) {
        Account account = Admin.account(ctx);
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("name"));
        String name = body.optionalString("name", 200).orElse("API key");
        String secret = ApiKeySecrets.generate();
        ApiKey key = jdbi.inTransaction(handle -> store.insertKey(handle, account.id(), name, secret, clock.instant()));
        ctx.status(201).json(withSecret(key, secret));
    }

    public void revokeKey(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "API key");
        if (!store.revokeKey(account.id(), id, clock.instant())) {
            throw ApiError.notFound("API key");
        }
        ctx.status(204);
    }

    public void listAccounts(Context ctx) {
        Account account = Admin.account(ctx);
        ctx.json(account.operator() ? store.accounts() : java.util.List.of(account));
    }

    /** The operator provisions client accounts; each starts with one API key, returned here once. */
    public void createAccount(Context ctx) {
        Account caller = Admin.account(ctx);
        if (!caller.operator()) {
            throw new ApiError(403, "forbidden", null, "only the operator account may create accounts");
        }
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("name"));
        String name = body.requiredString("name", 200);
        String secret = ApiKeySecrets.generate();
        Map<String, Object> created = jdbi.inTransaction(handle -> {
            Account account = store.insertAccount(handle, name, false, clock.instant());
            ApiKey key = store.insertKey(handle, account.id(), "initial key", secret, clock.instant());
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
        answer.put("created_at", key.createdAt());
        answer.put("secret", secret);
        return answer;
    }
}
