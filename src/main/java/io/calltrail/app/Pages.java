package io.calltrail.app;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The server's own HTML pages, read once from the jar. */
final class Pages {
    private final String demo = read("/web/demo/index.html");

    void demo(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(demo);
    }

    private static String read(String resource) {
        try (InputStream in = Pages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource + " in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
