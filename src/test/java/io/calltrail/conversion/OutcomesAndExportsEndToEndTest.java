package io.calltrail.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.conversion.export.CsvFiles;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through the real server: calls from ad clicks with different consent become conversions; exports send each once,
 * hold back what consent forbids, and show restatements; outcomes count once and wait for calls still to come.
 */
class OutcomesAndExportsEndToEndTest {
    private static final String TOKEN = "export-test-token-0123456789";

    private TestServer server;
    private MutableClock clock;
    private String key;
    private String origin;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Opens a visit from an ad click with the given consent and returns the tracking number it was shown. */
    private String visit(String query, String consent, boolean gpc) {
        return server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/?" + query + "\",\"gpc\":" + gpc
                        + ",\"consent\":" + consent + "}", "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID())
                .json().get("numbers").get(0).get("tracking").asText();
    }

    private List<CSVRecord> export(String destination, String expectedHeldBack) throws IOException {
        TestClient.Answer answer = server.api("GET", "/api/v1/exports/" + destination + ".csv?property=1", key, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/csv");
        assertThat(java.util.Objects.toString(answer.header("Calltrail-Held-Back"), "")).isEqualTo(expectedHeldBack);
        List<CSVRecord> records = CSVFormat.RFC4180.parse(new StringReader(answer.body())).getRecords();
        assertThat(records.get(0).get(0)).isEqualTo(destination.equals("microsoft-ads")
                ? "Parameters:TimeZone=+0000;" : "Parameters:TimeZone=America/Chicago");
        return records.subList(2, records.size());
    }

    private JsonNode outcomes(String json) {
        TestClient.Answer answer = server.api("POST", "/api/v1/outcomes", key, json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private JsonNode conversions(String query) {
        return server.api("GET", "/api/v1/conversions?" + query, key, null).json();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void exportsSendEachConversionOnceHoldBackWhatConsentForbidsAndShowRestatements(Database.Kind kind) throws IOException {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        origin = server.client().uri("/").toString().replaceAll("/$", "");
        // the demo's Google Ads pool takes every ad click id, iOS braids included
        assertThat(server.api("PATCH", "/api/v1/source-rules/1", key,
                "{\"conditions\":[{\"field\":\"click_id\",\"operator\":\"present\",\"value\":\"any\"}]}").status()).isEqualTo(200);
        String granted = "{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\",\"ad_personalization\":\"denied\"}";
        String denied = "{\"ad_storage\":\"granted\",\"ad_user_data\":\"denied\"}";

        String numberA = visit("gclid=click-A", granted, false);
        String numberB = visit("gclid=click-B", granted, true);       // Global Privacy Control
        String numberC = visit("gbraid=braid-C", denied, false);      // ad_user_data denied
        String numberD = visit("gclid=click-D", "{\"ad_storage\":\"granted\"}", false); // no ad_user_data signal
        clock.advance(Duration.ofSeconds(20)); // the simulated calls start and end at the clock's time
        server.simulateCall(numberA, "+15125550201", 75, true, TOKEN);
        server.simulateCall(numberB, "+15125550202", 80, true, TOKEN);
        server.simulateCall(numberC, "+15125550203", 90, true, TOKEN);
        server.simulateCall(numberD, "+15125550205", 95, true, TOKEN);
        server.simulateCall("+15125550110", "+15125550204", 61, true, TOKEN); // the Yelp number: no visit, no consent signal
        assertThat(conversions("action=1")).hasSize(5);

        List<CSVRecord> clicks = export("google-ads-clicks", "ad_user_data_denied=1,global_privacy_control=1");
        assertThat(clicks).hasSize(2);
        CSVRecord first = clicks.get(0);
        assertThat(first.get(0)).isEqualTo("click-A");
        assertThat(first.get(1)).isEqualTo("Phone call (60 s)");
        assertThat(first.get(2)).isEqualTo("2026-05-04 10:00:20"); // in the property's zone (CDT)
        assertThat(first.get(3)).isEqualTo("120.00");
        assertThat(first.get(4)).isEqualTo("USD");
        assertThat(first.get(5)).matches("ct-[0-9]+");
        assertThat(first.get(6)).isEqualTo("Granted");
        assertThat(first.get(7)).isEqualTo("Denied");
        assertThat(clicks.get(1).get(0)).isEqualTo("click-D");
        assertThat(clicks.get(1).get(6)).isEmpty();
        assertThat(export("google-ads-clicks", "")).isEmpty(); // sent once

        // the caller's number leaves only with ad_user_data granted; the Yelp call has no consent signal at all
        List<CSVRecord> calls = export("google-ads-calls",
                "ad_user_data_denied=1,ad_user_data_not_granted=1,global_privacy_control=1,no_consent_signal=1");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get(0)).isEqualTo("+15125550201");
        assertThat(calls.get(0).get(1)).isEqualTo("2026-05-04 10:00:20");
        assertThat(export("google-enhanced-leads", "ad_user_data_denied=1,ad_user_data_not_granted=1,global_privacy_control=1,"
                + "no_consent_signal=1").get(0).get(0)).isEqualTo(CsvFiles.sha256("+15125550201"));

        // an outcome for click A, uploaded twice, counts once and restates the conversion's value
        String won = "{\"outcomes\":[{\"external_id\":\"crm-1\",\"click_id\":\"click-A\",\"status\":\"won\",\"value\":900,"
                + "\"currency\":\"USD\",\"occurred_at\":\"2026-05-06T12:00:00Z\"}]}";
        JsonNode once = outcomes(won);
        assertThat(once.get("created").asInt()).isEqualTo(1);
        assertThat(once.get("matched").asInt()).isEqualTo(1);
        JsonNode twice = outcomes(won);
        assertThat(twice.get("created").asInt()).isZero();
        assertThat(twice.get("unchanged").asInt()).isEqualTo(1);
        JsonNode restated = conversions("action=1").get(4);
        assertThat(restated.get("click_id").asText()).isEqualTo("click-A");
        assertThat(restated.get("conversion_value").decimalValue()).isEqualByComparingTo("900");
        assertThat(restated.get("value_version").asInt()).isEqualTo(2);
        assertThat(server.api("GET", "/api/v1/outcomes", key, null).json()).hasSize(1);

        List<CSVRecord> adjustments = export("google-ads-adjustments", "");
        assertThat(adjustments).hasSize(1);
        assertThat(adjustments.get(0).get(0)).isEqualTo(first.get(5));
        assertThat(adjustments.get(0).get(3)).isEqualTo("RESTATE");
        assertThat(adjustments.get(0).get(4)).isEqualTo("900.00");
        assertThat(export("google-ads-adjustments", "")).isEmpty();
        assertThat(export("google-ads-clicks", "")).isEmpty(); // a restatement is not a new conversion

        // an outcome uploaded before its call waits, reported, and matches when the call arrives
        JsonNode early = outcomes("{\"country\":\"US\",\"outcomes\":[{\"external_id\":\"crm-2\",\"phone\":\"(512) 555-0299\","
                + "\"status\":\"qualified\",\"value\":\"300.00\",\"currency\":\"USD\",\"occurred_at\":\"2026-05-04T15:30:00Z\"}]}");
        assertThat(early.get("unmatched").asInt()).isEqualTo(1);
        assertThat(early.get("unmatched_in_account").asInt()).isEqualTo(1);
        assertThat(server.api("GET", "/api/v1/outcomes?matched=false", key, null).json()).hasSize(1);
        clock.advance(Duration.ofHours(1));
        server.simulateCall("+15125550110", "+15125550299", 70, true, TOKEN);
        JsonNode waited = server.api("GET", "/api/v1/outcomes?matched=true", key, null).json();
        assertThat(waited).hasSize(2);
        JsonNode matchedLater = waited.get(0).get("external_id").asText().equals("crm-2") ? waited.get(0) : waited.get(1);
        assertThat(matchedLater.get("call_id").isNull()).isFalse();
        assertThat(matchedLater.toString()).doesNotContain("555-0299").doesNotContain("5550299");
        JsonNode latest = conversions("action=1").get(0);
        assertThat(latest.get("call_id").asLong()).isEqualTo(matchedLater.get("call_id").asLong());
        assertThat(latest.get("conversion_value").decimalValue()).isEqualByComparingTo("300");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void phoneClicksConvertAndARuleChangeReevaluatesThePeriod(Database.Kind kind) throws IOException {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        origin = server.client().uri("/").toString().replaceAll("/$", "");
        String granted = "{\"ad_storage\":\"granted\",\"ad_user_data\":\"granted\"}";
        String number = visit("gclid=click-T", granted, false);
        String session = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT id FROM visit_session WHERE gclid = 'click-T'").mapTo(String.class).one());
        String event = "{\"type\":\"tel_click\",\"id\":\"" + UUID.randomUUID() + "\",\"property\":\"demo\",\"session\":\"" + session
                + "\",\"url\":\"" + origin + "/demo/\",\"number\":\"" + number + "\",\"at\":" + clock.millis() + "}";
        assertThat(server.post("/v1/events", event, "Content-Type", "text/plain").status()).isEqualTo(200);
        assertThat(server.server().awaitEventsLoaded(Duration.ofSeconds(10))).isTrue();
        JsonNode clicks = conversions("action=2");
        assertThat(clicks).hasSize(1);
        assertThat(clicks.get(0).get("click_id").asText()).isEqualTo("click-T");
        assertThat(clicks.get(0).get("event_id").isNull()).isFalse();

        server.simulateCall(number, "+15125550301", 75, true, TOKEN);
        server.simulateCall("+15125550110", "+15125550302", 200, true, TOKEN);
        assertThat(conversions("action=1")).hasSize(2);
        // a call attributed with less confidence than the action's bar waits; lowering the bar sends it
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"export_min_confidence\":0.999}").status()).isEqualTo(200);
        assertThat(export("google-ads-clicks", "")).hasSize(1); // the phone click (certain), not the call
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"export_min_confidence\":1.5}").status()).isEqualTo(422);
        server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"export_min_confidence\":0.9}");
        assertThat(export("google-ads-clicks", "")).hasSize(1); // now the call, from the same click-T

        // 90 s from now on: re-evaluating the day retracts the 75 s call's conversion and keeps the other
        assertThat(server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"min_talk_seconds\":90}").status()).isEqualTo(200);
        JsonNode result = server.api("POST", "/api/v1/conversion-actions/1/reevaluate", key,
                "{\"from\":\"2026-05-04T00:00:00Z\",\"to\":\"2026-05-05T00:00:00Z\"}").json();
        assertThat(result.get("evaluated").asInt()).isEqualTo(2);
        assertThat(result.get("retracted").asInt()).isEqualTo(1);
        assertThat(result.get("unchanged").asInt()).isEqualTo(1);
        assertThat(result.get("rule_version").asInt()).isEqualTo(4);
        List<CSVRecord> adjustments = export("google-ads-adjustments", "");
        assertThat(adjustments).hasSize(1);
        assertThat(adjustments.get(0).get(3)).isEqualTo("RETRACT");
        assertThat(adjustments.get(0).get(4)).isEmpty();

        // back to 60 s: the same period counts the call again, as a restatement under the newest rules
        server.api("PATCH", "/api/v1/conversion-actions/1", key, "{\"min_talk_seconds\":60}");
        clock.advance(Duration.ofHours(2)); // "to" defaults to now
        JsonNode again = server.api("POST", "/api/v1/conversion-actions/1/reevaluate", key,
                "{\"from\":\"2026-05-04T00:00:00Z\"}").json();
        assertThat(again.get("restated").asInt()).isEqualTo(1);
        assertThat(conversions("action=1").findValuesAsText("rule_version")).containsOnly("5", "1");
        assertThat(server.api("POST", "/api/v1/conversion-actions/1/reevaluate", key, "{\"from\":\"2026-05-05T00:00:00Z\","
                + "\"to\":\"2026-05-04T00:00:00Z\"}").status()).isEqualTo(422);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void csvOutcomesAreStoredWholeOrNotAtAllAndErrorsNameTheLine(Database.Kind kind) throws Exception {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        origin = server.client().uri("/").toString().replaceAll("/$", "");
        String number = visit("gclid=csv-1", "{\"ad_storage\":\"granted\"}", false);
        server.simulateCall(number, "+15125550501", 75, true, TOKEN);

        String broken = "external_id,click_id,phone,status,value,currency,occurred_at\r\n"
                + "crm-10,csv-1,,won,250.00,USD,2026-05-05T10:00:00Z\r\n"
                + "crm-11,,512 555 0502,won,abc,USD,2026-05-05T10:00:00Z\r\n";
        TestClient.Answer refused = server.send("POST", "/api/v1/outcomes/import?country=US", broken,
                "Authorization", "Bearer " + key, "Content-Type", "text/csv");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("field").asText()).isEqualTo("line 3: value");
        assertThat(server.api("GET", "/api/v1/outcomes", key, null).json()).isEmpty(); // the good line was not kept either
        assertThat(server.send("POST", "/api/v1/outcomes/import", "external_id,colour\r\nx,red\r\n",
                "Authorization", "Bearer " + key, "Content-Type", "text/csv").json().get("message").asText()).contains("colour");

        String good = broken.replace("won,abc", "qualified,");
        JsonNode stored = server.send("POST", "/api/v1/outcomes/import?country=US", good,
                "Authorization", "Bearer " + key, "Content-Type", "text/csv").json();
        assertThat(stored.get("created").asInt()).isEqualTo(2);
        assertThat(stored.get("matched").asInt()).isEqualTo(1);
        assertThat(stored.get("unmatched").asInt()).isEqualTo(1);
        assertThat(conversions("action=1").get(0).get("conversion_value").decimalValue()).isEqualByComparingTo("250");

        // the same file again changes nothing
        JsonNode again = server.send("POST", "/api/v1/outcomes/import?country=US", good,
                "Authorization", "Bearer " + key, "Content-Type", "text/csv").json();
        assertThat(again.get("unchanged").asInt()).isEqualTo(2);
        assertThat(server.api("POST", "/api/v1/outcomes", key, "{\"outcomes\":[{\"external_id\":\"x\",\"call_id\":999,"
                + "\"status\":\"won\",\"occurred_at\":\"2026-05-05T10:00:00Z\"}]}").json().get("field").asText())
                .isEqualTo("outcomes[0].call_id");
        assertThat(server.api("POST", "/api/v1/outcomes", key, "{\"outcomes\":[{\"external_id\":\"x\",\"call_id\":1,"
                + "\"phone\":\"+15125550501\",\"status\":\"won\",\"occurred_at\":\"2026-05-05T10:00:00Z\"}]}").status())
                .isEqualTo(422);

        if (kind == Database.Kind.POSTGRESQL) { // the command line shares the database (H2 here is in-memory)
            java.nio.file.Path file = java.nio.file.Files.createTempFile("outcomes", ".csv");
            java.nio.file.Files.writeString(file, "external_id,phone,status,value,currency,occurred_at\n"
                    + "crm-20,+15125550501,won,400.00,USD,2026-05-06T10:00:00Z\n");
            var target = server.target();
            int exit = new picocli.CommandLine(new io.calltrail.Calltrail()).execute("import-outcomes", "--data",
                    server.server().settings().dataDir().toString(), "--db-url", target.url(), "--db-user", target.user(),
                    "--db-password", target.password(), "--account", "2", file.toString());
            assertThat(exit).isZero();
            assertThat(conversions("action=1").get(0).get("conversion_value").decimalValue()).isEqualByComparingTo("400");
            java.nio.file.Files.delete(file);
        }
    }
}
