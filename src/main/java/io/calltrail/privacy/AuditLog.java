package io.calltrail.privacy;

import io.calltrail.account.Actor;
import io.calltrail.app.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * The append-only audit log: who changed what, when, and from which address. An entry is written with the handle of
 * the change it describes, so the two commit together or not at all. This is the only code that writes the log;
 * nothing changes or deletes an entry.
 *
 * <p>{@code details} must never hold a secret or a caller's full number: a detail named like a secret (token,
 * secret, password, credential, sealed, hash) may only be a boolean ("replaced": yes or no), and a detail about a
 * caller or phone may only be masked. Long texts are shortened.
 */
public final class AuditLog {
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)+");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(secret|token|password|credential|sealed|hash).*");
    private static final Pattern PERSONAL_NAME = Pattern.compile(".*(caller|phone).*");
    private static final Set<String> NOT_CHANGES = Set.of("id", "account_id", "created_at", "updated_at");
    private static final int MAX_TEXT = 500;
    private static final int MAX_ITEMS = 50;
    private static final int MAX_DETAILS = 10_000;

    private final Clock clock;
    private final AuditStore store = new AuditStore();

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Appends an entry in the caller's transaction.
     *
     * @param action     dotted words: {@code caller.reveal}, {@code export.run}, {@code settings.change}, ...
     * @param targetType what was acted on ({@code call}, {@code property}, ...), or null
     * @param targetId   its id, or null
     * @param details    what changed, as JSON-friendly values (maps, lists, strings, numbers, booleans)
     * @return the entry's id
     */
    public long record(Handle handle, Actor actor, String action, String targetType, String targetId, Map<String, ?> details) {
        Objects.requireNonNull(actor, "actor");
        if (action == null || action.length() > 64 || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("an audit action is dotted lower-case words, e.g. settings.change: " + action);
        }
        Map<String, Object> safe = details == null ? Map.of() : safeMap(details, "");
        String json = Json.write(safe);
        if (json.length() > MAX_DETAILS) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("truncated", true);
            summary.put("fields", List.copyOf(safe.keySet()));
            json = Json.write(summary);
        }
        return store.insert(handle, new AuditEvent(0, actor.accountId(), clock.instant(), actor.label(),
                actor.role() == null ? null : actor.role().toString(), clip(actor.clientAddress(), 64), action,
                clip(targetType, 64), clip(targetId, 64), json));
    }

    /**
     * A {@code settings.change} entry about one resource: {@code {"operation": "create" | "update" | "delete", ...what}},
     * where {@code what} is usually {@link #snapshot} (create, delete) or {@link #changed} (update).
     */
    public long settingsChange(Handle handle, Actor actor, String targetType, long targetId, String operation,
                               Map<String, ?> what) {
        return record(handle, actor, "settings.change", targetType, Long.toString(targetId), details(operation, what));
    }

    /** Appends an entry about one thing, with no details. */
    public long record(Handle handle, Actor actor, String action, String targetType, String targetId) {
        return record(handle, actor, action, targetType, targetId, Map.of());
    }

    /**
     * What changed between two versions of a resource (records or maps, compared as their JSON fields):
     * {@code {"name": {"from": "Old", "to": "New"}}}. Ids and timestamps are left out.
     */
    public static Map<String, Object> changes(Object before, Object after) {
        Map<String, Object> from = fields(before);
        Map<String, Object> to = fields(after);
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String field : to.keySet()) {
            if (!NOT_CHANGES.contains(field) && !Objects.equals(from.get(field), to.get(field))) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", from.get(field));
                change.put("to", to.get(field));
                changes.put(field, change);
            }
        }
        return changes;
    }

    /** {@code {"changes": }}{@link #changes}: the details of an update. */
    public static Map<String, Object> changed(Object before, Object after) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("changes", changes(before, after));
        return details;
    }

    /** A resource's fields as JSON would show them, without ids and timestamps: what was created or deleted. */
    public static Map<String, Object> snapshot(Object resource) {
        Map<String, Object> fields = fields(resource);
        fields.keySet().removeAll(NOT_CHANGES);
        return fields;
    }

    /** {@code "operation": operation} followed by {@code more}: the usual shape of a settings entry. */
    public static Map<String, Object> details(String operation, Map<String, ?> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("operation", operation);
        details.putAll(more);
        return details;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Object resource) {
        if (resource == null) {
            return new LinkedHashMap<>();
        }
        return Json.MAPPER.convertValue(resource, LinkedHashMap.class);
    }

    private static Map<String, Object> safeMap(Map<String, ?> map, String path) {
        Map<String, Object> safe = new LinkedHashMap<>();
        int items = 0;
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            if (++items > MAX_ITEMS) {
                safe.put("more", map.size() - MAX_ITEMS);
                break;
            }
            String name = entry.getKey();
            safe.put(name, safeValue(entry.getValue(), path.isEmpty() ? name : path + "." + name, name));
        }
        return safe;
    }

    private static Object safeValue(Object value, String path, String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> named = new LinkedHashMap<>();
            map.forEach((key, inner) -> named.put(String.valueOf(key), inner));
            // {"from": ..., "to": ...} of a change keeps the rules of the field it describes
            if (named.keySet().equals(Set.of("from", "to"))) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", safeValue(named.get("from"), path + ".from", name));
                change.put("to", safeValue(named.get("to"), path + ".to", name));
                return change;
            }
            return safeMap(named, path);
        }
        if (value instanceof Collection<?> items) {
            List<Object> safe = new ArrayList<>();
            for (Object item : items) {
                if (safe.size() == MAX_ITEMS) {
                    safe.add("... " + (items.size() - MAX_ITEMS) + " more");
                    break;
                }
                safe.add(safeValue(item, path + "[]", name));
            }
            return safe;
        }
        if (SECRET_NAME.matcher(lower).matches() && value != null && !(value instanceof Boolean)) {
            throw new IllegalArgumentException("audit detail " + path + " looks like a secret: record only whether it changed");
        }
        if (value instanceof CharSequence text) {
            if (PERSONAL_NAME.matcher(lower).matches() && looksLikeFullNumber(text.toString())) {
                throw new IllegalArgumentException("audit detail " + path + " holds a phone number: record it masked");
            }
            return clip(text.toString(), MAX_TEXT);
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Enum<?> || value instanceof java.time.temporal.TemporalAccessor) {
            return value.toString();
        }
        return safeValue(Json.MAPPER.convertValue(value, Object.class), path, name);
    }

    /** Seven digits or more and nothing masked: a number someone could call. */
    static boolean looksLikeFullNumber(String text) {
        if (text.indexOf('*') >= 0) {
            return false;
        }
        long digits = text.chars().filter(Character::isDigit).count();
        return digits >= 7;
    }

    private static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }
}
