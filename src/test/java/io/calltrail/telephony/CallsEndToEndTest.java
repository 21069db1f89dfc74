package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestDatabases;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** Calls over real HTTP, signed as Twilio signs them, on H2 and PostgreSQL. */
class CallsEndToEndTest {
    private static final String TOKEN = "test-auth-token-0123456789";
    private static final String CALLER = "+15125550199";
    private static final String YELP = "+15125550110";

    private TestServer server;
    private MutableClock clock;
    private String demoKey;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) throws Exception {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, Map.of("demo", "true", "demo.authToken", TOKEN));
        demoKey = Files.readString(server.server().settings().dataDir().resolve("demo-api-key")).strip();
    }

    private String simulate(String to, String... extra) {
        List<String> arguments = new ArrayList<>(List.of("--to", to, "--from", CALLER, "--auth-token", TOKEN,
                "--base-url", server.client().uri("/").toString().replaceAll("/$", "")));
        arguments.addAll(List.of(extra));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new SimulateCall()).execute(arguments.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
        return output.toString(StandardCharsets.UTF_8);
    }

    private JsonNode calls() {
        return server.api("GET", "/api/v1/calls", demoKey, null).json();
    }

    private String openSession(String query) {
        String origin = server.client().uri("/").toString().replaceAll("/$", "");
        JsonNode opened = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + "/demo/" + query
                + "\",\"consent\":{\"ad_storage\":\"granted\",\"analytics_storage\":\"granted\"}}").json();
        return opened.get("numbers").get(0).get("tracking").asText();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void callsAreForwardedAndAttributedByLeaseLingerOrSource(Database.Kind kind) throws Exception {
        // every log line of the run, at every level, is kept to be scanned for caller numbers
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.calltrail");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        root.addAppender(lines);
        ch.qos.logback.classic.Level level = ours.getLevel();
        ours.setLevel(ch.qos.logback.classic.Level.TRACE);
        try {
            runEndToEnd(kind);
        } finally {
            ours.setLevel(level);
            root.detachAppender(lines);
        }
        assertThat(lines.list).isNotEmpty();
        for (ch.qos.logback.classic.spi.ILoggingEvent line : lines.list) {
            String text = line.getFormattedMessage() + (line.getThrowableProxy() == null ? "" : line.getThrowableProxy().getMessage());
            assertThat(text).doesNotContain("5125550199").doesNotContain("512-555-0199");
        }
    }

    private void runEndToEnd(Database.Kind kind) throws Exception {
        start(kind);
        String leased = openSession("?gclid=ad-click-1&utm_campaign=spring");
        String forwarded = simulate(leased);
        assertThat(forwarded).contains("<Dial answerOnBridge=\"true\"").contains(">+15125550100</Number>")
                .contains("statusCallbackEvent=\"initiated ringing answered completed\"").doesNotContain("record");
        JsonNode call = calls().get(0);
        assertThat(call.get("attribution").asText()).isEqualTo("lease");
        assertThat(call.get("confidence").asDouble()).isEqualTo(0.965);
        assertThat(call.get("status").asText()).isEqualTo("completed");
        assertThat(call.get("talk_seconds").asInt()).isEqualTo(75);
        assertThat(call.get("first_time_caller").asBoolean()).isTrue();
        assertThat(call.get("caller_masked").asText()).isEqualTo("+1 512-***-**99");
        JsonNode journey = server.api("GET", "/api/v1/calls/" + call.get("id").asLong(), demoKey, null).json();
        assertThat(journey.get("session").get("gclid").asText()).isEqualTo("ad-click-1");
        assertThat(journey.get("session").get("landing_url").asText()).contains("/demo/?gclid=ad-click-1");

        clock.advance(Duration.ofMinutes(31)); // idle, still lingering
        simulate(leased);
        JsonNode lingering = calls().get(0);
        assertThat(lingering.get("attribution").asText()).isEqualTo("linger");
        assertThat(lingering.get("first_time_caller").asBoolean()).isFalse();
        assertThat(lingering.get("first_call_id").asLong()).isEqualTo(call.get("id").asLong());

        clock.advance(Duration.ofMinutes(31)); // past linger: nobody's number
        simulate(leased, "--answered", "false");
        JsonNode late = calls().get(0);
        assertThat(late.get("attribution").asText()).isEqualTo("none");
        assertThat(late.get("status").asText()).isEqualTo("no-answer");
        assertThat(late.get("talk_seconds").asInt()).isZero();

        simulate(YELP);
        JsonNode yelp = calls().get(0);
        assertThat(yelp.get("attribution").asText()).isEqualTo("static_source");
        assertThat(yelp.get("source_name").asText()).isEqualTo("Yelp listing");
        assertThat(server.api("GET", "/api/v1/calls?source=yelp%20listing", demoKey, null).json()).hasSize(1);
        assertThat(server.api("GET", "/api/v1/calls?attribution=none&status=no-answer", demoKey, null).json()).hasSize(1);
        assertThat(server.api("GET", "/api/v1/calls?from=2026-05-04T15:30:00Z", demoKey, null).json()).hasSize(3);
        assertThat(server.api("GET", "/api/v1/calls?to=2026-05-04T15:30:00Z", demoKey, null).json()).hasSize(1);

        // no full caller number anywhere: not in any column, not in any answer
        String everything = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM phone_call")
                .mapToMap().list().toString() + handle.createQuery("SELECT * FROM call_event").mapToMap().list());
        String answers = calls().toString() + server.api("GET", "/api/v1/calls/" + call.get("id").asLong(), demoKey, null).body();
        for (String text : List.of(everything, answers)) {
            assertThat(text).doesNotContain("5125550199").doesNotContain("512-555-0199").doesNotContain("(512) 555-0199");
        }
    }

    private TestClient.Answer voice(Map<String, String> form, String url, String signature) {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return signature == null
                ? server.post("/telephony/twilio/voice", body.toString(), "Content-Type", "application/x-www-form-urlencoded")
                : server.post("/telephony/twilio/voice", body.toString(), "Content-Type", "application/x-www-form-urlencoded",
                        "X-Twilio-Signature", signature);
    }

    private static String sign(String url, Map<String, String> form) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        form.forEach((name, value) -> parameters.put(name, List.of(value)));
        return TwilioSignature.sign(TOKEN, url, parameters);
    }

    private Map<String, String> callTo(String to, String sid) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", sid);
        form.put("AccountSid", "ACx");
        form.put("From", CALLER);
        form.put("To", to);
        form.put("CallStatus", "ringing");
        return form;
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void badSignaturesAre403AndWriteNothing(Database.Kind kind) throws Exception {
        start(kind);
        String url = server.client().uri("/telephony/twilio/voice").toString();
        Map<String, String> form = callTo(YELP, "CA1");
        String good = sign(url, form);
        Map<String, String> tampered = new LinkedHashMap<>(form);
        tampered.put("From", "+15125550198");
        assertThat(voice(tampered, url, good).status()).isEqualTo(403);
        assertThat(voice(form, url, sign(url + "?x=1", form)).status()).isEqualTo(403);
        assertThat(voice(form, url, null).status()).isEqualTo(403);
        assertThat(voice(form, url, "bm90IGEgc2lnbmF0dXJl").status()).isEqualTo(403);
        server.server().awaitCallsLoaded(Duration.ofSeconds(5));
        assertThat(calls()).isEmpty();
        // unknown numbers: a polite message, not an error
        TestClient.Answer unknown = voice(callTo("+15125550177", "CA2"), url, null);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body()).contains("<Say>").contains("not in service");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aConfiguredProviderAccountRefusesRequestsFromAnotherAndTokensAreNeverShown(Database.Kind kind) throws Exception {
        start(kind);
        String newToken = "rotated-token-abcdefghijklmnop";
        TestClient.Answer put = server.api("PUT", "/api/v1/provider-credentials/twilio", demoKey,
                "{\"auth_token\":\"" + newToken + "\",\"account_sid\":\"ACmine\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).doesNotContain(newToken);
        assertThat(server.api("GET", "/api/v1/provider-credentials", demoKey, null).body()).doesNotContain(newToken).contains("ACmine");
        String stored = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT auth_token_sealed FROM provider_credential").mapTo(String.class).one());
        assertThat(stored).doesNotContain(newToken);
        String url = server.client().uri("/telephony/twilio/voice").toString();
        Map<String, String> form = callTo(YELP, "CAforeign");
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        form.forEach((name, value) -> parameters.put(name, List.of(value)));
        assertThat(voice(form, url, TwilioSignature.sign(newToken, url, parameters)).status()).as("AccountSid ACx").isEqualTo(403);
        form.put("AccountSid", "ACmine");
        parameters.put("AccountSid", List.of("ACmine"));
        assertThat(voice(form, url, TwilioSignature.sign(newToken, url, parameters)).status()).isEqualTo(200);
        assertThat(voice(form, url, sign(url, form)).status()).as("the old token no longer signs").isEqualTo(403);
        assertThat(server.api("PUT", "/api/v1/provider-credentials/twilio", demoKey, "{\"auth_token\":\"short\"}").status()).isEqualTo(422);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void numbersCanWhisperTheirSourceAndShowThemselvesAsCallerId(Database.Kind kind) throws Exception {
        start(kind);
        String url = server.client().uri("/telephony/twilio/voice").toString();
        Map<String, String> form = callTo(YELP, "CAplain");
        String plain = voice(form, url, sign(url, form)).body();
        assertThat(plain).doesNotContain("callerId=").doesNotContain(" url=");

        long yelp = server.api("GET", "/api/v1/tracking-numbers", demoKey, null).json().findValues("e164").stream()
                .filter(e164 -> e164.asText().equals(YELP)).count() == 1
                ? server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM tracking_number WHERE e164 = :e")
                        .bind("e", YELP).mapTo(Long.class).one())
                : -1;
        TestClient.Answer patched = server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, demoKey,
                "{\"whisper\":\"Call from Yelp <listing>\",\"caller_id\":\"tracking\"}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        Map<String, String> second = callTo(YELP, "CAwhisper");
        String twiml = voice(second, url, sign(url, second)).body();
        assertThat(twiml).contains("callerId=\"+15125550110\"").contains(" url=\"" + server.client().uri("/").toString()
                .replaceAll("/$", "") + "/telephony/twilio/whisper?n=" + yelp + "\"");
        String whisperUrl = server.client().uri("/telephony/twilio/whisper?n=" + yelp).toString();
        Map<String, String> answered = callTo("+15125550100", "CAchild");
        StringBuilder body = new StringBuilder();
        answered.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        TestClient.Answer whisper = server.send("POST", "/telephony/twilio/whisper?n=" + yelp, body.toString(),
                "Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", sign(whisperUrl, answered));
        assertThat(whisper.status()).isEqualTo(200);
        assertThat(whisper.body()).contains("<Say>Call from Yelp &lt;listing&gt;</Say>");
        assertThat(server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, demoKey, "{\"caller_id\":\"business\"}").status()).isEqualTo(422);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void fiftyConcurrentRepeatsOfOneWebhookMakeOneCall(Database.Kind kind) throws Exception {
        start(kind);
        String url = server.client().uri("/telephony/twilio/voice").toString();
        Map<String, String> form = callTo(YELP, "CAduplicate");
        String signature = sign(url, form);
        var threads = Executors.newFixedThreadPool(16);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(threads.submit(() -> voice(form, url, signature).status()));
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }
        threads.shutdown();
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
        assertThat(calls()).hasSize(1);
    }

    @Test
    void callersAreConnectedWhileTheDatabaseIsDownAndRecordedWhenItIsBack() throws Exception {
        assumeTrue(System.getenv("CALLTRAIL_TEST_PG_CTL") != null || "true".equals(System.getenv("CI")),
                "skipped: needs the PostgreSQL server that .ci/run starts, to stop and restart it");
        start(Database.Kind.POSTGRESQL);
        String url = server.client().uri("/telephony/twilio/voice").toString();
        Map<String, String> form = callTo(YELP, "CAwhiledown");
        TestDatabases.postgres("stop");
        try {
            long began = System.nanoTime();
            TestClient.Answer answer = voice(form, url, sign(url, form));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            System.out.printf("voice webhook with the database down: HTTP %d in %d ms%n", answer.status(), millis);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).contains("<Number").contains(">+15125550100</Number>");
            assertThat(server.server().awaitCallsLoaded(Duration.ofMillis(500))).isFalse();
        } finally {
            TestDatabases.postgres("restart");
        }
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(30))).isTrue();
        JsonNode call = calls().get(0);
        assertThat(call.get("provider_call_id").asText()).isEqualTo("CAwhiledown");
        assertThat(call.get("attribution").asText()).isEqualTo("static_source");
    }
}
