package io.calltrail.account;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.Optional;

/**
 * Password hashing with Argon2id (19 MiB, 2 passes, 1 lane: the OWASP minimum), stored as PHC strings so that
 * stronger parameters later still verify older hashes.
 */
public final class Passwords {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 200;
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID, 19);
    // Verified against when no user has the given email, so that an unknown email costs as much as a wrong password.
    private static final String DECOY = hash("decoy password that matches nothing");

    private Passwords() {
    }

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    public static boolean matches(String password, String storedHash) {
        if (storedHash == null) {
            Password.check(password, DECOY).with(ARGON2ID);
            return false;
        }
        return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
    }

    /** Why this password may not be chosen, if it may not. */
    public static Optional<String> weakness(String password, String email) {
        if (password == null || password.length() < MIN_LENGTH) {
            return Optional.of("use at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("use at most " + MAX_LENGTH + " characters");
        }
        if (password.strip().equalsIgnoreCase(email)) {
            return Optional.of("the password must not be your email");
        }
        if (password.chars().distinct().count() < 4) {
            return Optional.of("use more than three different characters");
        }
        return Optional.empty();
    }
}
