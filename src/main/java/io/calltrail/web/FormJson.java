package io.calltrail.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calltrail.app.JsonBody;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a submitted set-up form into the JSON object the admin API takes, so that a page and the API share one
 * validation and one audit trail. Each page declares its fields and their types; what the user typed is kept as
 * {@link Submitted#values()} to show the form again when the API refuses it. Input names are the API's field names,
 * so a refusal naming {@code fallback_number} or {@code conditions[1].value} lands next to that input.
 */
public final class FormJson {
    // exact: an amount keeps the decimals typed, so the API's "at most two decimals" sees what the user wrote
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\r\\n]+");

    private enum Kind { TEXT, NUMBER, DECIMAL, CHECKBOX, LIST }

    /** One input; {@code emptyIsNull} sends an empty input as null (clearing an optional setting) rather than leaving it out. */
    private record Field(String name, Kind kind, boolean emptyIsNull) {
    }

    /** Inputs named {@code name[i].column}: one JSON object per row that is not blank. */
    private record Rows(String name, List<String> columns) {
    }

    /** The JSON for the API, and the values as typed (texts, booleans for checkboxes, lists, rows) for the form. */
    public record Submitted(ObjectNode json, Map<String, Object> values) {
        public JsonBody body() {
            return JsonBody.object(json, "");
        }
    }

    private final List<Field> fields;
    private final List<Rows> rows;

    private FormJson(List<Field> fields, List<Rows> rows) {
        this.fields = fields;
        this.rows = rows;
    }

    public static FormJson fields() {
        return new FormJson(List.of(), List.of());
    }

    /** Text; an empty input is left out, so the API keeps its default (on create) or the current value (on update). */
    public FormJson text(String... names) {
        return with(Kind.TEXT, false, names);
    }

    /** Text that may be emptied: an empty input is sent as null, which clears the setting. */
    public FormJson textOrNull(String... names) {
        return with(Kind.TEXT, true, names);
    }

    /** A whole number (or an id from a select); left out when empty. What is not a number goes as typed, for the API to name. */
    public FormJson number(String... names) {
        return with(Kind.NUMBER, false, names);
    }

    /** A whole number or id whose empty choice means "none". */
    public FormJson numberOrNull(String... names) {
        return with(Kind.NUMBER, true, names);
    }

    /** An amount or a ratio; left out when empty. */
    public FormJson decimal(String... names) {
        return with(Kind.DECIMAL, false, names);
    }

    /** An amount whose empty input means "none". */
    public FormJson decimalOrNull(String... names) {
        return with(Kind.DECIMAL, true, names);
    }

    /** A checkbox: true when ticked; a browser sends nothing for an unticked one, so absent is false. */
    public FormJson checkbox(String... names) {
        return with(Kind.CHECKBOX, false, names);
    }

    /** A list typed one per line or separated by commas, or ticked in a group of checkboxes of one name; empty is []. */
    public FormJson list(String... names) {
        return with(Kind.LIST, false, names);
    }

    /** Rows of inputs named {@code name[0].column}, {@code name[1].column}...; blank rows are dropped and the rest renumbered. */
    public FormJson rows(String name, String... columns) {
        List<Rows> more = new ArrayList<>(rows);
        more.add(new Rows(name, List.of(columns)));
        return new FormJson(fields, List.copyOf(more));
    }

    private FormJson with(Kind kind, boolean emptyIsNull, String... names) {
        List<Field> more = new ArrayList<>(fields);
        for (String name : names) {
            more.add(new Field(name, kind, emptyIsNull));
        }
        return new FormJson(List.copyOf(more), rows);
    }

    /** Reads the declared fields of a form post ({@code ctx.formParamMap()}); undeclared inputs (the CSRF token) are ignored. */
    public Submitted read(Map<String, List<String>> params) {
        ObjectNode json = NODES.objectNode();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            List<String> given = params.getOrDefault(field.name(), List.of());
            String text = given.isEmpty() || given.get(0) == null ? "" : given.get(0).strip();
            switch (field.kind()) {
                case CHECKBOX -> {
                    boolean ticked = !given.isEmpty() && !"false".equals(text);
                    json.put(field.name(), ticked);
                    values.put(field.name(), ticked);
                }
                case LIST -> {
                    List<String> items = items(given);
                    ArrayNode array = json.putArray(field.name());
                    items.forEach(array::add);
                    values.put(field.name(), items);
                }
                default -> {
                    values.put(field.name(), text);
                    if (text.isEmpty()) {
                        if (field.emptyIsNull()) {
                            json.putNull(field.name());
                        }
                    } else {
                        json.set(field.name(), switch (field.kind()) {
                            case NUMBER -> WHOLE.matcher(text).matches() ? NODES.numberNode(Long.parseLong(text)) : NODES.textNode(text);
                            case DECIMAL -> decimal(text);
                            default -> NODES.textNode(text);
                        });
                    }
                }
            }
        }
        for (Rows row : rows) {
            readRows(row, params, json, values);
        }
        return new Submitted(json, values);
    }

    private static void readRows(Rows row, Map<String, List<String>> params, ObjectNode json, Map<String, Object> values) {
        ArrayNode array = json.putArray(row.name());
        List<Map<String, String>> kept = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Map<String, String> cells = new LinkedHashMap<>();
            boolean present = false;
            boolean blank = true;
            for (String column : row.columns()) {
                List<String> given = params.get(row.name() + "[" + i + "]." + column);
                present |= given != null;
                String text = given == null || given.isEmpty() || given.get(0) == null ? "" : given.get(0).strip();
                blank &= text.isEmpty();
                cells.put(column, text);
            }
            if (!present) {
                break;
            }
            if (blank) {
                continue;
            }
            ObjectNode object = array.addObject();
            cells.forEach((column, text) -> {
                if (!text.isEmpty()) {
                    object.put(column, text);
                }
            });
            kept.add(cells);
        }
        values.put(row.name(), kept);
    }

    private static List<String> items(List<String> given) {
        List<String> items = new ArrayList<>();
        for (String one : given) {
            if (one == null) {
                continue;
            }
            for (String item : LIST_SEPARATOR.split(one)) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }

    private static com.fasterxml.jackson.databind.JsonNode decimal(String text) {
        try {
            return NODES.numberNode(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(text); // the API says what it must be, naming the field
        }
    }
}
