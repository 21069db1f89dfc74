package io.calltrail.tracking;

import io.calltrail.app.ApiError;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves {@code /s/{key}.js}: rendered once per change of the property's settings, with an ETag, gzip
 * and a five-minute cache so setting changes reach sites within minutes.
 */
public final class SnippetHandler {
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_-]{1,64})\\.js");
    private static final String CACHE_CONTROL = "public, max-age=300";

    private final PropertyCatalog catalog;
    private final String publicBaseUrl;
    private final Map<String, Cached> rendered = new ConcurrentHashMap<>();

    private record Cached(Snapshot snapshot, Snippet.Rendered script) {
    }

    public SnippetHandler(PropertyCatalog catalog, String publicBaseUrl) {
        this.catalog = catalog;
        this.publicBaseUrl = publicBaseUrl;
    }

    public void serve(Context ctx) {
        var file = FILE.matcher(ctx.pathParam("file"));
        if (!file.matches()) {
            throw new ApiError(404, "unknown_property", "key", "no snippet at this address; expected /s/<property key>.js");
        }
        Snapshot snapshot = catalog.byPublicKey(file.group(1))
                .orElseThrow(() -> new ApiError(404, "unknown_property", "key", "no property has this key"));
        Snippet.Rendered script = rendered.compute(file.group(1), (key, cached) ->
                cached != null && cached.snapshot() == snapshot ? cached : new Cached(snapshot, Snippet.render(snapshot, publicBaseUrl)))
                .script();
        ctx.header("ETag", script.etag());
        ctx.header("Cache-Control", CACHE_CONTROL);
        ctx.header("Vary", "Accept-Encoding");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("application/javascript; charset=utf-8");
        if (script.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        String accepted = ctx.header("Accept-Encoding");
        if (accepted != null && accepted.contains("gzip")) {
            ctx.header("Content-Encoding", "gzip");
            ctx.result(script.gzip());
        } else {
            ctx.result(script.plain());
        }
    }
}
