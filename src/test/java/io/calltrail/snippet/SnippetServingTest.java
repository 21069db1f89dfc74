package io.calltrail.snippet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.account.Account;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** How the snippet is served: size budget, caching, settings baked in safely. */
class SnippetServingTest {
    private static final int BUDGET_BYTES = 5 * 1024;

    private static HttpResponse<byte[]> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void scriptIsSmallCachedAndCarriesThePropertysSettings() throws Exception {
        try (TestServer server = TestServer.start(Database.Kind.H2, MutableClock.at("2026-01-01T00:00:00Z"), Map.of())) {
            Fixtures fixtures = new Fixtures(server.database());
            Account account = fixtures.account("A");
            Property property = fixtures.property(account, "shop");
            fixtures.target(property, "+15125550100");
            fixtures.target(property, "+442079460958");
            String key = fixtures.apiKey(account);

            HttpResponse<byte[]> gzipped = get(server.client().uri("/s/shop.js"), "Accept-Encoding", "gzip");
            assertThat(gzipped.statusCode()).isEqualTo(200);
            assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(gzipped.headers().firstValue("Content-Type").orElse("")).startsWith("application/javascript");
            assertThat(gzipped.headers().firstValue("Cache-Control")).contains("public, max-age=300");
            System.out.printf("snippet: %d bytes gzipped (budget %d)%n", gzipped.body().length, BUDGET_BYTES);
            assertThat(gzipped.body().length).isLessThanOrEqualTo(BUDGET_BYTES);
            String script = new String(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(script).contains("\"k\":\"shop\"").contains("{\"e\":\"+15125550100\",\"c\":\"1\",\"p\":\"1\"}")
                    .contains("{\"e\":\"+442079460958\",\"c\":\"44\",\"p\":\"0\"}").contains("\"m\":\"required\"");

            String etag = gzipped.headers().firstValue("ETag").orElseThrow();
            assertThat(get(server.client().uri("/s/shop.js"), "If-None-Match", etag).statusCode()).isEqualTo(304);
            HttpResponse<byte[]> plain = get(server.client().uri("/s/shop.js"));
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo(script);

            // a change of settings is a new script with a new ETag, at once on this instance
            server.api("PATCH", "/api/v1/properties/" + property.id(), key, "{\"anti_flicker\":true,\"consent_mode\":\"not-required\"}");
            HttpResponse<byte[]> changed = get(server.client().uri("/s/shop.js"), "If-None-Match", etag);
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(new String(changed.body(), StandardCharsets.UTF_8)).contains("\"a\":true").contains("\"m\":\"not-required\"");

            assertThat(get(server.client().uri("/s/nope.js")).statusCode()).isEqualTo(404);
            assertThat(get(server.client().uri("/s/shop.css")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void settingsCannotCloseTheScriptElement() {
        String compact = io.calltrail.tracking.SnippetTestAccess.render("x</script><script>alert(1)</script>");
        assertThat(compact).doesNotContain("</script>").contains("\\u003c/script\\u003e");
    }
}
