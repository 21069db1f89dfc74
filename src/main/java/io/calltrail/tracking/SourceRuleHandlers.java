package io.calltrail.tracking;


import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.privacy.AuditLog;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.tracking.SourceRule.Action;
import io.calltrail.tracking.SourceRule.Condition;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Admin API for source rules, evaluated in ascending {@code ordinal}. */
public final class SourceRuleHandlers {
    private static final Set<String> FIELDS = Set.of("property_id", "ordinal", "name", "conditions", "target_number_id",
            "action", "pool_id", "tracking_number_id");
    private static final Set<String> CLICK_IDS = Set.of("gclid", "gbraid", "wbraid", "msclkid", "fbclid", "any");

    private final Jdbi jdbi;
    private final SourceRuleStore store;
    private final PropertyStore properties;
    private final PoolStore pools;
    private final Clock clock;
    private final Runnable onChange;
    private final AuditLog audit;

    public SourceRuleHandlers(Jdbi jdbi, SourceRuleStore store, PropertyStore properties, PoolStore pools, Clock clock,
                              Runnable onChange, AuditLog audit) {
        this.jdbi = jdbi;
        this.store = store;
        this.properties = properties;
        this.pools = pools;
        this.clock = clock;
        this.onChange = onChange;
        this.audit = audit;
    }


    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        ctx.json(rules(account, property));
    }

    /** The account's rules, or one property's, in the order they are tried. */
    public List<SourceRule> rules(Account account, Long propertyId) {
        return jdbi.withHandle(handle -> store.rules(handle, account.id(), propertyId));
    }

    public void get(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "source rule");
        ctx.json(rule(account, id).orElseThrow(() -> ApiError.notFound("source rule")));
    }

    public java.util.Optional<SourceRule> rule(Account account, long id) {
        return jdbi.withHandle(handle -> store.rule(handle, account.id(), id));
    }

    public void create(Context ctx) {
        ctx.status(201).json(create(Admin.account(ctx), Admin.actor(ctx), JsonBody.of(ctx.body())));
    }

    /** Creates a rule, last in its property's order unless {@code body} gives an ordinal. */
    public SourceRule create(Account account, Actor actor, JsonBody body) {
        body.allowOnly(FIELDS);
        long propertyId = Admin.requiredId(body, "property_id");
        SourceRule created = Admin.writing(() -> jdbi.inTransaction(handle -> {
            Property property = properties.get(handle, account.id(), propertyId)
                    .orElseThrow(() -> ApiError.invalid("property_id", "no property " + propertyId + " in this account"));
            SourceRule base = new SourceRule(0, account.id(), property.id(), store.nextOrdinal(handle, account.id(), property.id()),
                    null, List.of(), null, null, null, null, clock.instant());
            SourceRule inserted = store.insert(handle, read(handle, body, base));
            audit.settingsChange(handle, actor, "source_rule", inserted.id(), "create", AuditLog.snapshot(inserted));
            return inserted;
        }));
        onChange.run();
        return created;
    }

    public void update(Context ctx) {
        Account account = Admin.account(ctx);
        long id = Admin.pathId(ctx, "source rule");
        rule(account, id).orElseThrow(() -> ApiError.notFound("source rule"));
        ctx.json(update(account, Admin.actor(ctx), id, JsonBody.of(ctx.body())));
    }

    public SourceRule update(Account account, Actor actor, long id, JsonBody body) {
        body.allowOnly(FIELDS);
        SourceRule updated = Admin.writing(() -> jdbi.inTransaction(handle -> {
            SourceRule existing = store.rule(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("source rule"));
            if (body.has("property_id") && body.optionalLong("property_id").orElse(-1L) != existing.propertyId()) {
                throw ApiError.invalid("property_id", "a rule cannot move to another property");
            }
            SourceRule changed = read(handle, body, existing);
            store.update(handle, changed);
            SourceRule saved = store.rule(handle, account.id(), id).orElseThrow();
            audit.settingsChange(handle, actor, "source_rule", id, "update", AuditLog.changed(existing, saved));
            return saved;
        }));
        onChange.run();
        return updated;
    }

    public void delete(Context ctx) {
        delete(Admin.account(ctx), Admin.actor(ctx), Admin.pathId(ctx, "source rule"));
        ctx.status(204);
    }

    public void delete(Account account, Actor actor, long id) {
        if (!jdbi.inTransaction(handle -> {
            var existing = store.rule(handle, account.id(), id);
            if (existing.isEmpty() || !store.delete(handle, account.id(), id)) {
                return false;
            }
            audit.settingsChange(handle, actor, "source_rule", id, "delete", AuditLog.snapshot(existing.get()));
            return true;
        })) {
            throw ApiError.notFound("source rule");
        }
        onChange.run();
    }

    private SourceRule read(Handle handle, JsonBody body, SourceRule base) {
        long account = base.accountId();
        int ordinal = body.optionalInt("ordinal", 0, 1_000_000).orElse(base.ordinal());
        String name = body.has("name") || base.name() == null ? body.requiredString("name", 200) : base.name();
        List<Condition> conditions = body.has("conditions") ? conditions(body.raw("conditions")) : base.conditions();
        Long target = body.has("target_number_id") ? body.optionalLong("target_number_id").orElse(null) : base.targetNumberId();
        if (target != null) {
            TargetNumber number = properties.target(handle, account, target)
                    .orElseThrow(() -> ApiError.invalid("target_number_id", "no target number " + target + " in this account"));
            if (number.propertyId() != base.propertyId()) {
                throw ApiError.invalid("target_number_id", "target number " + target + " belongs to another property");
            }
        }
        Action action = body.optionalEnum("action", Action.class).orElse(base.action());
        if (action == null) {
            throw ApiError.invalid("action", "action is required: pool, number or none");
        }
        Long poolId = body.has("pool_id") ? body.optionalLong("pool_id").orElse(null) : base.poolId();
        Long numberId = body.has("tracking_number_id") ? body.optionalLong("tracking_number_id").orElse(null) : base.trackingNumberId();
        switch (action) {
            case POOL -> {
                if (poolId == null) {
                    throw ApiError.invalid("pool_id", "pool_id is required when action is pool");
                }
                long wantedPool = poolId;
                Pool pool = pools.pool(handle, account, wantedPool)
                        .orElseThrow(() -> ApiError.invalid("pool_id", "no pool " + wantedPool + " in this account"));
                if (pool.propertyId() != base.propertyId()) {
                    throw ApiError.invalid("pool_id", "pool " + wantedPool + " belongs to another property");
                }
                numberId = null;
            }
            case NUMBER -> {
                if (numberId == null) {
                    throw ApiError.invalid("tracking_number_id", "tracking_number_id is required when action is number");
                }
                long wanted = numberId;
                TrackingNumber number = pools.number(handle, account, wanted)
                        .orElseThrow(() -> ApiError.invalid("tracking_number_id", "no tracking number " + wanted + " in this account"));
                if (number.propertyId() != base.propertyId()) {
                    throw ApiError.invalid("tracking_number_id", "tracking number " + wanted + " belongs to another property");
                }
                if (number.poolId() != null) {
                    throw ApiError.invalid("tracking_number_id", "tracking number " + wanted + " is in a pool; use action pool");
                }
                poolId = null;
            }
            case NONE -> {
                poolId = null;
                numberId = null;
            }
        }
        return new SourceRule(base.id(), account, base.propertyId(), ordinal, name, conditions, target, action, poolId,
                numberId, base.createdAt());
    }

    private static List<Condition> conditions(JsonNode raw) {
        if (raw == null || raw.isNull()) {
            return List.of();
        }
        if (!raw.isArray() || raw.size() > 20) {
            throw ApiError.invalid("conditions", "conditions must be an array of at most 20 conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            JsonBody item = JsonBody.object(raw.get(i), "conditions[" + i + "]").allowOnly(Set.of("field", "operator", "value"));
            Condition.Field field = item.optionalEnum("field", Condition.Field.class)
                    .orElseThrow(() -> ApiError.invalid(item.path("field"), item.path("field") + " is required"));
            Condition.Operator operator = item.optionalEnum("operator", Condition.Operator.class)
                    .orElse(field == Condition.Field.CLICK_ID ? Condition.Operator.PRESENT : Condition.Operator.EQUALS);
            String value = item.optionalString("value", 512).orElse(null);
            if (field == Condition.Field.CLICK_ID) {
                String name = value == null ? "any" : value;
                if (!CLICK_IDS.contains(name) || operator != Condition.Operator.PRESENT) {
                    throw ApiError.invalid(item.path("value"), "a click_id condition is 'present' with value gclid, gbraid, wbraid, msclkid, fbclid or any");
                }
                value = name;
            } else if (operator != Condition.Operator.PRESENT && value == null) {
                throw ApiError.invalid(item.path("value"), item.path("value") + " is required for operator " + operator);
            }
            conditions.add(new Condition(field, operator, value));
        }
        return List.copyOf(conditions);
    }
}
