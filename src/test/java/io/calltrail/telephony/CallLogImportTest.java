package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Call logs from a PBX: main-number calls are the ones that bypassed tracking; re-imports add nothing. */
class CallLogImportTest {
    private static final String ASTERISK = String.join("\n",
            "\"\",\"+15125550199\",\"5125550100\",\"from-trunk\",\"\"\"Jane\"\" <+15125550199>\",\"SIP/trunk-1\",\"SIP/100-2\",\"Dial\",\"SIP/100,30\",\"2026-05-04 10:00:00\",\"2026-05-04 10:00:05\",\"2026-05-04 10:02:05\",125,120,\"ANSWERED\",\"DOCUMENTATION\",\"1714831200.1\",\"\"",
            "\"\",\"+15125550198\",\"+15125550110\",\"from-trunk\",\"\",\"SIP/trunk-3\",\"\",\"Dial\",\"\",\"2026-05-04 11:00:00\",\"\",\"2026-05-04 11:00:30\",30,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1714834800.2\",\"\"",
            "\"\",\"+15125550197\",\"2001\",\"internal\",\"\",\"SIP/200-4\",\"\",\"Dial\",\"\",\"2026-05-04 12:00:00\",\"2026-05-04 12:00:01\",\"2026-05-04 12:01:00\",60,59,\"ANSWERED\",\"DOCUMENTATION\",\"1714838400.3\",\"\"",
            "\"\",\"+15125550196\",\"5125550100\",\"from-trunk\",\"\",\"SIP/trunk-5\",\"\",\"Dial\",\"\",\"yesterday\",\"\",\"\",1,0,\"BUSY\",\"DOCUMENTATION\",\"x\",\"\"");

    private TestServer server;
    private String key;
    private long property;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) throws Exception {
        server = TestServer.start(kind, MutableClock.at("2026-05-05T00:00:00Z"), Map.of("demo", "true"));
        key = Files.readString(server.server().settings().dataDir().resolve("demo-api-key")).strip();
        property = server.api("GET", "/api/v1/properties", key, null).json().get(0).get("id").asLong();
    }

    private TestClient.Answer upload(String query, String body) {
        return server.send("POST", "/api/v1/calls/import?property=" + property + "&" + query, body,
                "Authorization", "Bearer " + key, "Content-Type", "text/csv");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void asteriskLogStoresMainNumberCallsAsNotAttributableAndReimportsNothing(Database.Kind kind) throws Exception {
        start(kind);
        TestClient.Answer first = upload("format=asterisk", ASTERISK);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode result = first.json();
        assertThat(result.get("imported").asInt()).isEqualTo(2);
        assertThat(result.get("skipped").asInt()).isEqualTo(2);
        assertThat(result.get("problems").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(result.get("problems").get(0).get("reason").asText()).contains("neither a tracking number");
        assertThat(result.get("problems").get(1).get("line").asInt()).isEqualTo(4);
        assertThat(result.get("problems").get(1).get("reason").asText()).contains("'yesterday'");

        JsonNode calls = server.api("GET", "/api/v1/calls", key, null).json();
        assertThat(calls).hasSize(2);
        JsonNode main = calls.get(1);
        assertThat(main.get("dialled_e164").asText()).isEqualTo("+15125550100");
        assertThat(main.get("attribution").asText()).isEqualTo("none");
        assertThat(main.get("attribution_reason").asText()).contains("main number");
        assertThat(main.get("status").asText()).isEqualTo("completed");
        assertThat(main.get("talk_seconds").asInt()).isEqualTo(120);
        assertThat(main.get("started_at").asText()).isEqualTo("2026-05-04T15:00:00Z"); // 10:00 in America/Chicago
        JsonNode yelp = calls.get(0);
        assertThat(yelp.get("attribution").asText()).isEqualTo("static_source");
        assertThat(yelp.get("status").asText()).isEqualTo("no-answer");

        JsonNode again = upload("format=asterisk", ASTERISK).json();
        assertThat(again.get("imported").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(2);
        assertThat(server.api("GET", "/api/v1/calls", key, null).json()).hasSize(2);
        String stored = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM phone_call").mapToMap().list().toString());
        assertThat(stored).doesNotContain("5125550199").doesNotContain("Jane");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void allOrNothingImportsNothingWhenALineIsMalformed(Database.Kind kind) throws Exception {
        start(kind);
        TestClient.Answer refused = upload("format=asterisk&all_or_nothing=true", ASTERISK.lines().skip(3).findFirst().orElseThrow()
                + "\n" + ASTERISK.lines().findFirst().orElseThrow());
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("rolled_back").asBoolean()).isTrue();
        assertThat(server.api("GET", "/api/v1/calls", key, null).json()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void freeswitchAndMappedCsvLogsImport(Database.Kind kind) throws Exception {
        start(kind);
        String freeswitch = "\"Jane\",\"+15125550199\",\"5125550100\",\"default\",\"2026-05-04 09:00:00\",\"2026-05-04 09:00:04\","
                + "\"2026-05-04 09:01:04\",\"64\",\"60\",\"NORMAL_CLEARING\",\"a1b2c3d4-0000-4000-8000-000000000001\",\"\",\"\",\"PCMU\",\"PCMU\"";
        assertThat(upload("format=freeswitch", freeswitch).json().get("imported").asInt()).isEqualTo(1);
        String csv = "Caller,Number Dialled,When,Talk\n+15125550195,(512) 555-0100,2026-05-04T16:30:00Z,0\n";
        JsonNode mapped = upload("format=csv&column.caller=Caller&column.dialled=Number%20Dialled&column.start=When&column.talk_seconds=Talk", csv).json();
        assertThat(mapped.get("imported").asInt()).as(mapped.toString()).isEqualTo(1);
        JsonNode calls = server.api("GET", "/api/v1/calls", key, null).json();
        assertThat(calls).extracting(call -> call.get("status").asText()).containsExactly("no-answer", "completed");
        assertThat(upload("format=wav", csv).status()).isEqualTo(400);
    }
}
