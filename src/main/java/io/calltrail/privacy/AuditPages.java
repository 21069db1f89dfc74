package io.calltrail.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.Json;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Links;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /app/audit}: the account's audit log in the dashboard, for owners only, newest first, filtered as the API
 * filters it. It only reads: no page changes or deletes an entry.
 */
public final class AuditPages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Dashboard dashboard;
    private final Jdbi jdbi;
    private final AuditStore store = new AuditStore();

    public AuditPages(Dashboard dashboard, Jdbi jdbi) {
        this.dashboard = dashboard;
        this.jdbi = jdbi;
    }

    /** One entry as the page shows it; {@code details} are lines such as {@code name: Old → New}. */
    record Entry(long id, String time, String timestamp, String actor, String role, String address, String action,
                 String target, List<String> details) {
    }

    private record Found(List<AuditEvent> events, List<String> actions, List<String> actors) {
    }

    /** {@code ?action=&actor=&from=YYYY-MM-DD&to=YYYY-MM-DD&before=&limit=}: days are UTC, {@code to} is the first day not shown. */
    public void list(Context ctx) {
        Dashboard.requireOwner(ctx);
        long account = Admin.account(ctx).id();
        AuditStore.Filter asked = AuditHandlers.filter(ctx, account, day(ctx, "from", AuditHandlers.EARLIEST),
                day(ctx, "to", AuditHandlers.LATEST));
        // one entry more than shown says whether there are older ones to page to
        AuditStore.Filter oneMore = new AuditStore.Filter(asked.accountId(), asked.from(), asked.to(), asked.action(),
                asked.actor(), asked.beforeId(), asked.limit() + 1);
        Found found = jdbi.withHandle(handle -> new Found(store.list(handle, oneMore), store.actions(handle, account),
                store.actors(handle, account)));
        List<AuditEvent> shown = found.events().subList(0, Math.min(asked.limit(), found.events().size()));

        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("action", asked.action());
        filters.put("actor", asked.actor());
        filters.put("from", blankToNull(ctx.queryParam("from")));
        filters.put("to", blankToNull(ctx.queryParam("to")));
        filters.put("limit", blankToNull(ctx.queryParam("limit")));
        Map<String, Object> model = new HashMap<>();
        model.put("entries", shown.stream().map(AuditPages::entry).toList());
        model.put("filters", filters);
        model.put("filtered", filters.values().stream().anyMatch(value -> value != null));
        List<String> actions = new ArrayList<>(found.actions());
        if (asked.action() != null && !actions.contains(asked.action())) {
            actions.add(0, asked.action());
        }
        model.put("actions", actions);
        model.put("actors", found.actors());
        if (found.events().size() > asked.limit()) {
            Map<String, String> older = new LinkedHashMap<>(filters);
            older.put("before", Long.toString(shown.get(shown.size() - 1).id()));
            model.put("olderHref", "/app/audit" + Links.query(older));
        }
        if (asked.beforeId() != null) {
            model.put("newestHref", "/app/audit" + Links.query(filters));
        }
        dashboard.render(ctx, "audit", model);
    }

    /** A day (UTC) as its first instant; the API's ISO-8601 instants are taken too. */
    private static Instant day(Context ctx, String name, Instant fallback) {
        String raw = blankToNull(ctx.queryParam(name));
        if (raw == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADay) {
            try {
                return Instant.parse(raw);
            } catch (DateTimeParseException notAnInstant) {
                throw new ApiError(400, "invalid_query", name, name + " must be a day as YYYY-MM-DD (UTC), not '" + raw + "'");
            }
        }
    }

    private static Entry entry(AuditEvent event) {
        String target = event.targetType() == null ? "–" : event.targetType() + (event.targetId() == null ? "" : " " + event.targetId());
        return new Entry(event.id(), TIME.format(event.occurredAt()), event.occurredAt().toString(), event.actor(),
                event.actorRole() == null ? "–" : event.actorRole(), event.clientAddress() == null ? "–" : event.clientAddress(),
                event.action(), target, details(event.details()));
    }

    /**
     * An entry's details as lines to read: nested fields joined by dots, a change as {@code from → to}, and the
     * {@code changes} of a settings entry named by their field alone.
     */
    static List<String> details(String json) {
        List<String> lines = new ArrayList<>();
        try {
            flatten(Json.MAPPER.readTree(json), "", lines);
        } catch (JsonProcessingException e) {
            lines.add(json); // written by AuditLog as JSON; shown as it is should that ever not hold
        }
        return lines;
    }

    private static void flatten(JsonNode node, String path, List<String> lines) {
        if (node.isObject()) {
            Set<String> names = new HashSet<>();
            node.fieldNames().forEachRemaining(names::add);
            if (names.equals(Set.of("from", "to")) && !path.isEmpty()) {
                lines.add(path + ": " + text(node.get("from")) + " → " + text(node.get("to")));
                return;
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                flatten(field.getValue(), path.isEmpty() ? (name.equals("changes") ? "" : name) : path + "." + name, lines);
            }
            return;
        }
        if (node.isArray() && !node.isEmpty() && allScalar(node)) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(text(item)));
            lines.add(path + ": " + String.join(", ", items));
            return;
        }
        if (node.isArray() && !node.isEmpty()) {
            for (int index = 0; index < node.size(); index++) {
                flatten(node.get(index), path + "[" + index + "]", lines);
            }
            return;
        }
        lines.add((path.isEmpty() ? "value" : path) + ": " + text(node));
    }

    private static boolean allScalar(JsonNode array) {
        for (JsonNode item : array) {
            if (item.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "(none)";
        }
        if (node.isArray() && node.isEmpty()) {
            return "(none)";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

}
