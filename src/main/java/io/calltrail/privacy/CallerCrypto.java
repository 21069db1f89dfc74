package io.calltrail.privacy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.mac.MacConfig;
import io.calltrail.phone.PhoneNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Caller numbers as personal data: stored encrypted (AES-256-GCM through Tink, bound to the account)
 * plus an HMAC-SHA256 under a secret key for finding repeat callers, never in plain text nor as a
 * bare SHA-256 (which anyone could reverse by trying every number). Keys live in two keyset files,
 * created on first use with owner-only permissions; every instance must use the same files.
 */
public final class CallerCrypto {
    /** Associated-data purpose of caller numbers: a sealed number only opens as a caller of its account. */
    private static final String CALLER = "calltrail-caller";

    private final Aead aead;
    private final Mac mac;

    private CallerCrypto(Aead aead, Mac mac) {
        this.aead = aead;
        this.mac = mac;
    }

    public static CallerCrypto open(Path keysDir) {
        try {
            AeadConfig.register();
            MacConfig.register();
            Files.createDirectories(keysDir);
            KeysetHandle aeadKeys = keyset(keysDir.resolve("caller-aead.json"), "AES256_GCM");
            KeysetHandle macKeys = keyset(keysDir.resolve("caller-mac.json"), "HMAC_SHA256_256BITTAG_RAW");
            return new CallerCrypto(aeadKeys.getPrimitive(RegistryConfiguration.get(), Aead.class),
                    macKeys.getPrimitive(RegistryConfiguration.get(), Mac.class));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the caller keys in " + keysDir, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the caller keys in " + keysDir, e);
        }
    }

    private static KeysetHandle keyset(Path file, String template) throws GeneralSecurityException, IOException {
        if (Files.exists(file)) {
            return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
        }
        KeysetHandle fresh = KeysetHandle.generateNew(KeyTemplates.get(template));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, TinkJsonProtoKeysetFormat.serializeKeyset(fresh, InsecureSecretKeyAccess.get()),
                StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        try {
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            Files.deleteIfExists(temporary);
        }
        return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
    }

    public String encrypt(long accountId, PhoneNumber caller) {
        return seal(accountId, CALLER, caller.e164());
    }

    public PhoneNumber decrypt(long accountId, String sealed) {
        return new PhoneNumber(unseal(accountId, CALLER, sealed));
    }

    /** Seals a secret (a caller number, a provider auth token) for storage, bound to its account and purpose. */
    public String seal(long accountId, String purpose, String secret) {
        try {
            return Base64.getEncoder().encodeToString(aead.encrypt(secret.getBytes(StandardCharsets.UTF_8),
                    (purpose + ":" + accountId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    public String unseal(long accountId, String purpose, String sealed) {
        try {
            return new String(aead.decrypt(Base64.getDecoder().decode(sealed), (purpose + ":" + accountId).getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open a sealed secret (wrong account or keys)", e);
        }
    }

    /** The keyed hash that finds the same caller again; the same for every account, as erasure needs. */
    public String hash(PhoneNumber caller) {
        try {
            return HexFormat.of().formatHex(mac.computeMac(caller.e164().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a caller number", e);
        }
    }

    /** A stable keyed id for a piece of text (a call-log line), revealing nothing of its content. */
    public String keyedId(String text) {
        try {
            return HexFormat.of().formatHex(mac.computeMac(("id:" + text).getBytes(StandardCharsets.UTF_8))).substring(0, 40);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive an id", e);
        }
    }

    /** {@code +1 512-***-**00}: enough to recognise, not enough to call. */
    public static String mask(PhoneNumber caller) {
        String international = caller.international();
        int space = international.indexOf(' ');
        String country = international.substring(0, space);
        String national = international.substring(space + 1);
        StringBuilder masked = new StringBuilder(country).append(' ');
        int digits = (int) national.chars().filter(Character::isDigit).count();
        int seen = 0;
        for (char c : national.toCharArray()) {
            if (Character.isDigit(c)) {
                seen++;
                masked.append(seen <= 3 || seen > digits - 2 ? c : '*');
            } else {
                masked.append(c == ' ' ? '-' : c);
            }
        }
        return masked.toString();
    }

}
