package io.calltrail.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The packaged jar running as a separate process, as an operator would start it. */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final TestClient client;
    private final Path log;
    private final Path dataDir;
    private final boolean ownsDataDir;

    private ServerProcess(Process process, TestClient client, Path log, Path dataDir, boolean ownsDataDir) {
        this.process = process;
        this.client = client;
        this.log = log;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /** The jar that {@code mvn package} built; integration tests run after packaging. */
    public static Path jar() {
        String configured = System.getenv("CALLTRAIL_TEST_JAR");
        Path jar = Path.of(configured == null ? "target/calltrail.jar" : configured);
        assumeTrue(Files.isRegularFile(jar), "the packaged jar is missing: run through mvn verify");
        return jar;
    }

    public static ServerProcess start(TestDatabases.Target target, String... extra) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--db-url", target.url()));
        if (!target.user().isEmpty()) {
            arguments.addAll(List.of("--db-user", target.user(), "--db-password", target.password()));
        }
        arguments.addAll(List.of(extra));
        return start(arguments.toArray(String[]::new));
    }

    public static ServerProcess start(String... serveArguments) throws IOException, InterruptedException {
        return start(Files.createTempDirectory("calltrail-proc"), true, serveArguments);
    }

    /** Runs in {@code dataDir}, which the caller keeps (to start another server on the same data). */
    public static ServerProcess startIn(Path dataDir, String... serveArguments) throws IOException, InterruptedException {
        return start(dataDir, false, serveArguments);
    }

    private static ServerProcess start(Path dataDir, boolean ownsDataDir, String... serveArguments)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("calltrail-server", ".log");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar().toString(), "serve",
                "--port", Integer.toString(port), "--data", dataDir.resolve("data").toString()));
        command.addAll(List.of(serveArguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TestClient client = new TestClient(URI.create("http://127.0.0.1:" + port));
        ServerProcess started = new ServerProcess(process, client, log, dataDir, ownsDataDir);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited early:\n" + started.output());
            }
            try {
                if (client.get("/health/ready").status() == 200) {
                    return started;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        started.close();
        throw new IllegalStateException("server did not become ready:\n" + started.output());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Ends the server as a crash or power cut would: SIGKILL, no shutdown of any kind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public TestClient client() {
        return client;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir.resolve("data");
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file only
        }
        process.destroy();
        try {
            if (!process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(10), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ownsDataDir) {
            return;
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
