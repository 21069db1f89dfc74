package io.calltrail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.testing.ServerProcess;
import io.calltrail.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar as a user runs it: serve --demo on an empty folder, then again on the same folder. */
class DemoIT {

    @Test
    void demoServesAPageALeasedNumberAndTheApiWithNothingInstalled() throws Exception {
        Path folder = Files.createTempDirectory("calltrail-demo");
        deleteOnExit(folder);
        String ownerKey;
        try (ServerProcess server = ServerProcess.startIn(folder, "--demo")) {
            String output = server.output();
            assertThat(output).contains("embedded H2").contains("H2 is for a single instance");
            ownerKey = line(output, "Owner API key");
            String demoKey = line(output, "Demo API key");
            assertThat(output).contains("/demo/?gclid=");

            TestClient client = server.client();
            TestClient.Answer page = client.get("/demo/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("(512) 555-0100").contains("tel:+15125550100").contains("/s/demo.js");

            String port = client.uri("/").toString().replaceAll(".*:(\\d+)/$", "$1");
            String origin = "http://localhost:" + port;
            JsonNode ad = client.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?gclid=x1\"}",
                    "Origin", origin).json();
            assertThat(ad.get("numbers").get(0).get("tracking").asText()).matches("\\+1512555010[1-5]");
            JsonNode yelp = client.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?utm_source=yelp\","
                    + "\"consent\":{\"analytics_storage\":\"granted\"}}", "Origin", origin).json();
            assertThat(yelp.get("numbers").get(0).get("tracking").asText()).isEqualTo("+15125550110");

            // the README's second step: a simulated call to the Yelp number, run from the demo's folder, is a conversion
            Process call = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    ServerProcess.jar().toAbsolutePath().toString(), "simulate-call", "--to", "+15125550110", "--from", "+15125550123",
                    "--base-url", client.uri("/").toString().replaceAll("/$", ""))
                    .directory(folder.toFile()).redirectErrorStream(true).start();
            String said = new String(call.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(call.waitFor()).as(said).isZero();
            JsonNode conversions = null;
            for (int i = 0; i < 100 && (conversions == null || conversions.isEmpty()); i++) {
                Thread.sleep(100);
                conversions = client.api("GET", "/api/v1/conversions", demoKey, null).json();
            }
            assertThat(conversions).hasSize(1);
            assertThat(conversions.get(0).get("conversion_value").decimalValue()).isEqualByComparingTo("120.00");

            JsonNode pools = client.api("GET", "/api/v1/pools", demoKey, null).json();
            assertThat(pools).hasSize(1);
            assertThat(pools.get(0).get("fallback_e164").asText()).isEqualTo("+15125550109");
            assertThat(client.api("GET", "/api/v1/tracking-numbers?pool=" + pools.get(0).get("id").asLong(), demoKey, null).json())
                    .hasSize(5);
            assertThat(client.api("GET", "/api/v1/accounts", ownerKey, null).json()).hasSize(2);
            assertThat(client.get("/health/live").status()).isEqualTo(200);
            assertThat(client.get("/metrics").body()).contains("calltrail_pool_numbers_in_use");

            // the dashboard: the printed one-time link opens the page where the owner chooses a password
            String link = line(output, "Sign in once as owner@localhost");
            TestClient.Answer choose = client.get(java.net.URI.create(link).getPath());
            assertThat(choose.status()).isEqualTo(200);
            assertThat(choose.body()).contains("owner@localhost").contains("name=\"password\"");
            assertThat(client.get("/app").status()).as("signed out: to the sign-in page").isEqualTo(302);
        }
        // the same folder again: nothing seeded twice, the owner key is not shown again
        try (ServerProcess again = ServerProcess.startIn(folder, "--demo")) {
            String output = again.output();
            assertThat(output).doesNotContain("Owner API key");
            assertThat(output).as("no password chosen yet: a new link").contains("Sign in once as owner@localhost");
            assertThat(again.client().api("GET", "/api/v1/accounts", ownerKey, null).json()).hasSize(2);
            String demoKey = line(output, "Demo API key");
            assertThat(again.client().api("GET", "/api/v1/properties", demoKey, null).json()).hasSize(1);
        }
    }

    @Test
    void commandsAnswerHelpVersionAndMigrate() throws Exception {
        assertThat(run("--help")).contains("serve").contains("migrate").contains("version");
        assertThat(run("version")).startsWith("calltrail ");
        Path data = Files.createTempDirectory("calltrail-migrate");
        deleteOnExit(data);
        assertThat(run("migrate", "--data", data.toString())).containsPattern("database is current; [1-9][0-9]* migration\\(s\\) applied");
        assertThat(run("migrate", "--data", data.toString())).contains("0 migration(s) applied");
        String invalid = run("serve", "--port", "99999", "--set", "log.level=LOUD");
        assertThat(invalid).contains("invalid settings").contains("http.port").contains("log.level");
    }

    private static void deleteOnExit(Path folder) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (java.io.IOException e) {
                // temporary files only
            }
        }));
    }

    private static String line(String output, String label) {
        return output.lines().filter(l -> l.contains(label)).findFirst()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElseThrow(() -> new AssertionError(label + " missing:\n" + output));
    }

    private static String run(String... arguments) throws Exception {
        Path output = Files.createTempFile("calltrail-cli", ".txt");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ServerProcess.jar().toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return Files.readString(output);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
