package io.calltrail.app;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The API's OpenAPI 3.1 description, written by hand next to the routes and served as it is. */
final class ApiDocs {
    static final String PATH = "/api/v1/openapi.json";
    private static final String RESOURCE = "/api/openapi.json";

    private final byte[] document = read();

    void openApi(Context ctx) {
        ctx.contentType("application/json; charset=utf-8").header("Cache-Control", "public, max-age=300").result(document);
    }

    private static byte[] read() {
        try (InputStream in = ApiDocs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE + " in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
