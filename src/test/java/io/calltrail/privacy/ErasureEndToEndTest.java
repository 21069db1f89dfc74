package io.calltrail.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.conversion.export.CsvFiles;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.IOException;
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
import org.slf4j.LoggerFactory;

/**
 * A caller with calls, conversions, an outcome, queued exports and webhooks and an imported call is erased; then every
 * column of every table, the logs and the spools hold the number in no form and its keyed hash only in the erasure
 * log, while the reports count the same calls; a re-import does not bring the number back.
 */
class ErasureEndToEndTest {
    private static final String TOKEN = "erasure-test-token-0123456789";
    private static final String CALLER = "+15125550199";
    private static final String OTHER = "+15125550188";

    private TestServer server;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (server != null) {
            server.close();
        }
    }

    /** Every form the number could be stored in. */
    private static List<String> forms(String e164) {
        PhoneNumber number = new PhoneNumber(e164);
        String national = number.national(); // (512) 555-0199
        String digits = national.replaceAll("[^0-9]", "");
        return List.of(e164, e164.substring(1), digits, national, digits.substring(0, 3) + "-" + digits.substring(3, 6) + "-"
                + digits.substring(6), digits.substring(0, 3) + "." + digits.substring(3, 6) + "." + digits.substring(6),
                CsvFiles.sha256(e164));
    }

    private String visit(String query) {
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        return server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?" + query + "\","
                        + "\"consent\":{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\"}}",
                "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json().get("numbers").get(0).get("tracking").asText();
    }

    private TestClient.Answer importLog(String key, String lines) {
        return server.send("POST", "/api/v1/calls/import?property=1&format=csv&column.caller=Caller&column.dialled=Dialled"
                        + "&column.start=Start&column.talk_seconds=Talk", "Caller,Dialled,Start,Talk\n" + lines,
                "Authorization", "Bearer " + key, "Content-Type", "text/csv");
    }

    /** Every (table.column = value) of the database that holds one of the needles. */
    private List<String> scan(List<String> needles, String exceptTable) {
        List<String> found = new ArrayList<>();
        server.database().jdbi().useHandle(handle -> {
            List<String> tables = handle.createQuery("""
                            SELECT table_name FROM information_schema.tables
                             WHERE table_schema = CURRENT_SCHEMA AND table_type IN ('BASE TABLE', 'TABLE')""")
                    .mapTo(String.class).list();
            assertThat(tables).contains("phone_call", "outcome", "delivery", "erasure_log");
            for (String table : tables) {
                if (table.equalsIgnoreCase(exceptTable)) {
                    continue;
                }
                for (Map<String, Object> row : handle.createQuery("SELECT * FROM " + table).mapToMap().list()) {
                    row.forEach((column, value) -> {
                        String text = String.valueOf(value);
                        for (String needle : needles) {
                            if (text.contains(needle)) {
                                found.add(table + "." + column + " holds " + needle);
                            }
                        }
                    });
                }
            }
        });
        return found;
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anErasedCallerIsInNoTableLogOrSpoolAndReportsCountTheSame(Database.Kind kind) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        MutableClock clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        String key = server.demoKey();
        String hash = CallerCrypto.open(server.server().settings().keysDir()).hash(new PhoneNumber(CALLER));

        // a webhook endpoint and the Data Manager destination, both left with queued deliveries
        server.api("POST", "/api/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"call.completed\"]}");
        server.api("PUT", "/api/v1/properties/1/destinations/google-data-manager", key,
                "{\"account_ref\":\"1234567890\",\"credential\":\"token\",\"endpoint_url\":\"http://127.0.0.1:9/ingest\"}");
        server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"google_conversion_id\":\"42\"}");

        String first = visit("gclid=erase-1");
        String second = visit("gclid=erase-2");
        clock.advance(Duration.ofMinutes(2));
        server.simulateCall(first, CALLER, 75, true, TOKEN);
        server.simulateCall(second, CALLER, 90, true, TOKEN);
        server.simulateCall("+15125550110", CALLER, 30, true, TOKEN);
        server.simulateCall("+15125550110", OTHER, 65, true, TOKEN);
        assertThat(importLog(key, "(512) 555-0199,(512) 555-0100,2026-05-04T12:00:00Z,40\n").status()).isEqualTo(200);
        assertThat(server.api("POST", "/api/v1/outcomes", key, "{\"country\":\"US\",\"outcomes\":[{\"external_id\":\"crm-9\","
                + "\"phone\":\"512.555.0199\",\"status\":\"won\",\"value\":500,\"currency\":\"USD\",\"occurred_at\":\"2026-05-05T10:00:00Z\"}]}")
                .status()).isEqualTo(200);
        assertThat(server.api("POST", "/api/v1/exports/google-data-manager?property=1", key, null).json().get("sent").asInt()).isEqualTo(2);
        assertThat(scan(forms(CALLER), null)).as("the number is there before").isNotEmpty();
        JsonNode subjectBefore = server.api("GET", "/api/v1/privacy/subject?phone=" + CALLER.replace("+", "%2B"), key, null).json();
        assertThat(subjectBefore.get("calls")).hasSize(4);
        int callsBefore = server.api("GET", "/api/v1/calls", key, null).json().size();
        int conversionsBefore = server.api("GET", "/api/v1/conversions", key, null).json().size();

        JsonNode erased = server.api("POST", "/api/v1/privacy/erase", key, "{\"phone\":\"(512) 555-0199\"}").json();
        assertThat(erased.at("/erased/calls").asInt()).isEqualTo(4);
        assertThat(erased.at("/erased/outcomes").asInt()).isEqualTo(1);
        assertThat(erased.at("/erased/deliveries_dropped").asInt()).isEqualTo(1);
        JsonNode audited = server.api("GET", "/api/v1/audit?action=privacy.erase", key, null).json();
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).get("actor").asText()).startsWith("api-key:");

        List<String> needles = new ArrayList<>(forms(CALLER));
        assertThat(scan(needles, null)).isEmpty();
        needles.add(hash);
        assertThat(scan(needles, "erasure_log")).isEmpty();
        assertThat(scan(List.of(hash), null)).containsExactly("erasure_log.caller_hash holds " + hash);
        String otherHash = CallerCrypto.open(server.server().settings().keysDir()).hash(new PhoneNumber(OTHER));
        assertThat(scan(List.of(otherHash), null)).as("the other caller is untouched").containsExactly("phone_call.caller_hash holds " + otherHash);

        // reports count the same calls and conversions
        assertThat(server.api("GET", "/api/v1/calls", key, null).json()).hasSize(callsBefore);
        assertThat(server.api("GET", "/api/v1/conversions", key, null).json()).hasSize(conversionsBefore);

        // the same call log again, plus a later call of that caller: the number does not come back
        JsonNode again = importLog(key, "(512) 555-0199,(512) 555-0100,2026-05-04T12:00:00Z,40\n"
                + "(512) 555-0199,(512) 555-0100,2026-05-06T12:00:00Z,50\n").json();
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);
        assertThat(again.get("imported").asInt()).isEqualTo(1);
        assertThat(scan(needles, "erasure_log")).isEmpty();
        assertThat(server.api("GET", "/api/v1/privacy/subject?phone=" + CALLER.replace("+", "%2B"), key, null).json()
                .get("erased_at").isNull()).isFalse();

        // spools keep records only until they are in the database; the logs never had the number
        Path data = server.server().settings().dataDir();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> inFiles;
        do {
            inFiles = filesHolding(data, needles);
            if (!inFiles.isEmpty()) {
                Thread.sleep(100);
            }
        } while (!inFiles.isEmpty() && System.nanoTime() < deadline);
        assertThat(inFiles).isEmpty();
        for (ILoggingEvent event : logs.list) {
            for (String needle : needles) {
                assertThat(event.getFormattedMessage()).doesNotContain(needle);
            }
        }
        assertThat(scan(List.of("+1 512-***-**99"), null)).as("nor its mask, in webhook events or elsewhere").isEmpty();

        // a restored backup (here: the hash back on a call, the erasure log's row gone) is erased again at start-up
        var jdbi = server.database().jdbi();
        long restoredCall = jdbi.withHandle(handle -> handle.createQuery("SELECT MIN(id) FROM phone_call").mapTo(Long.class).one());
        jdbi.useHandle(handle -> {
            handle.createUpdate("UPDATE phone_call SET caller_hash = :hash WHERE id = :id").bind("hash", hash).bind("id", restoredCall).execute();
            handle.createUpdate("DELETE FROM erasure_log").execute();
        });
        Erasure restarted = new Erasure(jdbi, CallerCrypto.open(server.server().settings().keysDir()),
                new ErasureLog(server.server().settings().keysDir()), clock, new AuditLog(clock));
        assertThat(restarted.reapply()).isEqualTo(1);
        assertThat(scan(List.of(hash), null)).containsExactly("erasure_log.caller_hash holds " + hash);
        assertThat(restarted.reapply()).as("nothing more to do").isZero();
    }

    /** Files under the data folder (spools, keys, the erasure file) that hold a needle. */
    private static List<String> filesHolding(Path data, List<String> needles) throws IOException {
        List<String> found = new ArrayList<>();
        try (var files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (file.getFileName().toString().endsWith(".mv.db") || file.getFileName().toString().equals("erasures")) {
                    continue; // the database is scanned by its tables; the erasure file keeps the hash by design
                }
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String needle : needles) {
                    if (text.contains(needle)) {
                        found.add(data.relativize(file) + " holds " + needle);
                    }
                }
            }
        }
        return found;
    }
}
