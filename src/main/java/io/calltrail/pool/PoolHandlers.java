package io.calltrail.pool;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.privacy.AuditLog;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Admin API for pools, tracking numbers, pool statistics and lease history. */
public final class PoolHandlers {
    private static final Set<String> POOL_FIELDS = Set.of("property_id", "name", "idle_timeout_seconds", "linger_seconds",
            "overflow_policy", "fallback_number");
    private static final Set<String> NUMBER_FIELDS = Set.of("property_id", "number", "name", "provider", "forward_to",
            "pool_id", "source_name", "whisper", "caller_id", "record_calls", "recording_announcement");
    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

    private final Jdbi jdbi;
    private final PoolStore store;
    private final PropertyStore properties;
    private final Leases leases;
    private final Clock clock;
    private final int defaultIdleSeconds;
    private final int defaultLingerSeconds;
    private final Runnable onChange;
    private final AuditLog audit;

    public PoolHandlers(Jdbi jdbi, PoolStore store, PropertyStore properties, Leases leases, Clock clock,
                        int defaultIdleSeconds, int defaultLingerSeconds, Runnable onChange, AuditLog audit) {
        this.jdbi = jdbi;
        this.store = store;
        this.properties = properties;
        this.leases = leases;
        this.clock = clock;
        this.defaultIdleSeconds = defaultIdleSeconds;
        this.defaultLingerSeconds = defaultLingerSeconds;
        this.onChange = onChange;
        this.audit = audit;
    }


    /** Turning recording on or off (or changing what callers hear first) is an entry of its own. */
    private void recordRecording(Handle handle, Actor actor, TrackingNumber before, TrackingNumber after) {
        boolean wasOn = before != null && before.recordCalls();
        boolean announcementChanged = before != null && !before.recordingAnnouncement().equals(after.recordingAnnouncement());
        if (wasOn == after.recordCalls() && !(after.recordCalls() && announcementChanged)) {
            return;
        }
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("number", after.e164());
        details.put("record_calls", after.recordCalls());
        details.put("was", wasOn);
        details.put("recording_announcement", after.recordingAnnouncement());
        audit.record(handle, actor, "recording.change", "tracking_number", Long.toString(after.id()), details);
    }

    public void listPools(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        ctx.json(pools(account, property));
    }

    /** The account's pools, or one property's. */
    public java.util.List<Pool> pools(Account account, Long propertyId) {
        return jdbi.withHandle(handle -> store.pools(handle, account.id(), propertyId));
    }

    public void getPool(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "pool");
        ctx.json(pool(account, id).orElseThrow(() -> ApiError.notFound("pool")));
    }

    public void createPool(Context ctx) {
        ctx.status(201).json(createPool(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates a pool with the server's default lease settings for what {@code body} leaves out. */
    public Pool createPool(Account account, Actor actor, JsonBody body) {
        body.allowOnly(POOL_FIELDS);
        long propertyId = Admin.requiredId(body, "property_id");
        Pool created = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Property property = property(handle, account, propertyId);
            Pool draft = readPool(body, property, new Pool(0, account.id(), property.id(), null, defaultIdleSeconds,
                    defaultLingerSeconds, Pool.OverflowPolicy.FALLBACK, null, clock.instant()));
            Pool inserted = store.insertPool(handle, draft);
            audit.settingsChange(handle, actor, "pool", inserted.id(), "create", AuditLog.snapshot(inserted));
            return inserted;
        }));
        onChange.run();
        return created;
    }

    public void updatePool(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "pool");
        pool(account, id).orElseThrow(() -> ApiError.notFound("pool"));
        ctx.json(updatePool(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    public Pool updatePool(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(POOL_FIELDS);
        Pool updated = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Pool existing = store.pool(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("pool"));
            if (body.has("property_id") && body.optionalLong("property_id").orElse(-1L) != existing.propertyId()) {
                throw ApiError.invalid("property_id", "a pool cannot move to another property");
            }
            Pool changed = readPool(body, property(handle, account, existing.propertyId()), existing);
            store.updatePool(handle, changed);
            audit.settingsChange(handle, actor, "pool", id, "update", AuditLog.changed(existing, changed));
            return changed;
        }));
        onChange.run();
        return updated;
    }

    public void deletePool(Context ctx) {
        deletePool(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "pool"));
        ctx.status(204);
    }

    public void deletePool(Account account, Actor actor, long id) {
        boolean deleted = Admin.inUse(() -> jdbi.inTransaction(handle -> {
                    var existing = store.pool(handle, account.id(), id);
                    if (existing.isEmpty() || !store.deletePool(handle, account.id(), id)) {
                        return false;
                    }
                    audit.settingsChange(handle, actor, "pool", id, "delete", AuditLog.snapshot(existing.get()));
                    return true;
                }),
                "the pool still has numbers, leases, rules or sessions; move its numbers out first");
        if (!deleted) {
            throw ApiError.notFound("pool");
        }
        onChange.run();
    }

    public java.util.Optional<Pool> pool(Account account, long id) {
        return jdbi.withHandle(handle -> store.pool(handle, account.id(), id));
    }

    /** Size, numbers in use, lingering and free now; leases, reuses and exhaustions over ?from=&to= (default 24 h). */
    public void poolStats(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "pool");
        Instant now = clock.instant();
        Instant to = Admin.queryInstant(ctx, "to", now);
        Instant from = Admin.queryInstant(ctx, "from", to.minus(Duration.ofHours(24)));
        ctx.json(jdbi.withHandle(handle -> {
            Pool pool = store.pool(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("pool"));
            return store.stats(handle, pool, now, from, to);
        }));
    }

    /** Lease history of a pool over ?from=&to= (default 24 h), or who held ?number=ID at ?at=. */
    public void leases(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "pool");
        jdbi.withHandle(handle -> store.pool(handle, account.id(), id)).orElseThrow(() -> ApiError.notFound("pool"));
        Long number = Admin.queryId(ctx, "number");
        if (number != null) {
            ctx.json(leases.leasesAt(account.id(), number, Admin.queryInstant(ctx, "at", clock.instant())));
            return;
        }
        Instant to = Admin.queryInstant(ctx, "to", clock.instant());
        Instant from = Admin.queryInstant(ctx, "from", to.minus(Duration.ofHours(24)));
        ctx.json(leases.history(account.id(), id, from, to, 1000));
    }

    public void listNumbers(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        Long pool = Admin.queryId(ctx, "pool");
        ctx.json(numbers(account, property, pool));
    }

    /** The account's tracking numbers, or those of one property or pool. */
    public java.util.List<TrackingNumber> numbers(Account account, Long propertyId, Long poolId) {
        return jdbi.withHandle(handle -> store.numbers(handle, account.id(), propertyId, poolId));
    }

    public void getNumber(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "tracking number");
        ctx.json(number(account, id).orElseThrow(() -> ApiError.notFound("tracking number")));
    }

    public void createNumber(Context ctx) {
        ctx.status(201).json(createNumber(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates a tracking number; turning its recording on is audit-logged as an entry of its own. */
    public TrackingNumber createNumber(Account account, Actor actor, JsonBody body) {
        body.allowOnly(NUMBER_FIELDS);
        long propertyId = Admin.requiredId(body, "property_id");
        TrackingNumber created = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Property property = property(handle, account, propertyId);
            TrackingNumber draft = readNumber(handle, body, property, new TrackingNumber(0, account.id(), property.id(),
                    null, null, "twilio", null, null, null, clock.instant(), null, TrackingNumber.CallerId.CALLER));
            TrackingNumber inserted = store.insertNumber(handle, draft);
            audit.settingsChange(handle, actor, "tracking_number", inserted.id(), "create", AuditLog.snapshot(inserted));
            recordRecording(handle, actor, null, inserted);
            return inserted;
        }));
        onChange.run();
        return created;
    }

    public void updateNumber(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "tracking number");
        number(account, id).orElseThrow(() -> ApiError.notFound("tracking number"));
        ctx.json(updateNumber(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    public TrackingNumber updateNumber(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(NUMBER_FIELDS);
        TrackingNumber updated = Admin.writing(() -> jdbi.inTransaction(handle -> {
            TrackingNumber existing = store.number(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("tracking number"));
            if (body.has("property_id") && body.optionalLong("property_id").orElse(-1L) != existing.propertyId()) {
                throw ApiError.invalid("property_id", "a tracking number cannot move to another property");
            }
            TrackingNumber changed = readNumber(handle, body, property(handle, account, existing.propertyId()), existing);
            store.updateNumber(handle, changed, !java.util.Objects.equals(changed.poolId(), existing.poolId()), clock.instant());
            TrackingNumber saved = store.number(handle, account.id(), id).orElseThrow();
            audit.settingsChange(handle, actor, "tracking_number", id, "update", AuditLog.changed(existing, saved));
            recordRecording(handle, actor, existing, saved);
            return saved;
        }));
        onChange.run();
        return updated;
    }

    public void deleteNumber(Context ctx) {
        deleteNumber(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "tracking number"));
        ctx.status(204);
    }

    public void deleteNumber(Account account, Actor actor, long id) {
        boolean deleted = Admin.inUse(() -> jdbi.inTransaction(handle -> {
                    var existing = store.number(handle, account.id(), id);
                    if (existing.isEmpty() || !store.deleteNumber(handle, account.id(), id)) {
                        return false;
                    }
                    audit.settingsChange(handle, actor, "tracking_number", id, "delete", AuditLog.snapshot(existing.get()));
                    return true;
                }),
                "the number has lease history, rules or sessions; take it out of its pool instead");
        if (!deleted) {
            throw ApiError.notFound("tracking number");
        }
        onChange.run();
    }

    public java.util.Optional<TrackingNumber> number(Account account, long id) {
        return jdbi.withHandle(handle -> store.number(handle, account.id(), id));
    }

    private Property property(Handle handle, Account account, long propertyId) {
        return properties.get(handle, account.id(), propertyId)
                .orElseThrow(() -> ApiError.invalid("property_id", "no property " + propertyId + " in this account"));
    }

    private Pool readPool(JsonBody body, Property property, Pool base) {
        String name = body.has("name") || base.name() == null ? body.requiredString("name", 200) : base.name();
        int idle = body.optionalInt("idle_timeout_seconds", 60, 24 * 3600).orElse(base.idleTimeoutSeconds());
        int linger = body.optionalInt("linger_seconds", 0, 7 * 24 * 3600).orElse(base.lingerSeconds());
        Pool.OverflowPolicy policy = base.overflowPolicy();
        if (body.has("overflow_policy")) {
            String wire = body.requiredString("overflow_policy", 32);
            try {
                policy = Pool.OverflowPolicy.fromWire(wire);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("overflow_policy", "overflow_policy must be fallback or reuse-oldest");
            }
        }
        String fallback = base.fallbackE164();
        if (body.has("fallback_number")) {
            fallback = body.isNull("fallback_number") ? null : Admin.phone(body, "fallback_number", property.country());
        }
        return new Pool(base.id(), base.accountId(), base.propertyId(), name, idle, linger, policy, fallback, base.createdAt());
    }

    private TrackingNumber readNumber(Handle handle, JsonBody body, Property property, TrackingNumber base) {
        String e164 = body.has("number") || base.e164() == null ? Admin.phone(body, "number", property.country()) : base.e164();
        String forward = body.has("forward_to") || base.forwardTo() == null ? Admin.phone(body, "forward_to", property.country()) : base.forwardTo();
        if (forward.equals(e164)) {
            throw ApiError.invalid("forward_to", "forward_to must not be the tracking number itself (the call would loop)");
        }
        String name = body.optionalString("name", 200).orElse(base.name() == null ? e164 : base.name());
        String provider = body.optionalString("provider", 32).map(p -> p.toLowerCase(Locale.ROOT)).orElse(base.provider());
        if (!PROVIDER.matcher(provider).matches()) {
            throw ApiError.invalid("provider", "provider must be a short lower-case name such as twilio, signalwire or telnyx");
        }
        Long poolId = body.has("pool_id") ? body.optionalLong("pool_id").orElse(null) : base.poolId();
        if (poolId != null) {
            Pool pool = store.pool(handle, property.accountId(), poolId)
                    .orElseThrow(() -> ApiError.invalid("pool_id", "no pool " + poolId + " in this account"));
            if (pool.propertyId() != property.id()) {
                throw ApiError.invalid("pool_id", "pool " + poolId + " belongs to another property");
            }
        }
        String source = body.has("source_name") ? body.optionalString("source_name", 200).orElse(null) : base.sourceName();
        if (poolId != null && source != null) {
            throw ApiError.invalid("source_name", "a number is either in a pool or bound to a source, not both");
        }
        if (store.e164Taken(handle, e164, base.id())) {
            throw ApiError.conflict("number", "number " + e164 + " is already a tracking number");
        }
        String whisper = body.has("whisper") ? body.optionalString("whisper", 200).orElse(null) : base.whisper();
        TrackingNumber.CallerId callerId = body.optionalEnum("caller_id", TrackingNumber.CallerId.class).orElse(base.callerId());
        boolean record = body.optionalBoolean("record_calls").orElse(base.recordCalls());
        String announcement = base.recordingAnnouncement();
        if (body.has("recording_announcement")) {
            announcement = body.optionalString("recording_announcement", 500).map(String::strip).orElse("");
            if (announcement.isEmpty()) {
                throw ApiError.invalid("recording_announcement", "recording_announcement must say that the call may be recorded "
                        + "(1 to 500 characters); it is played before every recorded call");
            }
        }
        return new TrackingNumber(base.id(), base.accountId(), property.id(), e164, name, provider, forward, poolId, source,
                base.createdAt(), whisper, callerId, record, announcement);
    }
}
