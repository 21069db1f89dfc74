package io.calltrail.conversion.webhook;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of webhook endpoints. The sealed secret is read only by {@link #sealedSecret}, for signing. */
public final class WebhookStore {
    private static final RowMapper<WebhookEndpoint> ENDPOINT = (rs, ctx) -> new WebhookEndpoint(rs.getLong("id"),
            rs.getLong("account_id"), rs.getString("url"), List.copyOf(Arrays.asList(rs.getString("events").split(","))),
            rs.getBoolean("active"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    private static final String COLUMNS = "id, account_id, url, events, active, created_at, updated_at";

    public WebhookEndpoint insert(Handle handle, long accountId, String url, List<String> events, boolean active, String sealedSecret,
                                  Instant now) {
        long id = handle.createUpdate("""
                        INSERT INTO webhook_endpoint (account_id, url, events, secret_sealed, active, created_at, updated_at)
                        VALUES (:account, :url, :events, :secret, :active, :now, :now)""")
                .bind("account", accountId).bind("url", url).bind("events", String.join(",", events))
                .bind("secret", sealedSecret).bind("active", active).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return get(handle, accountId, id).orElseThrow();
    }

    public Optional<WebhookEndpoint> get(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).map(ENDPOINT).findOne();
    }

    public List<WebhookEndpoint> list(Handle handle, long accountId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE account_id = :account ORDER BY id")
                .bind("account", accountId).map(ENDPOINT).list();
    }

    /** The account's active endpoints that subscribe to the event. */
    public List<WebhookEndpoint> subscribers(Handle handle, long accountId, String eventType) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE account_id = :account AND active = TRUE ORDER BY id")
                .bind("account", accountId).map(ENDPOINT).stream()
                .filter(endpoint -> endpoint.subscribesTo(eventType))
                .toList();
    }

    public void update(Handle handle, WebhookEndpoint endpoint, Instant now) {
        handle.createUpdate("""
                        UPDATE webhook_endpoint SET url = :url, events = :events, active = :active, updated_at = :now
                         WHERE id = :id AND account_id = :account""")
                .bind("url", endpoint.url()).bind("events", String.join(",", endpoint.events())).bind("active", endpoint.active())
                .bind("now", now).bind("id", endpoint.id()).bind("account", endpoint.accountId())
                .execute();
    }

    public boolean replaceSecret(Handle handle, long accountId, long id, String sealedSecret, Instant now) {
        return handle.createUpdate("""
                        UPDATE webhook_endpoint SET secret_sealed = :secret, updated_at = :now WHERE id = :id AND account_id = :account""")
                .bind("secret", sealedSecret).bind("now", now).bind("id", id).bind("account", accountId)
                .execute() == 1;
    }

    public Optional<String> sealedSecret(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT secret_sealed FROM webhook_endpoint WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).mapTo(String.class).findOne();
    }

    public boolean delete(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM webhook_endpoint WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).execute() == 1;
    }
}
