package io.calltrail.conversion.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final String SECRET = "whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"call.completed\",\"data\":{\"talk_seconds\":75}}";
    private static final Instant NOW = Instant.parse("2026-05-04T15:00:00Z");
    private static final Duration TOLERANCE = WebhookSignature.RECOMMENDED_TOLERANCE;

    /** The documented formula, computed here without the class under test. */
    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theHeaderIsTheTimestampAndTheHmacOfTimestampDotBody() throws Exception {
        long t = NOW.getEpochSecond();
        assertThat(WebhookSignature.header(SECRET, t, BODY)).isEqualTo("t=" + t + ",v1=" + hmac(SECRET, t + "." + BODY));
    }

    @Test
    void onlyTheSameBodyUnderTheSameSecretWithinTheToleranceVerifies() {
        long t = NOW.getEpochSecond();
        String header = WebhookSignature.header(SECRET, t, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW, TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW.plus(TOLERANCE), TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW.minus(TOLERANCE), TOLERANCE)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW.plus(TOLERANCE).plusSeconds(1), TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW.minus(TOLERANCE).minusSeconds(1), TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY.replace("75", "76"), NOW, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY + "\n", NOW, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET + "x", header, BODY, NOW, TOLERANCE)).isFalse();
        // a new timestamp on an old signature does not pass
        assertThat(WebhookSignature.verify(SECRET, header.replace("t=" + t, "t=" + (t + 1)), BODY, NOW, TOLERANCE)).isFalse();
    }

    @Test
    void anyV1MayMatchAndMalformedHeadersAreSimplyFalse() {
        long t = NOW.getEpochSecond();
        String good = WebhookSignature.sign(SECRET, t, BODY);
        assertThat(WebhookSignature.verify(SECRET, "t=" + t + ",v1=" + "0".repeat(64) + ", v1=" + good, BODY, NOW, TOLERANCE)).isTrue();
        for (String header : new String[] {"", "garbage", "t=" + t, "v1=" + good, "t=soon,v1=" + good, "t=-1,v1=" + good,
                "t=" + t + ",v0=" + good, "t=" + t + ",v1=" + good.toUpperCase()}) {
            assertThat(WebhookSignature.verify(SECRET, header, BODY, NOW, TOLERANCE)).as(header).isFalse();
        }
        assertThat(WebhookSignature.verify(SECRET, null, BODY, NOW, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(null, "t=" + t + ",v1=" + good, BODY, NOW, TOLERANCE)).isFalse();
    }

    @Test
    void secretsAreWhsecAndTwoHundredFiftySixRandomBits() {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
    }
}
