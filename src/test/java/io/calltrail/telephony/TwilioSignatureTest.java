package io.calltrail.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {

    private static Map<String, List<String>> form(String encoded) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            String[] kv = pair.split("=", 2);
            parameters.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @Test
    void twiliosPublishedExamplePasses() throws Exception {
        Path vectors = Path.of("../shared/fixtures/twilio-signature.tsv");
        assumeTrue(Files.isRegularFile(vectors), "skipped: the shared test vectors are not present");
        List<String> lines = Files.readAllLines(vectors, StandardCharsets.UTF_8);
        assertThat(lines).hasSizeGreaterThan(1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            Map<String, List<String>> parameters = form(cells[2]);
            assertThat(TwilioSignature.sign(cells[0], cells[1], parameters)).isEqualTo(cells[3]);
            assertThat(TwilioSignature.valid(cells[0], cells[1], parameters, cells[3])).isTrue();
        }
    }

    @Test
    void anyChangeBreaksTheSignature() {
        Map<String, List<String>> parameters = form("CallSid=CA1&From=%2B14158675310&To=%2B18005551212");
        String url = "https://calls.example.com/telephony/twilio/voice";
        String signature = TwilioSignature.sign("token", url, parameters);
        assertThat(TwilioSignature.valid("token", url, parameters, signature)).isTrue();
        assertThat(TwilioSignature.valid("token", url + "x", parameters, signature)).isFalse();
        assertThat(TwilioSignature.valid("other", url, parameters, signature)).isFalse();
        assertThat(TwilioSignature.valid("token", url, form("CallSid=CA1&From=%2B14158675311&To=%2B18005551212"), signature)).isFalse();
        assertThat(TwilioSignature.valid("token", url, parameters, null)).isFalse();
        assertThat(TwilioSignature.valid("token", url, parameters, "")).isFalse();
        // Twilio may sign an https URL with the default port written out
        String withPort = TwilioSignature.sign("token", "https://calls.example.com:443/telephony/twilio/voice", parameters);
        assertThat(TwilioSignature.valid("token", url, parameters, withPort)).isTrue();
    }
}
