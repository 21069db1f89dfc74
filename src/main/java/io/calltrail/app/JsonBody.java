package io.calltrail.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a JSON object field by field. Every failure names the field. Unknown fields are
 * refused, so a misspelt setting is an error rather than silently ignored.
 */
public final class JsonBody {
    private final ObjectNode node;
    private final String prefix;

    private JsonBody(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    public static JsonBody of(String body) {
        return object(Json.parse(body), "");
    }

    public static JsonBody object(JsonNode node, String prefix) {
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("malformed_json", (prefix.isEmpty() ? "request body" : prefix) + " must be a JSON object");
        }
        return new JsonBody((ObjectNode) node, prefix);
    }

    public JsonBody allowOnly(Set<String> fields) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw ApiError.invalid(path(name), "unknown field '" + path(name) + "'; allowed: " + String.join(", ", fields.stream().sorted().toList()));
            }
        }
        return this;
    }

    public boolean has(String field) {
        return node.has(field);
    }

    public boolean isNull(String field) {
        return node.has(field) && node.get(field).isNull();
    }

    public String path(String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    public String requiredString(String field, int maxLength) {
        return optionalString(field, maxLength)
                .orElseThrow(() -> ApiError.invalid(path(field), path(field) + " is required"));
    }

    public Optional<String> optionalString(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.invalid(path(field), path(field) + " must be a string");
        }
        String text = value.asText().strip();
        if (text.length() > maxLength) {
            throw ApiError.invalid(path(field), path(field) + " must be at most " + maxLength + " characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    public Optional<Long> optionalLong(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw ApiError.invalid(path(field), path(field) + " must be a whole number");
        }
        return Optional.of(value.asLong());
    }

    public Optional<Integer> optionalInt(String field, int min, int max) {
        return optionalLong(field).map(value -> {
            if (value < min || value > max) {
                throw ApiError.invalid(path(field), path(field) + " must be between " + min + " and " + max);
            }
            return value.intValue();
        });
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(path(field), path(field) + " must be true or false");
        }
        return Optional.of(value.asBoolean());
    }

    public <E extends Enum<E>> Optional<E> optionalEnum(String field, Class<E> type) {
        return optionalString(field, 64).map(text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.toString().equals(text)) {
                    return constant;
                }
            }
            List<String> allowed = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                allowed.add(constant.toString());
            }
            throw ApiError.invalid(path(field), path(field) + " must be one of " + String.join(", ", allowed));
        });
    }

    public List<String> optionalStringList(String field, int maxItems, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw ApiError.invalid(path(field), path(field) + " must be an array of strings");
        }
        if (value.size() > maxItems) {
            throw ApiError.invalid(path(field), path(field) + " may hold at most " + maxItems + " items");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = path(field) + "[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                throw ApiError.invalid(itemPath, itemPath + " must be a non-empty string");
            }
            if (item.asText().length() > maxLength) {
                throw ApiError.invalid(itemPath, itemPath + " must be at most " + maxLength + " characters");
            }
            items.add(item.asText().strip());
        }
        return items;
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }
}
