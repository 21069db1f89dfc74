package io.calltrail.web;

import io.calltrail.account.ApiKeySecrets;
import java.security.SecureRandom;
import java.util.Base64;

/** 256-bit random tokens for cookies, links and forms; only their SHA-256 is ever stored. */
final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        return ApiKeySecrets.hash(token);
    }

    /** Compares in time that does not depend on where the strings differ. */
    static boolean same(String a, String b) {
        return a != null && b != null && java.security.MessageDigest.isEqual(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
