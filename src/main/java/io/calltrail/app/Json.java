package io.calltrail.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/** The one JSON mapper: snake_case fields, ISO-8601 instants, no nulls dropped silently on input. */
public final class Json {
    public static final ObjectMapper MAPPER = create();

    private Json() {
    }

    private static ObjectMapper create() {
        SimpleModule time = new SimpleModule("instants");
        time.addSerializer(Instant.class, ToStringSerializer.instance);
        // Database rows (mapToMap) carry their own time types: written as the same ISO-8601 instants.
        time.addSerializer(java.time.OffsetDateTime.class, asInstant(java.time.OffsetDateTime::toInstant));
        time.addSerializer(java.sql.Timestamp.class, asInstant(java.sql.Timestamp::toInstant));
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .serializationInclusion(JsonInclude.Include.ALWAYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(time)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
        return mapper;
    }

    private static <T> com.fasterxml.jackson.databind.JsonSerializer<T> asInstant(java.util.function.Function<T, Instant> toInstant) {
        return new com.fasterxml.jackson.databind.JsonSerializer<>() {
            @Override
            public void serialize(T value, com.fasterxml.jackson.core.JsonGenerator out,
                                  com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                out.writeString(toInstant.apply(value).toString());
            }
        };
    }

    /**
     * Writes {@code value} as the response's JSON body straight to the servlet response. {@code ctx.json} passes
     * through Javalin's result stream, which decides for every response whether to compress it (compression is off
     * here): on the tracking endpoints' small answers that decision cost more than encoding them.
     */
    public static void respond(io.javalin.http.Context ctx, Object value) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(value);
            jakarta.servlet.http.HttpServletResponse response = ctx.res();
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the answer could not be written", e);
        }
    }

    /** Parses a request body; malformed JSON is a 400 that says where it broke. */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiError.badRequest("malformed_json", "request body is empty; expected JSON");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /** As {@link #parse(String)}, from the body's bytes as they came (UTF-8); bytes that are not UTF-8 are a 400 too. */
    public static JsonNode parse(byte[] body) {
        boolean blank = true;
        for (int i = 0; i < body.length && blank; i++) {
            blank = body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r';
        }
        if (blank) {
            throw ApiError.badRequest("malformed_json", "request body is empty; expected JSON");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a byte array does no I/O
        }
    }

    private static ApiError malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return ApiError.badRequest("malformed_json", "request body is not valid JSON" + where);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }
}
