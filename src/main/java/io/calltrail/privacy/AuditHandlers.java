package io.calltrail.privacy;

import io.calltrail.account.Actor;
import io.calltrail.account.Role;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** {@code GET /api/v1/audit}: the account's audit log, for owners only. There is no route that changes it. */
public final class AuditHandlers {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    private final Jdbi jdbi;
    private final AuditStore store = new AuditStore();

    public AuditHandlers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** {@code ?from=&to=&action=&actor=&before=&limit=}, newest first. */
    public void list(Context ctx) {
        Actor owner = Admin.requireRole(ctx, Role.OWNER);
        AuditStore.Filter filter = filter(ctx, owner.accountId(), Admin.queryInstant(ctx, "from", EARLIEST),
                Admin.queryInstant(ctx, "to", LATEST));
        List<AuditEvent> events = jdbi.withHandle(handle -> store.list(handle, filter));
        ctx.json(events.stream().map(AuditHandlers::view).toList());
    }

    /**
     * The rest of a request's filter, read alike by the API and the dashboard's audit page: {@code action},
     * {@code actor}, {@code before} (an entry's id, to page back) and {@code limit}.
     */
    static AuditStore.Filter filter(Context ctx, long accountId, Instant from, Instant to) {
        return new AuditStore.Filter(accountId, from, to, text(ctx, "action", 64), text(ctx, "actor", 300),
                Admin.queryId(ctx, "before"), limit(ctx));
    }

    private static Map<String, Object> view(AuditEvent event) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", event.id());
        view.put("occurred_at", event.occurredAt());
        view.put("actor", event.actor());
        view.put("actor_role", event.actorRole());
        view.put("client_address", event.clientAddress());
        view.put("action", event.action());
        view.put("target_type", event.targetType());
        view.put("target_id", event.targetId());
        view.put("details", Json.parse(event.details()));
        return view;
    }

    private static String text(Context ctx, String name, int maxLength) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (raw.length() > maxLength) {
            throw new ApiError(400, "invalid_query", name, name + " is at most " + maxLength + " characters");
        }
        return raw.strip();
    }

    private static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ApiError(400, "invalid_query", "limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
