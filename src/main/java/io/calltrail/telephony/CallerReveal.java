package io.calltrail.telephony;

import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Showing a caller's full number: a permission of its own ({@code can_reveal}, of an API key or of a dashboard
 * user's membership), and every reveal is in the audit log before the number leaves. If the entry cannot be written,
 * nothing is revealed. The API and the call page both reveal through here.
 */
public final class CallerReveal {
    private final Jdbi jdbi;
    private final CallQueries calls = new CallQueries();
    private final CallerCrypto crypto;
    private final AuditLog audit;

    public CallerReveal(Jdbi jdbi, CallerCrypto crypto, AuditLog audit) {
        this.jdbi = jdbi;
        this.crypto = crypto;
        this.audit = audit;
    }

    /**
     * The full number of the caller of the actor's account's call {@code callId}, recorded as {@code caller.reveal}.
     *
     * @throws ApiError 403 without the permission; 404 for no such call in the account, or when its number is not
     *                  stored (no caller id, or removed by retention or erasure)
     */
    public PhoneNumber reveal(Actor actor, long callId) {
        if (!actor.canReveal()) {
            throw Admin.forbidden(actor.kind() == Actor.Kind.USER
                    ? "you may see callers' numbers only masked; an owner of the account can give your membership the "
                            + "permission to reveal them (can_reveal)"
                    : "this API key may not reveal callers' numbers; an owner can create a key with can_reveal");
        }
        return jdbi.inTransaction(handle -> {
            CallQueries.StoredCaller caller = calls.storedCaller(handle, actor.accountId(), callId)
                    .orElseThrow(() -> ApiError.notFound("call"));
            if (caller.sealed() == null) {
                throw new ApiError(404, "caller_not_stored", null, "caller number not stored: the call had no caller id, or "
                        + "its number was removed (retention or erasure)");
            }
            PhoneNumber number = crypto.decrypt(actor.accountId(), caller.sealed());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("caller_masked", caller.masked());
            audit.record(handle, actor, "caller.reveal", "call", Long.toString(callId), details);
            return number;
        });
    }
}
