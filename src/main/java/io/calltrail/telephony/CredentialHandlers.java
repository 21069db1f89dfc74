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

    /** A provider credential as it may be shown: never its auth token, which is sealed and only ever replaced. */
    public record Credential(String provider, String accountSid, java.time.Instant createdAt) {
    }

    public void list(Context ctx) {
        ctx.json(credentials(Admin.account(ctx)).stream().map(CredentialHandlers::masked).toList());
    }

    public java.util.List<Credential> credentials(Account account) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT provider, account_sid, created_at FROM provider_credential WHERE account_id = :account ORDER BY provider""")
                .bind("account", account.id())
                .map((rs, c) -> new Credential(rs.getString("provider"), rs.getString("account_sid"),
                        rs.getTimestamp("created_at").toInstant()))
                .list());
    }

    private static Map<String, Object> masked(Credential credential) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("provider", credential.provider());
        row.put("account_sid", credential.accountSid());
        row.put("auth_token", "********");
        row.put("created_at", credential.createdAt());
        return row;
    }

    /** {@code PUT /api/v1/provider-credentials/{provider}} with {@code auth_token} and optional {@code account_sid}. */
    public void put(Context ctx) {
        Credential saved = put(Admin.account(ctx), Admin.actor(ctx), ctx.pathParam("provider"), JsonBody.of(ctx.body()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", saved.provider());
        answer.put("account_sid", saved.accountSid());
        answer.put("auth_token", "********");
        ctx.json(answer);
    }

    /** Sets or replaces the provider's credential; what it answers holds no token. */
    public Credential put(Account account, Actor actor, String provider, JsonBody body) {
        if (!PROVIDER.matcher(provider).matches()) {
            throw ApiError.notFound("provider");
        }
        body.allowOnly(Set.of("auth_token", "account_sid"));
        String token = body.requiredString("auth_token", 256);
        if (token.length() < 16) {
            throw ApiError.invalid("auth_token", "auth_token must be at least 16 characters (the provider's auth token)");
        }
        String sid = body.optionalString("account_sid", 64).orElse(null);
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
        return credentials(account).stream().filter(saved -> saved.provider().equals(provider)).findFirst().orElseThrow();
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
        delete(Admin.account(ctx), Admin.actor(ctx), ctx.pathParam("provider"));
        ctx.status(204);
    }

    public void delete(Account account, Actor actor, String provider) {
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
    }
}
