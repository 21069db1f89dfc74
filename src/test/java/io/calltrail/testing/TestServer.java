package io.calltrail.testing;

import io.calltrail.app.Server;
import io.calltrail.app.Settings;
import io.calltrail.app.SettingsLoader;
import io.calltrail.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** The real server on a free loopback port, over a fresh database, with a small HTTP client. */
public final class TestServer implements AutoCloseable {
    private final Server server;
    private final TestDatabases.Target target;
    private final TestClient client;
    private final Path dataDir;

    private TestServer(Server server, TestDatabases.Target target, Path dataDir) {
        this.server = server;
        this.target = target;
        this.dataDir = dataDir;
        this.client = new TestClient(URI.create("http://127.0.0.1:" + server.port()));
    }

    public static TestServer start(Database.Kind kind, Clock clock, Map<String, String> settings) {
        return start(TestDatabases.target(kind), clock, settings);
    }

    public static TestServer start(TestDatabases.Target target, Clock clock, Map<String, String> settings) {
        try {
            Path dataDir = Files.createTempDirectory("calltrail-test");
            Map<String, String> flags = new HashMap<>();
            flags.put("http.port", "0");
            flags.put("data.dir", dataDir.toString());
            flags.put("db.url", target.url());
            flags.put("db.user", target.user());
            flags.put("db.password", target.password());
            flags.putAll(settings);
            Settings loaded = SettingsLoader.load(null, Map.of(), flags);
            return new TestServer(Server.start(loaded, clock), target, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Server server() {
        return server;
    }

    public TestDatabases.Target target() {
        return target;
    }

    public Database database() {
        return server.database();
    }

    public String ownerKey() {
        return server.ownerKey().orElseThrow();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public TestClient client() {
        return client;
    }

    public TestClient.Answer send(String method, String path, String body, String... headers) {
        return client.send(method, path, body, headers);
    }

    public TestClient.Answer get(String path, String... headers) {
        return client.get(path, headers);
    }

    public TestClient.Answer post(String path, String body, String... headers) {
        return client.post(path, body, headers);
    }

    public TestClient.Answer post(String path, byte[] body, String... headers) {
        return client.post(path, body, headers);
    }

    public TestClient.Answer api(String method, String path, String key, String body) {
        return client.api(method, path, key, body);
    }

    /** A call to {@code to} from {@code from}, through the signed webhooks a Twilio number would send; waits until it is stored. */
    public void simulateCall(String to, String from, int seconds, boolean answered, String authToken) {
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int exit = new picocli.CommandLine(new io.calltrail.telephony.SimulateCall()).execute("--to", to, "--from", from,
                    "--duration", Integer.toString(seconds), "--answered", Boolean.toString(answered), "--auth-token=" + authToken,
                    "--base-url", "http://127.0.0.1:" + server.port());
            if (exit != 0) {
                throw new IllegalStateException("simulate-call exited with " + exit);
            }
        } finally {
            System.setOut(original);
        }
        if (!server.awaitCallsLoaded(java.time.Duration.ofSeconds(10))) {
            throw new IllegalStateException("the call was not stored within 10 s");
        }
    }

    /** The demo account's id, when the server seeded the demo. */
    public long demoAccountId() {
        return server.demo().orElseThrow().accountId();
    }

    /** The operator account made on first start (the owner key's account). */
    public long ownerAccountId() {
        return new io.calltrail.account.AccountStore(database().jdbi()).operatorAccountId().orElseThrow();
    }

    /** The demo account's API key, when the server seeded the demo. */
    public String demoKey() {
        try {
            return Files.readString(server.settings().dataDir().resolve("demo-api-key")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
