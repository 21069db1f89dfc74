package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Call recording per tracking number: off by default; when on, the announcement comes first and the forwarded call
 * is recorded; only the provider's recording reference is kept, from signed callbacks; every switch is audited.
 */
class RecordingTest {
    private static final String TOKEN = "recording-test-token-0123456789";
    private static final String YELP = "+15125550110";
    private static final String CALLER = "+15125550199";

    private TestServer server;
    private String key;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The elements directly under {@code <Response>}. */
    private static List<Element> verbs(String twiml) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element response = factory.newDocumentBuilder().parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        assertThat(response.getTagName()).isEqualTo("Response");
        List<Element> verbs = new ArrayList<>();
        for (Node node = response.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                verbs.add(element);
            }
        }
        return verbs;
    }

    @Test
    void withoutRecordingTheCallIsForwardedWithoutAnnouncementOrRecording() throws Exception {
        List<Element> verbs = verbs(Twiml.dial("+15125550100", "https://calls.example.com/telephony/twilio/dial-status?n=3",
                "https://calls.example.com/telephony/twilio/call-status?n=3", 30, null, null, null));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Dial");
        Element dial = verbs.get(0);
        for (String attribute : List.of("record", "recordingStatusCallback", "recordingStatusCallbackEvent")) {
            assertThat(dial.hasAttribute(attribute)).as(attribute).isFalse();
        }
        assertThat(dial.getElementsByTagName("Number").item(0).getTextContent()).isEqualTo("+15125550100");
    }

    @Test
    void withRecordingTheAnnouncementComesFirstThenTheForwardedCallIsRecorded() throws Exception {
        String callback = "https://calls.example.com/telephony/twilio/recording-status?n=3";
        List<Element> verbs = verbs(Twiml.dial("+15125550100", "https://calls.example.com/telephony/twilio/dial-status?n=3",
                "https://calls.example.com/telephony/twilio/call-status?n=3", 30, null, null,
                new Twiml.Recording("Calls to Hill & Co. <may> be recorded.", callback)));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Dial");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("Calls to Hill & Co. <may> be recorded.");
        Element dial = verbs.get(1);
        assertThat(dial.getAttribute("record")).isEqualTo("record-from-answer-dual");
        assertThat(dial.getAttribute("recordingStatusCallback")).isEqualTo(callback);
        assertThat(dial.getAttribute("recordingStatusCallbackMethod")).isEqualTo("POST");
        assertThat(dial.getAttribute("recordingStatusCallbackEvent")).isEqualTo("completed");
        assertThat(dial.getAttribute("answerOnBridge")).isEqualTo("true");
        assertThat(dial.getElementsByTagName("Number").item(0).getTextContent()).isEqualTo("+15125550100");
    }

    @Test
    void callFactsSpooledBeforeRecordingsExistedStillLoad() throws Exception {
        String old = "{\"start\":null,\"status\":{\"provider\":\"twilio\",\"sid\":\"CA1\",\"account\":2,\"event\":\"dial:completed\","
                + "\"status\":\"completed\",\"duration_seconds\":75,\"at_millis\":1777906800000}}";
        CallRecorder.Fact fact = Json.MAPPER.readValue(old, CallRecorder.Fact.class);
        assertThat(fact.status().sid()).isEqualTo("CA1");
        assertThat(fact.recording()).isNull();
    }

    private String post(String path, Map<String, String> form, boolean signed) {
        String url = server.client().uri(path).toString();
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        form.forEach((name, value) -> parameters.put(name, List.of(value)));
        TestClient.Answer answer = signed
                ? server.send("POST", path, body.toString(), "Content-Type", "application/x-www-form-urlencoded",
                        "X-Twilio-Signature", TwilioSignature.sign(TOKEN, url, parameters))
                : server.send("POST", path, body.toString(), "Content-Type", "application/x-www-form-urlencoded");
        return answer.status() + " " + answer.body();
    }

    private String voice(String sid) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", sid);
        form.put("AccountSid", "ACx");
        form.put("From", CALLER);
        form.put("To", YELP);
        form.put("CallStatus", "ringing");
        String answer = post("/telephony/twilio/voice", form, true);
        assertThat(answer).startsWith("200 ");
        return answer.substring(4);
    }

    private Map<String, String> recording(String sid, String recordingSid, String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", "ACx");
        form.put("CallSid", sid);
        form.put("RecordingSid", recordingSid);
        form.put("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/ACx/Recordings/" + recordingSid);
        form.put("RecordingStatus", status);
        form.put("RecordingDuration", "75");
        form.put("RecordingChannels", "2");
        return form;
    }

    private JsonNode call(String sid) {
        assertThat(server.server().awaitCallsLoaded(Duration.ofSeconds(10))).isTrue();
        for (JsonNode call : server.api("GET", "/api/v1/calls", key, null).json()) {
            if (call.get("provider_call_id").asText().equals(sid)) {
                return server.api("GET", "/api/v1/calls/" + call.get("id").asLong(), key, null).json();
            }
        }
        throw new AssertionError("no call " + sid);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void recordingIsOffByDefaultAnnouncedWhenOnAuditedAndKeepsOnlyTheProvidersReference(Database.Kind kind) throws Exception {
        server = TestServer.start(kind, MutableClock.at("2026-05-04T15:00:00Z"), Map.of("demo", "true", "demo.authToken", TOKEN));
        key = server.demoKey();
        long yelp = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM tracking_number WHERE e164 = :e")
                .bind("e", YELP).mapTo(Long.class).one());
        JsonNode number = server.api("GET", "/api/v1/tracking-numbers/" + yelp, key, null).json();
        assertThat(number.get("record_calls").asBoolean()).isFalse();
        assertThat(number.get("recording_announcement").asText()).isEqualTo("This call may be recorded for quality and training purposes.");
        assertThat(verbs(voice("CAplain"))).extracting(Element::getTagName).containsExactly("Dial");

        assertThat(server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, key, "{\"recording_announcement\":\"  \"}").status())
                .isEqualTo(422);
        TestClient.Answer on = server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, key,
                "{\"record_calls\":true,\"recording_announcement\":\"Calls to Hill Country Plumbing are recorded.\"}");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json().get("record_calls").asBoolean()).isTrue();

        List<Element> verbs = verbs(voice("CArecorded"));
        assertThat(verbs).extracting(Element::getTagName).containsExactly("Say", "Dial");
        assertThat(verbs.get(0).getTextContent()).isEqualTo("Calls to Hill Country Plumbing are recorded.");
        String callback = server.client().uri("/telephony/twilio/recording-status?n=" + yelp).toString();
        assertThat(verbs.get(1).getAttribute("record")).isEqualTo("record-from-answer-dual");
        assertThat(verbs.get(1).getAttribute("recordingStatusCallback")).isEqualTo(callback);
        assertThat(call("CArecorded").get("recording_ref").isNull()).isTrue();

        String path = "/telephony/twilio/recording-status?n=" + yelp;
        assertThat(post(path, recording("CArecorded", "REforged", "completed"), false)).startsWith("403 ");
        assertThat(post(path, recording("CArecorded", "RE0123456789abcdef", "completed"), true)).startsWith("204 ");
        assertThat(post(path, recording("CArecorded", "REabsent", "absent"), true)).startsWith("204 ");
        JsonNode recorded = call("CArecorded");
        assertThat(recorded.get("recording_ref").asText()).isEqualTo("RE0123456789abcdef");
        assertThat(recorded.get("recording_url").asText())
                .isEqualTo("https://api.twilio.com/2010-04-01/Accounts/ACx/Recordings/RE0123456789abcdef");
        assertThat(call("CAplain").get("recording_ref").isNull()).isTrue();
        // an unsigned callback changed nothing
        int overwritten = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM phone_call WHERE recording_ref = 'REforged' OR recording_ref = 'REabsent'")
                .mapTo(Integer.class).one());
        assertThat(overwritten).isZero();

        TestClient.Answer off = server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, key, "{\"record_calls\":false}");
        assertThat(off.status()).isEqualTo(200);
        assertThat(verbs(voice("CAoffagain"))).extracting(Element::getTagName).containsExactly("Dial");
        // a change of name alone is a setting, not a recording change
        assertThat(server.api("PATCH", "/api/v1/tracking-numbers/" + yelp, key, "{\"name\":\"Yelp\"}").status()).isEqualTo(200);

        JsonNode changes = server.api("GET", "/api/v1/audit?action=recording.change", key, null).json();
        assertThat(changes).hasSize(2);
        JsonNode turnedOff = changes.get(0);
        JsonNode turnedOn = changes.get(1);
        assertThat(turnedOn.get("target_type").asText()).isEqualTo("tracking_number");
        assertThat(turnedOn.get("target_id").asText()).isEqualTo(Long.toString(yelp));
        assertThat(turnedOn.get("actor").asText()).endsWith("(demo key)");
        assertThat(turnedOn.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(turnedOn.get("details").get("record_calls").asBoolean()).isTrue();
        assertThat(turnedOn.get("details").get("was").asBoolean()).isFalse();
        assertThat(turnedOn.get("details").get("number").asText()).isEqualTo(YELP);
        assertThat(turnedOn.get("details").get("recording_announcement").asText()).isEqualTo("Calls to Hill Country Plumbing are recorded.");
        assertThat(turnedOff.get("details").get("record_calls").asBoolean()).isFalse();
        assertThat(turnedOff.get("details").get("was").asBoolean()).isTrue();
        assertThat(server.api("GET", "/api/v1/audit?action=settings.change", key, null).json()).hasSize(3);
    }
}
