package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes exactly the routes in app/Routes, and the server hands it out without an API key. */
class OpenApiTest {
    private static final Pattern ROUTE = Pattern.compile("app\\.(get|post|put|patch|delete|options)\\(\"([^\"]+)\"");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    /** "get /api/v1/pools/{id}" for every route wired in Routes.java, but the dashboard's HTML pages (/app, /sign-in). */
    private static Set<String> routes() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/calltrail/app/Routes.java"));
        Set<String> routes = new TreeSet<>();
        Matcher matcher = ROUTE.matcher(source);
        while (matcher.find()) {
            String path = matcher.group(2);
            if (!path.equals("/app") && !path.startsWith("/app/") && !path.startsWith("/sign-in")) {
                routes.add(matcher.group(1) + " " + path);
            }
        }
        return routes;
    }

    private static JsonNode document() throws Exception {
        try (var in = OpenApiTest.class.getResourceAsStream("/api/openapi.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void everyRouteIsDocumentedAndNothingElse() throws Exception {
        Set<String> routes = routes();
        assertThat(routes).hasSizeGreaterThan(80).contains("get /api/v1/reports/overview", "get /api/v1/reports/{dimension}",
                "get /api/v1/reports/{dimension}.csv", "get /api/v1/openapi.json");
        Set<String> documented = new TreeSet<>();
        document().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method + " " + path.getKey())));
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void everyPathParameterIsDescribed() throws Exception {
        JsonNode document = document();
        List<String> missing = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            Set<String> described = new TreeSet<>();
            operation.getValue().path("parameters").forEach(parameter -> {
                JsonNode resolved = parameter.has("$ref")
                        ? document.at(parameter.get("$ref").asText().substring(1)) : parameter;
                if ("path".equals(resolved.path("in").asText())) {
                    described.add(resolved.get("name").asText());
                }
            });
            Matcher matcher = PARAMETER.matcher(path.getKey());
            Set<String> inPath = new TreeSet<>();
            while (matcher.find()) {
                inPath.add(matcher.group(1));
            }
            if (!described.equals(inPath)) {
                missing.add(operation.getKey() + " " + path.getKey() + ": " + described + " vs " + inPath);
            }
        }));
        assertThat(missing).isEmpty();
    }

    @Test
    void theDocumentIsServedWithoutAnApiKey() {
        try (TestServer server = TestServer.start(Database.Kind.H2, MutableClock.at("2026-05-04T15:00:00Z"), Map.of())) {
            TestClient.Answer answer = server.get("/api/v1/openapi.json");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("Content-Type")).startsWith("application/json");
            assertThat(answer.json().get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(server.get("/api/v1/account").status()).isEqualTo(401); // the rest of /api still needs a key
        }
    }
}
