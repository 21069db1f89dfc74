package io.calltrail.tracking;

import io.calltrail.app.Json;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.property.Property;
import io.calltrail.property.TargetNumber;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** The browser snippet of one property: the script with the property's settings baked in, rendered once. */
public final class Snippet {
    private static final String TEMPLATE = compact(read("/snippet/calltrail.js"));
    private static final String PLACEHOLDER = "/*CONFIG*/{}";

    private Snippet() {
    }

    /** The script as served: plain and gzip bytes, and an ETag that changes with the content. */
    public record Rendered(byte[] plain, byte[] gzip, String etag) {
    }

    public static Rendered render(Snapshot snapshot, String publicBaseUrl) {
        Property property = snapshot.property();
        List<Map<String, String>> targets = new ArrayList<>();
        for (TargetNumber target : snapshot.targets()) {
            PhoneNumber number = new PhoneNumber(target.e164());
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("e", number.e164());
            entry.put("c", number.countryCode());
            entry.put("p", number.nationalPrefix());
            targets.add(entry);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("k", property.publicKey());
        config.put("b", publicBaseUrl);
        config.put("m", property.consentMode().toString());
        config.put("a", property.antiFlicker());
        config.put("t", targets);
        // The settings land inside a script: keep "</script>" and friends from ever closing it.
        String json = Json.write(config).replace("<", "\\u003c").replace(">", "\\u003e");
        byte[] plain = TEMPLATE.replace(PLACEHOLDER, json).getBytes(StandardCharsets.UTF_8);
        return new Rendered(plain, gzip(plain), "\"" + sha256(plain).substring(0, 32) + "\"");
    }

    /** Drops comments and indentation: a smaller script without a minifier (and without a Node build). */
    static String compact(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (String line : source.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("// ") || (trimmed.startsWith("/* ") && trimmed.endsWith("*/"))) {
                continue;
            }
            int comment = trimmed.indexOf(" // ");
            if (comment > 0 && !trimmed.substring(0, comment).contains("'") && !trimmed.substring(0, comment).contains("/^")) {
                trimmed = trimmed.substring(0, comment);
            }
            out.append(trimmed).append('\n');
        }
        return out.toString();
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Snippet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource + " in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
