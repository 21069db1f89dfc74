package io.calltrail.property;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.privacy.AuditLog;
import io.calltrail.property.Property.AttributionModel;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Admin API for properties and their target numbers. */
public final class PropertyHandlers {
    private static final Set<String> PROPERTY_FIELDS = Set.of("name", "public_key", "domains", "country", "time_zone",
            "currency", "attribution_model", "session_timeout_seconds", "consent_mode", "anti_flicker");
    private static final Set<String> TARGET_FIELDS = Set.of("property_id", "number", "label");
    private static final Pattern PUBLIC_KEY = Pattern.compile("[A-Za-z0-9_-]{3,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final PropertyStore store;
    private final Clock clock;
    private final Runnable onChange;
    private final AuditLog audit;

    /** @param onChange called after every change, so cached tracking settings are reloaded */
    public PropertyHandlers(Jdbi jdbi, PropertyStore store, Clock clock, Runnable onChange, AuditLog audit) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
        this.onChange = onChange;
        this.audit = audit;
    }


    public void list(Context ctx) {
        ctx.json(store.list(Admin.account(ctx).id()));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        ctx.json(store.get(account.id(), Admin.pathId(ctx, "property")).orElseThrow(() -> ApiError.notFound("property")));
    }

    public void create(Context ctx) {
        ctx.status(201).json(create(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates a property; the admin API and the set-up pages both come here, so both validate and audit alike. */
    public Property create(Account account, Actor actor, JsonBody body) {
        body.allowOnly(PROPERTY_FIELDS);
        Instant now = clock.instant();
        Property draft = read(body, new Property(0, account.id(), null, null, List.of(), null, null, null,
                AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, now, now));
        Property created = Admin.writing(() -> jdbi.inTransaction(handle -> {
            if (store.publicKeyTaken(handle, draft.publicKey(), 0)) {
                throw ApiError.conflict("public_key", "public_key '" + draft.publicKey() + "' is already in use");
            }
            Property inserted = store.insert(handle, draft);
            audit.settingsChange(handle, actor, "property", inserted.id(), "create", AuditLog.snapshot(inserted));
            return inserted;
        }));
        onChange.run();
        return created;
    }

    public void update(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "property");
        store.get(account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
        ctx.json(update(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    /** Changes the fields {@code body} holds and keeps the others. */
    public Property update(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(PROPERTY_FIELDS);
        Property updated = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Property existing = store.get(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
            Property changed = read(body, existing);
            if (store.publicKeyTaken(handle, changed.publicKey(), id)) {
                throw ApiError.conflict("public_key", "public_key '" + changed.publicKey() + "' is already in use");
            }
            Property saved = store.update(handle, changed, clock.instant());
            audit.settingsChange(handle, actor, "property", id, "update", AuditLog.changed(existing, saved));
            return saved;
        }));
        onChange.run();
        return updated;
    }

    public void delete(Context ctx) {
        delete(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "property"));
        ctx.status(204);
    }

    /** Deletes a property that nothing refers to any more (409 naming what still does). */
    public void delete(Account account, Actor actor, long id) {
        boolean deleted = Admin.inUse(() -> jdbi.inTransaction(handle -> {
                    var existing = store.get(handle, account.id(), id);
                    if (existing.isEmpty() || !store.delete(handle, account.id(), id)) {
                        return false;
                    }
                    audit.settingsChange(handle, actor, "property", id, "delete", AuditLog.snapshot(existing.get()));
                    return true;
                }),
                "the property still has target numbers, tracking numbers, pools, rules or sessions");
        if (!deleted) {
            throw ApiError.notFound("property");
        }
        onChange.run();
    }

    public void listTargets(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        ctx.json(targets(account, property));
    }

    /** The account's target numbers, or one property's when {@code propertyId} is given. */
    public List<TargetNumber> targets(Account account, Long propertyId) {
        return jdbi.withHandle(handle -> store.targets(handle, account.id(), propertyId));
    }

    public void getTarget(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "target number");
        ctx.json(target(account, id).orElseThrow(() -> ApiError.notFound("target number")));
    }

    public java.util.Optional<TargetNumber> target(Account account, long id) {
        return jdbi.withHandle(handle -> store.target(handle, account.id(), id));
    }

    public void createTarget(Context ctx) {
        ctx.status(201).json(createTarget(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates a target number, parsed against its property's country and stored in E.164. */
    public TargetNumber createTarget(Account account, Actor actor, JsonBody body) {
        body.allowOnly(TARGET_FIELDS);
        long propertyId = Admin.requiredId(body, "property_id");
        TargetNumber created = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Property property = store.get(handle, account.id(), propertyId)
                    .orElseThrow(() -> ApiError.invalid("property_id", "no property " + propertyId + " in this account"));
            String e164 = Admin.phone(body, "number", property.country());
            String label = body.optionalString("label", 200).orElse("Main number");
            TargetNumber inserted = store.insertTarget(handle, account.id(), property.id(), e164, label, clock.instant());
            audit.settingsChange(handle, actor, "target_number", inserted.id(), "create", AuditLog.snapshot(inserted));
            return inserted;
        }));
        onChange.run();
        return created;
    }

    public void updateTarget(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "target number");
        target(account, id).orElseThrow(() -> ApiError.notFound("target number"));
        ctx.json(updateTarget(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    public TargetNumber updateTarget(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(Set.of("number", "label"));
        TargetNumber updated = Admin.writing(() -> jdbi.inTransaction(handle -> {
            TargetNumber existing = store.target(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("target number"));
            Property property = store.get(handle, account.id(), existing.propertyId()).orElseThrow();
            String e164 = body.has("number") ? Admin.phone(body, "number", property.country()) : existing.e164();
            String label = body.optionalString("label", 200).orElse(existing.label());
            TargetNumber changed = new TargetNumber(id, account.id(), existing.propertyId(), e164, label, existing.createdAt());
            store.updateTarget(handle, changed);
            audit.settingsChange(handle, actor, "target_number", id, "update", AuditLog.changed(existing, changed));
            return changed;
        }));
        onChange.run();
        return updated;
    }

    public void deleteTarget(Context ctx) {
        deleteTarget(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "target number"));
        ctx.status(204);
    }

    public void deleteTarget(Account account, Actor actor, long id) {
        boolean deleted = Admin.inUse(() -> jdbi.inTransaction(handle -> {
                    var existing = store.target(handle, account.id(), id);
                    if (existing.isEmpty() || !store.deleteTarget(handle, account.id(), id)) {
                        return false;
                    }
                    audit.settingsChange(handle, actor, "target_number", id, "delete", AuditLog.snapshot(existing.get()));
                    return true;
                }),
                "the target number is still used by source rules or sessions");
        if (!deleted) {
            throw ApiError.notFound("target number");
        }
        onChange.run();
    }

    private Property read(JsonBody body, Property base) {
        String name = body.has("name") || base.name() == null ? body.requiredString("name", 200) : base.name();
        String key = body.optionalString("public_key", 64).orElse(base.publicKey());
        if (key == null) {
            key = "pk_" + Long.toString(Math.abs(RANDOM.nextLong()), 36);
        } else if (!PUBLIC_KEY.matcher(key).matches()) {
            throw ApiError.invalid("public_key", "public_key must be 3 to 64 letters, digits, '-' or '_'");
        }
        List<String> domains = base.domains();
        if (body.has("domains") || domains.isEmpty()) {
            List<String> raw = body.optionalStringList("domains", 50, 260);
            if (raw.isEmpty()) {
                throw ApiError.invalid("domains", "domains must list at least one domain allowed to load the snippet");
            }
            domains = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                String domain = DomainPattern.normalise(raw.get(i));
                if (domain == null) {
                    throw ApiError.invalid("domains[" + i + "]", "domains[" + i + "] '" + raw.get(i) + "' is not a host name (with an optional :port)");
                }
                domains.add(domain);
            }
        }
        String country = body.optionalString("country", 2).map(c -> c.toUpperCase(Locale.ROOT)).orElse(base.country());
        if (country == null || !PhoneNumber.isSupportedCountry(country)) {
            throw ApiError.invalid("country", "country must be an ISO 3166 two-letter country code, e.g. US or GB");
        }
        String zone = body.optionalString("time_zone", 64).orElse(base.timeZone());
        if (zone == null) {
            throw ApiError.invalid("time_zone", "time_zone is required (an IANA zone such as America/Chicago)");
        }
        try {
            zone = ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            throw ApiError.invalid("time_zone", "time_zone '" + zone + "' is not an IANA time zone such as America/Chicago");
        }
        String currency = body.optionalString("currency", 3).map(c -> c.toUpperCase(Locale.ROOT)).orElse(base.currency());
        if (currency == null) {
            throw ApiError.invalid("currency", "currency is required (ISO 4217, e.g. USD)");
        }
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("currency", "currency '" + currency + "' is not an ISO 4217 code such as USD");
        }
        AttributionModel model = body.optionalEnum("attribution_model", AttributionModel.class).orElse(base.attributionModel());
        int timeout = body.optionalInt("session_timeout_seconds", 60, 24 * 3600).orElse(base.sessionTimeoutSeconds());
        Property.ConsentMode consentMode = body.optionalEnum("consent_mode", Property.ConsentMode.class).orElse(base.consentMode());
        boolean antiFlicker = body.optionalBoolean("anti_flicker").orElse(base.antiFlicker());
        return new Property(base.id(), base.accountId(), name, key, List.copyOf(domains), country, zone, currency, model,
                timeout, consentMode, antiFlicker, base.createdAt(), base.updatedAt());
    }
}
