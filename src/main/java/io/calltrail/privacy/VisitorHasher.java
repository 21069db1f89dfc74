package io.calltrail.privacy;

import io.calltrail.store.SqlErrors;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Recognises a visitor who gave no storage consent within one day, storing nothing on the device:
 * HMAC-SHA256 under a daily secret salt of (property, IP, user agent). The IP is never stored, and
 * salts are deleted after 48 hours, after which no hash can be linked to anyone.
 */
public final class VisitorHasher {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;
    private final AtomicReference<DailySalt> current = new AtomicReference<>();

    private record DailySalt(LocalDate day, byte[] salt) {
    }

    public VisitorHasher(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public String hash(long propertyId, String ip, String userAgent) {
        DailySalt salt = saltOf(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.salt(), "HmacSHA256"));
            String material = propertyId + "\n" + ip + "\n" + (userAgent == null ? "" : userAgent);
            return HexFormat.of().formatHex(mac.doFinal(material.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always present", e);
        }
    }

    private DailySalt saltOf(LocalDate day) {
        DailySalt known = current.get();
        if (known != null && known.day().equals(day)) {
            return known;
        }
        DailySalt loaded = new DailySalt(day, HexFormat.of().parseHex(loadOrCreate(day)));
        current.set(loaded);
        return loaded;
    }

    /** Every instance must use the same salt for a day: the first to need it creates it, the rest read it. */
    private String loadOrCreate(LocalDate day) {
        for (int attempt = 0; attempt < 3; attempt++) {
            var stored = jdbi.withHandle(handle -> handle.createQuery("SELECT salt FROM visitor_salt WHERE salt_day = :day")
                    .bind("day", day).mapTo(String.class).findOne());
            if (stored.isPresent()) {
                return stored.get();
            }
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            try {
                jdbi.useHandle(handle -> handle.createUpdate(
                                "INSERT INTO visitor_salt (salt_day, salt, created_at) VALUES (:day, :salt, :now)")
                        .bind("day", day).bind("salt", HexFormat.of().formatHex(fresh)).bind("now", clock.instant())
                        .execute());
            } catch (RuntimeException e) {
                if (!SqlErrors.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("could not create the visitor salt for " + day);
    }

    /** Deletes salts older than 48 hours and unlinks session hashes made with them. Returns salts deleted. */
    public int purgeOldSalts() {
        Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("UPDATE visit_session SET visitor_hash = NULL WHERE visitor_hash IS NOT NULL AND started_at < :cutoff")
                    .bind("cutoff", now.minus(48, ChronoUnit.HOURS)).execute();
            return handle.createUpdate("DELETE FROM visitor_salt WHERE created_at < :cutoff")
                    .bind("cutoff", now.minus(48, ChronoUnit.HOURS)).execute();
        });
    }
}
