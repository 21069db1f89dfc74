package io.calltrail.telephony;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The account's provider credentials ({@code twilio}, {@code signalwire}): the auth token that signs
 * their webhooks, sealed at rest, never shown again; the provider account id, if set, must match.
 */
public final class CredentialHandlers {
    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final Runnable onChange;
    private final AuditLog audit;

    public CredentialHandlers(Jdbi jdbi, CallerCrypto crypto, Clock clock, Runnable onChange, AuditLog audit) {
        this.audit = audit;
        this.jdbi = jdbi;
        this.crypto = crypto;
        this.clock = clock;
        this.onChange = onChange;
    }

    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        ctx.json(jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT provider, account_sid, created_at FROM provider_credential WHERE account_id = :account ORDER BY provider""")
                .bind("account", account.id())
                .map((rs, c) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("provider", rs.getString("provider"));
                    row.put("account_sid", rs.getString("account_sid"));
                    row.put("auth_token", "********");
                    row.put("created_at", rs.getTimestamp("created_at").toInstant());
                    return row;
                })
                .list()));
    }

    /** {@code PUT /api/v1/provider-credentials/{provider}} with {@code auth_token} and optional {@code account_sid}. */
    public void put(Context ctx) {
        Account account = Admin.account(ctx);
        String provider = ctx.pathParam("provider");
        if (!PROVIDER.matcher(provider).matches()) {
            throw ApiError.notFound("provider");
        }
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("auth_token", "account_sid"));
        String token = body.requiredString("auth_token", 256);
        if (token.length() < 16) {
            throw ApiError.invalid("auth_token", "auth_token must be at least 16 characters (the provider's auth token)");
        }
        String sid = body.optionalString("account_sid", 64).orElse(null);
        Actor actor = Admin.actor(ctx);
        jdbi.useTransaction(handle -> {
            boolean replaced = store(handle, crypto, account.id(), provider, sid, token, clock.instant());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("operation", replaced ? "replace" : "create");
            details.put("provider", provider);
            details.put("account_sid", sid);
            details.put("auth_token_replaced", true);
            audit.record(handle, actor, "credential.change", "provider_credential", provider, details);
        });
        onChange.run();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider);
        answer.put("account_sid", sid);
        answer.put("auth_token", "********");
        ctx.json(answer);
    }

    /** Sets an account's credential for a provider, replacing the one it had; the token is sealed first. */
    public static void store(Jdbi jdbi, CallerCrypto crypto, long accountId, String provider, String accountSid, String token,
                             java.time.Instant now) {
        jdbi.useTransaction(handle -> store(handle, crypto, accountId, provider, accountSid, token, now));
    }

    /** The same in the caller's transaction; true when it replaced a credential, false when it was the first. */
    static boolean store(org.jdbi.v3.core.Handle handle, CallerCrypto crypto, long accountId, String provider, String accountSid,
                         String token, java.time.Instant now) {
        String sealed = crypto.seal(accountId, "provider-token", token);
        int updated = handle.createUpdate("""
                        UPDATE provider_credential SET auth_token_sealed = :sealed, account_sid = :sid
                         WHERE account_id = :account AND provider = :provider""")
                .bind("sealed", sealed).bind("sid", accountSid).bind("account", accountId).bind("provider", provider).execute();
        if (updated == 0) {
            handle.createUpdate("""
                            INSERT INTO provider_credential (account_id, provider, account_sid, auth_token_sealed, created_at)
                            VALUES (:account, :provider, :sid, :sealed, :now)""")
                    .bind("account", accountId).bind("provider", provider).bind("sid", accountSid).bind("sealed", sealed)
                    .bind("now", now).execute();
        }
        return updated > 0;
    }

    public void delete(Context ctx) {
        Account account = Admin.account(ctx);
        Actor actor = Admin.actor(ctx);
        String provider = ctx.pathParam("provider");
        boolean deleted = jdbi.inTransaction(handle -> {
            if (handle.createUpdate("DELETE FROM provider_credential WHERE account_id = :account AND provider = :provider")
                    .bind("account", account.id()).bind("provider", provider).execute() == 0) {
                return false;
            }
            audit.record(handle, actor, "credential.change", "provider_credential", provider,
                    Map.of("operation", "delete", "provider", provider));
            return true;
        });
        if (!deleted) {
            throw ApiError.notFound("provider credential");
        }
        onChange.run();
        ctx.status(204);
    }
}
