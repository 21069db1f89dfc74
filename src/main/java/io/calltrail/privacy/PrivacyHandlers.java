package io.calltrail.privacy;

import io.calltrail.account.Actor;
import io.calltrail.account.Role;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.phone.PhoneNumber;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Admin API for data-subject requests (erasure, access), retention settings, and what purges removed. */
public final class PrivacyHandlers {
    private final Jdbi jdbi;
    private final Erasure erasure;
    private final SubjectAccess subjects;
    private final Clock clock;
    private final AuditLog audit;

    public PrivacyHandlers(Jdbi jdbi, Erasure erasure, SubjectAccess subjects, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.erasure = erasure;
        this.subjects = subjects;
        this.clock = clock;
    }

    /** {"phone": "<any format>", "country": "US" (for numbers written without a country code)} */
    public void erase(Context ctx) {
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("phone", "country"));
        ctx.json(erase(actor, caller(actor.accountId(), body.requiredString("phone", 64), body.optionalString("country", 2).orElse(null))));
    }

    /** Erases the caller from the actor's account, audit-logged; answers what was erased and the caller, masked. */
    public Map<String, Object> erase(Actor actor, PhoneNumber caller) {
        Map<String, Integer> erased = erasure.erase(actor.accountId(), caller, (handle, entry, counts) ->
                audit.record(handle, actor, "privacy.erase", "erasure", Long.toString(entry), Map.of("erased", counts)));
        return Map.of("erased", erased, "caller", CallerCrypto.mask(caller));
    }

    /** ?phone=...[&country=US] */
    public void subject(Context ctx) {
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        String raw = ctx.queryParam("phone");
        if (raw == null || raw.isBlank()) {
            throw new ApiError(400, "invalid_query", "phone", "phone is required: the caller's number in any format");
        }
        ctx.json(subject(actor, caller(actor.accountId(), raw, ctx.queryParam("country"))));
    }

    /** Everything the actor's account holds about the caller; reading it is itself worth a line in the audit log. */
    public Map<String, Object> subject(Actor actor, PhoneNumber caller) {
        return jdbi.inTransaction(handle -> {
            Map<String, Object> report = subjects.report(handle, actor.accountId(), caller);
            audit.record(handle, actor, "privacy.subject_access", "caller", null,
                    Map.of("calls", ((List<?>) report.get("calls")).size()));
            return report;
        });
    }

    public void retention(Context ctx) {
        ctx.json(retention(Admin.account(ctx).id()));
    }

    public Retention retention(long accountId) {
        return jdbi.withHandle(handle -> Retention.of(handle, accountId));
    }

    /** {"caller_number_days": 90, "records_months": 25} */
    public void setRetention(Context ctx) {
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        ctx.json(setRetention(actor, JsonBody.of(ctx.body())));
    }

    /** Changes what the body names (the rest stays), audit-logged as a settings change; answers the settings now. */
    public Retention setRetention(Actor actor, JsonBody body) {
        body.allowOnly(Set.of("caller_number_days", "records_months"));
        Retention current = retention(actor.accountId());
        Retention changed = new Retention(
                body.optionalInt("caller_number_days", 1, Retention.MAX_CALLER_NUMBER_DAYS).orElse(current.callerNumberDays()),
                body.optionalInt("records_months", 1, Retention.MAX_RECORDS_MONTHS).orElse(current.recordsMonths()));
        jdbi.useTransaction(handle -> {
            Retention.set(handle, actor.accountId(), changed, clock.instant());
            audit.record(handle, actor, "settings.change", "retention", Long.toString(actor.accountId()), AuditLog.changes(current, changed));
        });
        return changed;
    }

    /** What the purge job removed from this account, newest first. */
    public void purges(Context ctx) {
        ctx.json(purges(Admin.account(ctx).id(), 500));
    }

    /** What each purge removed, by kind, newest first. */
    public List<Purge.Removed> purges(long accountId, int limit) {
        return jdbi.withHandle(handle -> Purge.removed(handle, accountId, limit));
    }

    /**
     * A number as written: with its country code, else in the given country or the account's properties' countries;
     * else 422 naming the field {@code phone}.
     */
    public PhoneNumber caller(long accountId, String raw, String country) {
        if (raw == null || raw.isBlank()) {
            throw ApiError.invalid("phone", "phone is required: the caller's number in any format");
        }
        List<String> countries = country != null && !country.isBlank() ? List.of(country.strip().toUpperCase(java.util.Locale.ROOT))
                : jdbi.withHandle(handle -> countries(handle, accountId));
        Optional<PhoneNumber> parsed = PhoneNumber.parse(raw, null);
        for (int i = 0; parsed.isEmpty() && i < countries.size(); i++) {
            parsed = PhoneNumber.parse(raw, countries.get(i));
        }
        return parsed.orElseThrow(() -> ApiError.invalid("phone", "phone '" + raw + "' is not a valid phone number"
                + (countries.isEmpty() ? "; give it with its country code" : " for " + String.join(" or ", countries))));
    }

    /** The countries of the account's properties, in which numbers without a country code are read. */
    private static List<String> countries(Handle handle, long accountId) {
        return handle.createQuery("SELECT DISTINCT country FROM property WHERE account_id = :account ORDER BY country")
                .bind("account", accountId).mapTo(String.class).list();
    }
}
