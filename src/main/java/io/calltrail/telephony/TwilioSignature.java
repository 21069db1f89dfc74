package io.calltrail.telephony;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature (SignalWire uses the same): base64 of HMAC-SHA1, keyed with the auth
 * token, over the full URL followed by every POST parameter name and value, sorted by name.
 */
public final class TwilioSignature {
    private TwilioSignature() {
    }

    public static String sign(String authToken, String url, Map<String, List<String>> parameters) {
        StringBuilder data = new StringBuilder(url);
        for (Map.Entry<String, List<String>> parameter : new TreeMap<>(parameters).entrySet()) {
            List<String> values = new ArrayList<>(parameter.getValue());
            values.sort(null);
            for (String value : values) {
                data.append(parameter.getKey()).append(value);
            }
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is always present", e);
        }
    }

    /**
     * True when {@code signature} matches the URL as configured, or with the port added or removed the
     * way Twilio may have signed an HTTPS URL. Compared in constant time.
     */
    public static boolean valid(String authToken, String url, Map<String, List<String>> parameters, String signature) {
        if (signature == null || signature.isBlank() || authToken == null || authToken.isEmpty()) {
            return false;
        }
        byte[] given = signature.strip().getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String candidate : variants(url)) {
            byte[] expected = sign(authToken, candidate, parameters).getBytes(StandardCharsets.US_ASCII);
            match |= MessageDigest.isEqual(expected, given);
        }
        return match;
    }

    static List<String> variants(String url) {
        List<String> variants = new ArrayList<>(List.of(url));
        URI uri = URI.create(url);
        if ("https".equals(uri.getScheme())) {
            String rest = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            variants.add(uri.getPort() == -1 ? "https://" + uri.getHost() + ":443" + rest : "https://" + uri.getHost() + rest);
        }
        return variants;
    }
}
