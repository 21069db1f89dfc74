package io.calltrail.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for one server; sends a browser user agent unless told otherwise. */
public final class TestClient {
    public static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestClient(URI base) {
        this.base = base;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /** An HTTP answer: status, body and headers. */
    public record Answer(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return Json.parse(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** {@code headers} alternate names and values. */
    public Answer send(String method, String path, String body, String... headers) {
        return exchange(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                headers);
    }

    /** A body of raw bytes, e.g. bytes that are not UTF-8. */
    public Answer post(String path, byte[] body, String... headers) {
        return exchange("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    private Answer exchange(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).method(method, body);
        boolean agent = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            agent |= headers[i].equalsIgnoreCase("User-Agent");
        }
        if (!agent) {
            request.header("User-Agent", BROWSER);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Answer post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    /** Admin API call with a bearer key. */
    public Answer api(String method, String path, String key, String body) {
        return body == null
                ? send(method, path, null, "Authorization", "Bearer " + key)
                : send(method, path, body, "Authorization", "Bearer " + key, "Content-Type", "application/json");
    }

}
