package io.calltrail.conversion.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.telephony.SimulateCall;
import io.calltrail.testing.Receiver;
import io.calltrail.testing.ServerProcess;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code calltrail export} to two destinations is killed (SIGKILL) after the first is done and while the second is
 * inside its transaction; run again, it sends to the second what it never sent, and nothing to either twice.
 */
class ExportCrashIT {
    private static final String TOKEN = "crash-test-token-0123456789";
    private static final int CALLS = 5; // the demo pool's size: each visit gets a number of its own

    @Test
    void anExportKilledBetweenTwoDestinationsSendsNothingTwiceWhenRunAgain() throws Exception {
        assumeTrue(TestDatabases.postgresAvailable() || "true".equals(System.getenv("CI")),
                "PostgreSQL tests skipped: CALLTRAIL_TEST_PG_URL is not set");
        TestDatabases.Target target = TestDatabases.target(Database.Kind.POSTGRESQL);
        Path work = Files.createTempDirectory("calltrail-crash");
        Path out = Files.createDirectories(work.resolve("out"));
        try (Receiver google = Receiver.start()) {
            try (ServerProcess server = ServerProcess.startIn(work, "--demo", "--set", "demo.authToken=" + TOKEN,
                    "--db-url", target.url(), "--db-user", target.user(), "--db-password", target.password())) {
                String key = Files.readString(server.dataDir().resolve("demo-api-key")).strip();
                TestClient client = server.client();
                assertThat(client.api("PUT", "/api/v1/properties/1/destinations/google-data-manager", key,
                        "{\"account_ref\":\"1234567890\",\"credential\":\"ya29.crash\",\"endpoint_url\":\""
                                + google.uri("/v1/events:ingest") + "\"}").status()).isEqualTo(200);
                client.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"google_conversion_id\":\"42\"}");
                for (int i = 0; i < CALLS; i++) {
                    String number = client.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + client.uri("/demo/?gclid=crash-" + i)
                                    + "\",\"consent\":{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\"}}",
                            "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json().get("numbers").get(0).get("tracking").asText();
                    call(client, number, "+1512555070" + i);
                }
                awaitConversions(target, CALLS);
            }

            String[] export = {"export", "--data", work.resolve("data").toString(), "--db-url", target.url(), "--db-user", target.user(),
                    "--db-password", target.password(), "--property", "demo", "--out-dir", out.toString(),
                    "--destination", "google-ads-clicks", "--destination", "google-data-manager"};
            // Hold the Data Manager settings locked: the second destination waits inside its transaction.
            try (Connection lock = DriverManager.getConnection(target.url(), target.user(), target.password())) {
                lock.setAutoCommit(false);
                lock.createStatement().execute("LOCK TABLE export_destination IN ACCESS EXCLUSIVE MODE");
                Process first = cli(export);
                BufferedReader lines = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
                List<String> printed = new ArrayList<>();
                for (String line; (line = lines.readLine()) != null; ) {
                    printed.add(line);
                    if (line.startsWith("google-ads-clicks: run")) {
                        break;
                    }
                }
                assertThat(printed).as("first destination done").anyMatch(line -> line.startsWith("google-ads-clicks: run"));
                awaitLockWaiter(lock);
                first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL between the two destinations
                lock.rollback();
            }
            assertThat(count(target, "SELECT COUNT(*) FROM delivery")).as("the second destination's transaction died with it").isZero();
            assertThat(count(target, "SELECT COUNT(*) FROM export_run WHERE destination = 'google-data-manager'")).isZero();
            assertThat(clickRows(out)).hasSize(CALLS);

            String again = run(export);
            assertThat(again).contains("google-ads-clicks: run").contains(", 0 sent")
                    .contains("google-data-manager: run").contains(CALLS + " sent").contains("1 request(s) delivered now");
            String third = run(export);
            assertThat(third).doesNotContain(CALLS + " sent");

            List<String> orderIds = new ArrayList<>();
            for (CSVRecord row : clickRows(out)) {
                orderIds.add(row.get("Order ID"));
            }
            assertThat(orderIds).hasSize(CALLS).doesNotHaveDuplicates();
            List<Receiver.Request> received = google.requests();
            assertThat(received).hasSize(1);
            List<String> sent = new ArrayList<>();
            Json.parse(received.get(0).body()).get("events").forEach(event -> sent.add(event.get("transactionId").asText()));
            assertThat(sent).containsExactlyInAnyOrderElementsOf(orderIds);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void call(TestClient client, String to, String from) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new SimulateCall()).execute("--to", to, "--from", from, "--duration", "90", "--answered", "true",
                    "--auth-token", TOKEN, "--base-url", client.uri("/").toString().replaceAll("/$", ""))).isZero();
        } finally {
            System.setOut(original);
        }
    }

    private static void awaitConversions(TestDatabases.Target target, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(target, "SELECT COUNT(*) FROM conversion WHERE action_id = 1") < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the calls did not become conversions");
            }
            Thread.sleep(100);
        }
    }

    /** Waits until another session waits for a lock: the export's second destination is stuck inside its transaction. */
    private static void awaitLockWaiter(Connection lock) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (ResultSet rs = lock.createStatement().executeQuery("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the export never reached its second destination");
            }
            Thread.sleep(50);
        }
    }

    private static int count(TestDatabases.Target target, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password());
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Every conversion row of every google-ads-clicks file written so far. */
    private static List<CSVRecord> clickRows(Path out) throws Exception {
        List<CSVRecord> rows = new ArrayList<>();
        try (var files = Files.list(out)) {
            for (Path file : files.filter(path -> path.getFileName().toString().contains("google-ads-clicks")
                    && path.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                String csv = Files.readString(file);
                String withoutParameters = csv.substring(csv.indexOf("\r\n") + 2);
                rows.addAll(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                        .parse(new StringReader(withoutParameters)).getRecords());
            }
        }
        return rows;
    }

    private static Process cli(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ServerProcess.jar().toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String run(String... arguments) throws Exception {
        Process process = cli(arguments);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
