package io.calltrail.conversion.export;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.JsonBody;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin API for a property's HTTP destinations: where they are, which account, and a credential never shown again. */
public final class DestinationHandlers {
    private static final Map<Destination, String> DEFAULT_ENDPOINTS = Map.of(
            Destination.GOOGLE_DATA_MANAGER, "https://datamanager.googleapis.com/v1/events:ingest",
            Destination.GA4, "https://www.google-analytics.com/mp/collect");

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final PropertyStore properties;
    private final DestinationStore store = new DestinationStore();
    private final AuditLog audit;

    public DestinationHandlers(Jdbi jdbi, CallerCrypto crypto, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.crypto = crypto;
        this.clock = clock;
        this.properties = new PropertyStore(jdbi);
    }

    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        Property property = property(ctx, account);
        ctx.json(jdbi.withHandle(handle -> store.list(handle, account.id(), property.id())).stream().map(DestinationHandlers::view).toList());
    }

    /** {"account_ref": "123-456-7890" | "G-XXXX", "credential": "...", "endpoint_url": "https://..." (default Google's)} */
    public void put(Context ctx) {
        Account account = Admin.account(ctx);
        Property property = property(ctx, account);
        Destination destination = httpDestination(ctx);
        JsonBody body = JsonBody.of(ctx.body()).allowOnly(Set.of("account_ref", "credential", "endpoint_url"));
        String accountRef = body.requiredString("account_ref", 64).strip();
        if (destination == Destination.GOOGLE_DATA_MANAGER) {
            accountRef = accountRef.replace("-", "");
            if (!accountRef.matches("[0-9]{10}")) {
                throw ApiError.invalid("account_ref", "account_ref is the Google Ads customer id, 10 digits such as 123-456-7890");
            }
        } else if (!accountRef.matches("G-[A-Z0-9]{4,20}")) {
            throw ApiError.invalid("account_ref", "account_ref is the GA4 measurement id, such as G-ABC123XYZ");
        }
        String endpoint = body.optionalString("endpoint_url", 2048).orElse(DEFAULT_ENDPOINTS.get(destination));
        try {
            URI uri = new URI(endpoint);
            if (!uri.isAbsolute() || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null
                    || uri.getUserInfo() != null || uri.getFragment() != null) {
                throw new URISyntaxException(endpoint, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw ApiError.invalid("endpoint_url", "endpoint_url must be an absolute http or https URL without user info or #fragment");
        }
        String credential = body.optionalString("credential", 4096).orElse(null);
        String ref = accountRef;
        Actor actor = Admin.actor(ctx);
        ctx.json(jdbi.inTransaction(handle -> {
            var before = store.find(handle, account.id(), property.id(), destination);
            boolean exists = before.isPresent();
            if (credential == null && !exists) {
                throw ApiError.invalid("credential", destination == Destination.GA4
                        ? "credential is required: the Measurement Protocol API secret of the GA4 data stream"
                        : "credential is required: an OAuth access token with the datamanager scope");
            }
            store.put(handle, account.id(), property.id(), destination, endpoint, ref,
                    credential == null ? null : crypto.seal(account.id(), HttpDestinations.CREDENTIAL_PURPOSE, credential), clock.instant());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("operation", exists ? "update" : "create");
            details.put("property_id", property.id());
            details.put("destination", destination.toString());
            Map<String, Object> after = view(store.find(handle, account.id(), property.id(), destination).orElseThrow());
            details.put("changes", AuditLog.changes(before.map(DestinationHandlers::view).orElse(null), after));
            details.put("credential_replaced", credential != null);
            // a new credential is a credential change; the rest of a destination is a setting
            audit.record(handle, actor, credential != null ? "credential.change" : "settings.change", "export_destination",
                    property.id() + "/" + destination, details);
            return after;
        }));
    }

    public void delete(Context ctx) {
        Account account = Admin.account(ctx);
        Property property = property(ctx, account);
        Destination destination = httpDestination(ctx);
        Actor actor = Admin.actor(ctx);
        if (!jdbi.inTransaction(handle -> {
            if (!store.delete(handle, account.id(), property.id(), destination)) {
                return false;
            }
            audit.record(handle, actor, "credential.change", "export_destination", property.id() + "/" + destination,
                    Map.of("operation", "delete", "property_id", property.id(), "destination", destination.toString()));
            return true;
        })) {
            throw ApiError.notFound("destination " + destination);
        }
        ctx.status(204);
    }

    private Property property(Context ctx, Account account) {
        long id = Admin.pathId(ctx, "property");
        return properties.get(account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
    }

    private static Destination httpDestination(Context ctx) {
        String wire = ctx.pathParam("destination");
        return Destination.of(wire).filter(destination -> !destination.file())
                .orElseThrow(() -> ApiError.notFound("HTTP destination " + wire + " (google-data-manager or ga4)"));
    }

    private static Map<String, Object> view(DestinationStore.Settings settings) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("destination", settings.destination().toString());
        view.put("property_id", settings.propertyId());
        view.put("endpoint_url", settings.endpointUrl());
        view.put("account_ref", settings.accountRef());
        view.put("has_credential", settings.credentialSealed() != null);
        view.put("updated_at", settings.updatedAt());
        return view;
    }
}
