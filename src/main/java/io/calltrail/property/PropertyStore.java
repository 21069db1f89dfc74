package io.calltrail.property;

import io.calltrail.property.Property.AttributionModel;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for properties and their target numbers. Every query is scoped by account. */
public final class PropertyStore {
    private static final RowMapper<Property> PROPERTY = (rs, ctx) -> new Property(
            rs.getLong("id"), rs.getLong("account_id"), rs.getString("name"), rs.getString("public_key"),
            splitDomains(rs.getString("domains")), rs.getString("country"), rs.getString("time_zone"),
            rs.getString("currency"),
            AttributionModel.valueOf(rs.getString("attribution_model").toUpperCase(Locale.ROOT)),
            rs.getInt("session_timeout_seconds"),
            "not-required".equals(rs.getString("consent_mode")) ? Property.ConsentMode.NOT_REQUIRED : Property.ConsentMode.REQUIRED,
            rs.getBoolean("anti_flicker"), rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("updated_at").toInstant());
    private static final RowMapper<TargetNumber> TARGET = (rs, ctx) -> new TargetNumber(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getString("e164"),
            rs.getString("label"), rs.getTimestamp("created_at").toInstant());
    private static final String PROPERTY_COLUMNS = """
            id, account_id, name, public_key, domains, country, time_zone, currency, attribution_model,
            session_timeout_seconds, consent_mode, anti_flicker, created_at, updated_at
            """;

    private final Jdbi jdbi;

    public PropertyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static List<String> splitDomains(String stored) {
        return stored.isEmpty() ? List.of() : Arrays.asList(stored.split("\n"));
    }

    public Property insert(Handle handle, Property property) {
        long id = handle.createUpdate("""
                        INSERT INTO property (account_id, name, public_key, domains, country, time_zone, currency,
                                              attribution_model, session_timeout_seconds, consent_mode, anti_flicker,
                                              created_at, updated_at)
                        VALUES (:account, :name, :key, :domains, :country, :zone, :currency, :model, :timeout, :consent,
                                :antiFlicker, :now, :now)""")
                .bind("account", property.accountId())
                .bind("name", property.name())
                .bind("key", property.publicKey())
                .bind("domains", String.join("\n", property.domains()))
                .bind("country", property.country())
                .bind("zone", property.timeZone())
                .bind("currency", property.currency())
                .bind("model", property.attributionModel().toString())
                .bind("timeout", property.sessionTimeoutSeconds())
                .bind("consent", property.consentMode().toString())
                .bind("antiFlicker", property.antiFlicker())
                .bind("now", property.createdAt())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return get(handle, property.accountId(), id).orElseThrow();
    }

    public Property update(Handle handle, Property property, Instant now) {
        handle.createUpdate("""
                        UPDATE property SET name = :name, public_key = :key, domains = :domains, country = :country,
                               time_zone = :zone, currency = :currency, attribution_model = :model,
                               session_timeout_seconds = :timeout, consent_mode = :consent, anti_flicker = :antiFlicker,
                               updated_at = :now
                         WHERE id = :id AND account_id = :account""")
                .bind("id", property.id())
                .bind("account", property.accountId())
                .bind("name", property.name())
                .bind("key", property.publicKey())
                .bind("domains", String.join("\n", property.domains()))
                .bind("country", property.country())
                .bind("zone", property.timeZone())
                .bind("currency", property.currency())
                .bind("model", property.attributionModel().toString())
                .bind("timeout", property.sessionTimeoutSeconds())
                .bind("consent", property.consentMode().toString())
                .bind("antiFlicker", property.antiFlicker())
                .bind("now", now)
                .execute();
        return get(handle, property.accountId(), property.id()).orElseThrow();
    }

    public Optional<Property> get(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + PROPERTY_COLUMNS + " FROM property WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(PROPERTY)
                .findOne();
    }

    public Optional<Property> get(long accountId, long id) {
        return jdbi.withHandle(handle -> get(handle, accountId, id));
    }

    public List<Property> list(long accountId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + PROPERTY_COLUMNS + " FROM property WHERE account_id = :account ORDER BY id")
                .bind("account", accountId)
                .map(PROPERTY)
                .list());
    }

    /** Unscoped by design: the public key is what the snippet presents, and it names the account. */
    public Optional<Property> byPublicKey(String publicKey) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + PROPERTY_COLUMNS + " FROM property WHERE public_key = :key")
                .bind("key", publicKey)
                .map(PROPERTY)
                .findOne());
    }

    public boolean publicKeyTaken(Handle handle, String publicKey, long exceptId) {
        return handle.createQuery("SELECT COUNT(*) FROM property WHERE public_key = :key AND id <> :id")
                .bind("key", publicKey)
                .bind("id", exceptId)
                .mapTo(Integer.class)
                .one() > 0;
    }

    public boolean delete(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM property WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .execute() == 1;
    }

    public TargetNumber insertTarget(Handle handle, long accountId, long propertyId, String e164, String label, Instant now) {
        long id = handle.createUpdate("""
                        INSERT INTO target_number (account_id, property_id, e164, label, created_at)
                        VALUES (:account, :property, :e164, :label, :now)""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .bind("e164", e164)
                .bind("label", label)
                .bind("now", now)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return new TargetNumber(id, accountId, propertyId, e164, label, now);
    }

    public void updateTarget(Handle handle, TargetNumber target) {
        handle.createUpdate("""
                        UPDATE target_number SET e164 = :e164, label = :label WHERE id = :id AND account_id = :account""")
                .bind("e164", target.e164())
                .bind("label", target.label())
                .bind("id", target.id())
                .bind("account", target.accountId())
                .execute();
    }

    public Optional<TargetNumber> target(Handle handle, long accountId, long id) {
        return handle.createQuery("""
                        SELECT id, account_id, property_id, e164, label, created_at
                          FROM target_number WHERE id = :id AND account_id = :account""")
                .bind("id", id)
                .bind("account", accountId)
                .map(TARGET)
                .findOne();
    }

    public List<TargetNumber> targets(Handle handle, long accountId, Long propertyId) {
        return handle.createQuery("""
                        SELECT id, account_id, property_id, e164, label, created_at FROM target_number
                         WHERE account_id = :account AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                         ORDER BY id""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .map(TARGET)
                .list();
    }

    public boolean deleteTarget(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM target_number WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .execute() == 1;
    }
}
