package io.calltrail.conversion.export;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for where a property's HTTP destinations are and how to sign in to them (credentials sealed). */
public final class DestinationStore {
    /** An HTTP destination's settings; {@code accountRef} is the Google Ads customer id or the GA4 measurement id. */
    public record Settings(long id, long accountId, long propertyId, Destination destination, String endpointUrl, String accountRef,
                           String credentialSealed, Instant updatedAt) {
    }

    private static final String COLUMNS = """
            id, account_id, property_id, destination, endpoint_url, account_ref, credential_sealed, updated_at
            """;

    Optional<Settings> find(Handle handle, long accountId, long propertyId, Destination destination) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM export_destination WHERE account_id = :account AND property_id = :property AND destination = :destination""")
                .bind("account", accountId).bind("property", propertyId).bind("destination", destination.toString())
                .map((rs, ctx) -> settings(rs)).findOne();
    }

    /** By id, for signing a delivery at send time. */
    public Optional<Settings> byId(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM export_destination WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).map((rs, ctx) -> settings(rs)).findOne();
    }

    List<Settings> list(Handle handle, long accountId, long propertyId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM export_destination WHERE account_id = :account AND property_id = :property"
                        + " ORDER BY destination")
                .bind("account", accountId).bind("property", propertyId).map((rs, ctx) -> settings(rs)).list();
    }

    private static Settings settings(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Settings(rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"),
                Destination.of(rs.getString("destination")).orElseThrow(), rs.getString("endpoint_url"), rs.getString("account_ref"),
                rs.getString("credential_sealed"), rs.getTimestamp("updated_at").toInstant());
    }

    /** Sets a destination, replacing what it had; a null credential keeps the one stored. */
    void put(Handle handle, long accountId, long propertyId, Destination destination, String endpointUrl, String accountRef,
             String credentialSealed, Instant now) {
        int updated = handle.createUpdate("""
                        UPDATE export_destination SET endpoint_url = :url, account_ref = :ref,
                               credential_sealed = COALESCE(:credential, credential_sealed), updated_at = :now
                         WHERE account_id = :account AND property_id = :property AND destination = :destination""")
                .bind("url", endpointUrl).bind("ref", accountRef).bind("credential", credentialSealed).bind("now", now)
                .bind("account", accountId).bind("property", propertyId).bind("destination", destination.toString())
                .execute();
        if (updated == 0) {
            handle.createUpdate("""
                            INSERT INTO export_destination (account_id, property_id, destination, endpoint_url, account_ref,
                                                            credential_sealed, created_at, updated_at)
                            VALUES (:account, :property, :destination, :url, :ref, :credential, :now, :now)""")
                    .bind("url", endpointUrl).bind("ref", accountRef).bind("credential", credentialSealed).bind("now", now)
                    .bind("account", accountId).bind("property", propertyId).bind("destination", destination.toString())
                    .execute();
        }
    }

    boolean delete(Handle handle, long accountId, long propertyId, Destination destination) {
        return handle.createUpdate("""
                        DELETE FROM export_destination
                         WHERE account_id = :account AND property_id = :property AND destination = :destination""")
                .bind("account", accountId).bind("property", propertyId).bind("destination", destination.toString())
                .execute() == 1;
    }
}
