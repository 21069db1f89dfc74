package io.calltrail.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Objects;
import java.util.Optional;

/**
 * A phone number in E.164 form. Parsed once, at the edge, with libphonenumber; travels as E.164.
 */
public record PhoneNumber(String e164) {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    public PhoneNumber {
        Objects.requireNonNull(e164, "e164");
        if (!e164.matches("\\+[1-9][0-9]{6,14}")) {
            throw new IllegalArgumentException("not an E.164 number: " + e164);
        }
    }

    /**
     * Parses a number as written (any punctuation, {@code tel:} prefix, national or international form),
     * using {@code defaultCountry} (ISO 3166 alpha-2) for national forms. Empty when it is not a valid number.
     */
    public static Optional<PhoneNumber> parse(String raw, String defaultCountry) {
        if (raw == null || raw.isBlank() || raw.length() > 64) {
            return Optional.empty();
        }
        String text = raw.strip();
        if (text.regionMatches(true, 0, "tel:", 0, 4)) {
            text = text.substring(4);
        }
        text = text.replace("%20", " ").replace("%2B", "+").replace("%2b", "+");
        try {
            Phonenumber.PhoneNumber parsed = UTIL.parse(text, defaultCountry);
            if (!UTIL.isValidNumber(parsed)) {
                return Optional.empty();
            }
            return Optional.of(new PhoneNumber(UTIL.format(parsed, PhoneNumberFormat.E164)));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    public static boolean isSupportedCountry(String country) {
        return country != null && UTIL.getSupportedRegions().contains(country);
    }

    /** The country calling code, e.g. {@code 1} or {@code 44}. */
    public String countryCode() {
        return Integer.toString(parsed().getCountryCode());
    }

    /** The national (trunk) prefix dialled before national numbers in this number's country, or empty. */
    public String nationalPrefix() {
        String region = UTIL.getRegionCodeForNumber(parsed());
        String prefix = region == null ? null : UTIL.getNddPrefixForRegion(region, true);
        return prefix == null ? "" : prefix;
    }

    private Phonenumber.PhoneNumber parsed() {
        try {
            return UTIL.parse(e164, null);
        } catch (NumberParseException e) {
            throw new IllegalStateException("E.164 number did not parse: " + e164, e);
        }
    }

    /** The national format of the number's own country, e.g. {@code (512) 555-0100}. */
    public String national() {
        return format(PhoneNumberFormat.NATIONAL);
    }

    public String international() {
        return format(PhoneNumberFormat.INTERNATIONAL);
    }

    private String format(PhoneNumberFormat style) {
        return UTIL.format(parsed(), style);
    }

    /** The E.164 form, plus sign included, as lower-case SHA-256 hex: how enhanced conversions send a number. */
    public String sha256() {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(e164.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return e164;
    }
}
