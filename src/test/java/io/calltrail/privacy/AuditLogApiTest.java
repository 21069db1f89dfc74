package io.calltrail.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.Calltrail;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The audit log through the real server, on H2 and PostgreSQL: settings and credential changes, export runs (API and
 * command line) and reveals are recorded with who, from where and what; owners alone read it; nothing changes it.
 */
class AuditLogApiTest {
    private static final String TOKEN = "audit-test-token-0123456789";
    private static final String CALLER = "+15125550199";

    private TestServer server;
    private MutableClock clock;
    private String owner;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        owner = server.demoKey();
    }

    private JsonNode newKey(String body) {
        TestClient.Answer answer = server.api("POST", "/api/v1/api-keys", owner, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    private JsonNode audit(String query) {
        TestClient.Answer answer = server.api("GET", "/api/v1/audit" + query, owner, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static List<String> actions(JsonNode entries) {
        List<String> actions = new ArrayList<>();
        entries.forEach(entry -> actions.add(entry.get("action").asText()));
        return actions;
    }

    /** Runs a {@code calltrail} command on the test server's database and keys; it must succeed. */
    private void cli(String... arguments) {
        var target = server.target();
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of("--data", server.server().settings().dataDir().toString(), "--db-url", target.url(),
                "--db-user", target.user(), "--db-password", target.password()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream both = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        int exit;
        try {
            exit = new CommandLine(new Calltrail()).setCaseInsensitiveEnumValuesAllowed(true).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
    }

    /** A completed 75-second call from an ad click with consent, and the id of the call. */
    private long adCall() {
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        String number = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?gclid=audit-click\","
                        + "\"consent\":{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\"}}",
                "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json().get("numbers").get(0).get("tracking").asText();
        clock.advance(Duration.ofMinutes(1));
        server.simulateCall(number, CALLER, 75, true, TOKEN);
        return server.api("GET", "/api/v1/calls", owner, null).json().get(0).get("id").asLong();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void settingsAndCredentialChangesAreRecordedWithActorRoleAndAddress(Database.Kind kind) {
        start(kind);
        JsonNode ci = newKey("{\"name\":\"CI deploy\"}");
        String admin = ci.get("secret").asText();
        String label = "api-key:" + ci.get("id").asLong() + " (CI deploy)";

        assertThat(server.api("PATCH", "/api/v1/properties/1", admin, "{\"anti_flicker\":true,\"name\":\"Hill Country\"}")
                .status()).isEqualTo(200);
        String newToken = "rotated-token-abcdefghijklmnop";
        assertThat(server.api("PUT", "/api/v1/provider-credentials/twilio", admin,
                "{\"auth_token\":\"" + newToken + "\",\"account_sid\":\"ACmine\"}").status()).isEqualTo(200);
        // X-Forwarded-For is not trusted by default: the address is the connection's
        assertThat(server.send("PATCH", "/api/v1/pools/1", "{\"linger_seconds\":600}", "Authorization", "Bearer " + admin,
                "Content-Type", "application/json", "X-Forwarded-For", "203.0.113.9").status()).isEqualTo(200);

        JsonNode entries = audit("");
        assertThat(actions(entries)).containsExactly("settings.change", "credential.change", "settings.change", "api_key.create");
        JsonNode property = entries.get(2);
        assertThat(property.get("actor").asText()).isEqualTo(label);
        assertThat(property.get("actor_role").asText()).isEqualTo("admin");
        assertThat(property.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(property.get("occurred_at").asText()).isEqualTo("2026-05-04T15:00:00Z");
        assertThat(property.get("target_type").asText()).isEqualTo("property");
        assertThat(property.get("target_id").asText()).isEqualTo("1");
        JsonNode changes = property.get("details").get("changes");
        assertThat(property.get("details").get("operation").asText()).isEqualTo("update");
        assertThat(changes.get("anti_flicker").get("from").asBoolean()).isFalse();
        assertThat(changes.get("anti_flicker").get("to").asBoolean()).isTrue();
        assertThat(changes.get("name").get("to").asText()).isEqualTo("Hill Country");
        assertThat(changes.has("domains")).as("unchanged fields are not listed").isFalse();

        JsonNode credential = entries.get(1);
        assertThat(credential.get("target_type").asText()).isEqualTo("provider_credential");
        assertThat(credential.get("target_id").asText()).isEqualTo("twilio");
        assertThat(credential.get("details").get("operation").asText()).isEqualTo("replace");
        assertThat(credential.get("details").get("account_sid").asText()).isEqualTo("ACmine");
        assertThat(credential.get("details").get("auth_token_replaced").asBoolean()).isTrue();
        String stored = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM audit_event")
                .mapToMap().list().toString());
        assertThat(stored + entries).doesNotContain(newToken).doesNotContain(TOKEN).doesNotContain(admin);

        assertThat(entries.get(0).get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(entries.get(0).get("details").get("changes").get("linger_seconds").get("to").asInt()).isEqualTo(600);
        assertThat(entries.get(3).get("actor").asText()).startsWith("api-key:").endsWith("(demo key)");
        assertThat(entries.get(3).get("actor_role").asText()).isEqualTo("owner");
        assertThat(entries.get(3).get("details").get("name").asText()).isEqualTo("CI deploy");

        // a change that is refused leaves no entry
        assertThat(server.api("PATCH", "/api/v1/properties/1", admin, "{\"time_zone\":\"Mars/Olympus\"}").status()).isEqualTo(422);
        assertThat(server.api("DELETE", "/api/v1/pools/1", admin, null).status()).isEqualTo(409);
        assertThat(audit("")).hasSize(4);

        // filters
        assertThat(actions(audit("?action=settings.change"))).containsExactly("settings.change", "settings.change");
        assertThat(audit("?actor=api-key:" + ci.get("id").asLong())).hasSize(3);
        assertThat(audit("?actor=" + java.net.URLEncoder.encode(label, StandardCharsets.UTF_8))).hasSize(3);
        assertThat(audit("?actor=api-key:" + ci.get("id").asLong() + "0")).isEmpty();
        assertThat(audit("?actor=cli")).isEmpty();
        assertThat(audit("?limit=1")).hasSize(1);
        long newest = entries.get(0).get("id").asLong();
        assertThat(actions(audit("?before=" + newest + "&limit=2"))).containsExactly("credential.change", "settings.change");
        assertThat(audit("?from=2026-05-04T15:00:01Z")).isEmpty();
        assertThat(audit("?to=2026-05-04T15:00:00Z")).isEmpty();
        assertThat(audit("?from=2026-05-04T15:00:00Z&to=2026-05-04T15:00:01Z")).hasSize(4);
        assertThat(server.api("GET", "/api/v1/audit?limit=0", owner, null).status()).isEqualTo(400);
        assertThat(server.api("GET", "/api/v1/audit?from=yesterday", owner, null).status()).isEqualTo(400);

        // owners only, and only their own account's entries
        assertThat(server.api("GET", "/api/v1/audit", admin, null).status()).isEqualTo(403);
        String viewer = newKey("{\"name\":\"Wallboard\",\"role\":\"viewer\"}").get("secret").asText();
        assertThat(server.api("GET", "/api/v1/audit", viewer, null).status()).isEqualTo(403);
        JsonNode operatorLog = server.api("GET", "/api/v1/audit", server.ownerKey(), null).json();
        assertThat(operatorLog).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void exportRunsThroughTheApiAndTheCommandLineAreRecorded(Database.Kind kind) throws Exception {
        start(kind);
        adCall();
        TestClient.Answer file = server.api("GET", "/api/v1/exports/google-ads-clicks.csv?property=1", owner, null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).contains("audit-click");
        // nothing configured: the run is refused and leaves no entry
        assertThat(server.api("POST", "/api/v1/exports/ga4?property=1", owner, null).status()).isEqualTo(409);
        assertThat(server.api("GET", "/api/v1/exports/google-ads-calls.csv?property=1&preview=true", owner, null).status())
                .isEqualTo(200);

        JsonNode entries = audit("");
        assertThat(actions(entries)).containsExactly("export.preview", "export.run");
        JsonNode run = entries.get(1);
        assertThat(run.get("actor").asText()).endsWith("(demo key)");
        assertThat(run.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(run.get("target_type").asText()).isEqualTo("export_run");
        assertThat(run.get("target_id").asText()).isEqualTo(file.header("Calltrail-Export-Run"));
        JsonNode details = run.get("details");
        assertThat(details.get("destination").asText()).isEqualTo("google-ads-clicks");
        assertThat(details.get("property_id").asLong()).isEqualTo(1);
        assertThat(details.get("run_id").asText()).isEqualTo(file.header("Calltrail-Export-Run"));
        assertThat(details.get("sent").asInt()).isEqualTo(1).isEqualTo(Integer.parseInt(file.header("Calltrail-Sent")));
        assertThat(details.get("held_back_total").asInt()).isZero();
        assertThat(details.get("held_back").isObject()).isTrue();
        assertThat(entries.get(0).get("details").get("destination").asText()).isEqualTo("google-ads-calls");
        assertThat(entries.toString()).doesNotContain("5125550199");

        // the command line, on the same database and keys
        Path out = Files.createTempDirectory("calltrail-audit-export");
        cli("export", "--destination", "google-ads-calls", "--property", "demo", "--out-dir", out.toString());
        JsonNode cli = audit("?actor=cli");
        assertThat(cli).hasSize(1);
        assertThat(cli.get(0).get("action").asText()).isEqualTo("export.run");
        assertThat(cli.get(0).get("actor_role").isNull()).isTrue();
        assertThat(cli.get(0).get("client_address").isNull()).isTrue();
        assertThat(cli.get(0).get("details").get("destination").asText()).isEqualTo("google-ads-calls");
        try (var files = Files.list(out)) {
            files.forEach(path -> path.toFile().delete());
        }
        Files.deleteIfExists(out);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void revealsNeedTheirPermissionAreRecordedAndNumbersStayMaskedElsewhere(Database.Kind kind) {
        start(kind);
        long call = adCall();
        String path = "/api/v1/calls/" + call + "/reveal";
        // the demo key is an owner without can_reveal: owning is not enough
        TestClient.Answer refused = server.api("POST", path, owner, null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("message").asText()).contains("can_reveal");
        JsonNode support = newKey("{\"name\":\"Support lead\",\"can_reveal\":true}");
        String revealer = support.get("secret").asText();

        TestClient.Answer revealed = server.api("POST", path, revealer, null);
        assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
        assertThat(revealed.json().get("id").asLong()).isEqualTo(call);
        assertThat(revealed.json().get("caller").asText()).isEqualTo(CALLER);
        assertThat(revealed.header("Cache-Control")).isEqualTo("no-store");

        JsonNode entry = audit("?action=caller.reveal");
        assertThat(entry).hasSize(1);
        assertThat(entry.get(0).get("actor").asText()).isEqualTo("api-key:" + support.get("id").asLong() + " (Support lead)");
        assertThat(entry.get(0).get("actor_role").asText()).isEqualTo("admin");
        assertThat(entry.get(0).get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.get(0).get("target_type").asText()).isEqualTo("call");
        assertThat(entry.get(0).get("target_id").asText()).isEqualTo(Long.toString(call));
        assertThat(entry.get(0).get("details").get("caller_masked").asText()).isEqualTo("+1 512-***-**99");

        // everywhere else the number stays masked, the audit log included
        String elsewhere = server.api("GET", "/api/v1/calls", revealer, null).body()
                + server.api("GET", "/api/v1/calls/" + call, revealer, null).body() + audit("").toString()
                + server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM audit_event").mapToMap().list());
        assertThat(elsewhere).contains("+1 512-***-**99").doesNotContain("5125550199").doesNotContain("512-555-0199");

        // a call whose number is gone (retention, erasure) or never came, or another account's: 404, no entry
        server.database().jdbi().useHandle(handle -> handle.createUpdate("UPDATE phone_call SET caller_sealed = NULL WHERE id = :id")
                .bind("id", call).execute());
        TestClient.Answer gone = server.api("POST", path, revealer, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("message").asText()).contains("caller number not stored");
        assertThat(server.api("POST", "/api/v1/calls/" + (call + 1000) + "/reveal", revealer, null).status()).isEqualTo(404);
        assertThat(audit("?action=caller.reveal")).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void dataImportsAndReevaluationsAreRecordedWithTheirCountsOnly(Database.Kind kind) throws Exception {
        start(kind);
        TestClient.Answer imported = server.send("POST", "/api/v1/calls/import?property=1&format=csv",
                "caller,dialled,start,talk_seconds\n(512) 555-0142,+15125550100,2026-05-04 09:00:00,90\n"
                        + "(512) 555-0143,+15125550100,yesterday,10\n",
                "Authorization", "Bearer " + owner, "Content-Type", "text/csv");
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        TestClient.Answer outcomes = server.api("POST", "/api/v1/outcomes", owner, "{\"country\":\"US\",\"outcomes\":["
                + "{\"external_id\":\"crm-1\",\"phone\":\"(512) 555-0142\",\"status\":\"won\",\"value\":100,\"currency\":\"USD\","
                + "\"occurred_at\":\"2026-05-04T16:00:00Z\"}]}");
        assertThat(outcomes.status()).as(outcomes.body()).isEqualTo(200);
        // calls to the main line are attributed to nobody (and the log has no answer time): counting them makes the
        // re-evaluation change something
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/1", owner,
                "{\"attribution_methods\":[\"none\"],\"answered_only\":false}").status()).isEqualTo(200);
        TestClient.Answer reevaluated = server.api("POST", "/api/v1/conversion-actions/1/reevaluate", owner,
                "{\"from\":\"2026-05-01T00:00:00Z\"}");
        assertThat(reevaluated.status()).as(reevaluated.body()).isEqualTo(200);
        // an import refused as a whole stores nothing and records nothing
        assertThat(server.send("POST", "/api/v1/calls/import?property=1&format=csv&all_or_nothing=true",
                "caller,dialled,start\n(512) 555-0144,+15125550100,yesterday\n", "Authorization", "Bearer " + owner,
                "Content-Type", "text/csv").status()).isEqualTo(422);

        JsonNode entries = audit("");
        assertThat(actions(entries)).containsExactly("conversion.reevaluate", "settings.change", "outcome.import", "call.import");
        JsonNode call = entries.get(3).get("details");
        assertThat(call.get("format").asText()).isEqualTo("csv");
        assertThat(call.get("imported").asInt()).isEqualTo(1);
        assertThat(call.get("skipped").asInt()).isEqualTo(1);
        assertThat(entries.get(3).get("target_id").asText()).isEqualTo("1");
        JsonNode outcome = entries.get(2).get("details");
        assertThat(outcome.get("received").asInt()).isEqualTo(1);
        assertThat(outcome.get("matched").asInt()).isEqualTo(1);
        JsonNode reevaluation = entries.get(0).get("details");
        assertThat(reevaluation.get("complete").asBoolean()).isTrue();
        assertThat(reevaluation.get("evaluated").asInt()).isEqualTo(reevaluated.json().get("evaluated").asInt());
        assertThat(reevaluation.get("created").asInt()).isEqualTo(reevaluated.json().get("created").asInt()).isPositive();
        assertThat(entries.toString()).doesNotContain("555-0142").doesNotContain("5550142").doesNotContain("5550144");

        // the same through the command line
        Path log = Files.createTempFile("calltrail-audit-import", ".csv");
        Files.writeString(log, "caller,dialled,start,talk_seconds\n(512) 555-0145,+15125550100,2026-05-04 09:30:00,45\n");
        cli("import-calls", "--format", "csv", "--property", "demo", log.toString());
        Files.writeString(log, "external_id,phone,status,occurred_at\ncrm-2,(512) 555-0145,qualified,2026-05-04T16:00:00Z\n");
        cli("import-outcomes", "--account", Long.toString(server.api("GET", "/api/v1/account", owner, null).json().get("id").asLong()),
                "--country", "US", log.toString());
        Files.delete(log);
        JsonNode byCli = audit("?actor=cli");
        assertThat(actions(byCli)).containsExactly("outcome.import", "call.import");
        assertThat(byCli.get(1).get("details").get("imported").asInt()).isEqualTo(1);
        assertThat(byCli.get(0).get("details").get("format").asText()).isEqualTo("csv");
        assertThat(byCli.toString()).doesNotContain("5550145");

        // run again, nothing changes: still recorded, on its own
        TestClient.Answer again = server.api("POST", "/api/v1/conversion-actions/1/reevaluate", owner,
                "{\"from\":\"2026-05-01T00:00:00Z\"}");
        assertThat(again.json().get("created").asInt()).isZero();
        JsonNode noChange = audit("?limit=1").get(0);
        assertThat(noChange.get("action").asText()).isEqualTo("conversion.reevaluate");
        assertThat(noChange.get("details").get("unchanged").asInt()).isEqualTo(again.json().get("unchanged").asInt());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void noRouteChangesOrDeletesAnEntry(Database.Kind kind) {
        start(kind);
        newKey("{\"name\":\"CI deploy\"}");
        long id = audit("").get(0).get("id").asLong();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            for (String path : List.of("/api/v1/audit", "/api/v1/audit/" + id, "/api/v1/audit?id=" + id)) {
                TestClient.Answer answer = server.api(method, path, owner, method.equals("DELETE") ? null : "{\"action\":\"x.y\"}");
                assertThat(answer.status()).as(method + " " + path).isIn(404, 405);
            }
        }
        JsonNode after = audit("");
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("id").asLong()).isEqualTo(id);
        assertThat(after.get(0).get("action").asText()).isEqualTo("api_key.create");
    }
}
