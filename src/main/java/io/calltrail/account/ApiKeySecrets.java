package io.calltrail.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes and hashes API key secrets. Keys carry 256 random bits, so a plain SHA-256 of the key is a
 * safe stored form (nothing to guess), and lookups stay one indexed equality.
 */
public final class ApiKeySecrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "ct_";

    private ApiKeySecrets() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The first characters, enough to recognise a key in a listing, never enough to use it. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(secret.length(), 10));
    }
}
