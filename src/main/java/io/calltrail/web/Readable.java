package io.calltrail.web;

import io.calltrail.phone.PhoneNumber;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write times, numbers, durations and money: the way people say them, in the property's time zone. */
public final class Readable {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ENGLISH);

    private Readable() {
    }

    /** {@code Mon 4 May 2026, 10:01}. */
    public static String dateTime(Instant instant, ZoneId zone) {
        return instant == null ? "" : DATE_TIME.format(instant.atZone(zone));
    }

    /** {@code Mon 4 May 2026}. */
    public static String date(Instant instant, ZoneId zone) {
        return instant == null ? "" : DATE.format(instant.atZone(zone));
    }

    /** {@code 10:01}, or {@code Mon 4 May 2026, 10:01} when the instant is on another day than {@code sameDayAs}. */
    public static String time(Instant instant, Instant sameDayAs, ZoneId zone) {
        if (instant == null) {
            return "";
        }
        ZonedDateTime at = instant.atZone(zone);
        LocalDate day = sameDayAs == null ? null : sameDayAs.atZone(zone).toLocalDate();
        return at.toLocalDate().equals(day) ? TIME.format(at) : DATE_TIME.format(at);
    }

    /** {@code 10:01:07}: for a timeline, where seconds tell the order. */
    public static String timeWithSeconds(Instant instant, ZoneId zone) {
        return instant == null ? "" : TIME_SECONDS.format(instant.atZone(zone));
    }

    /** The machine-readable time of a {@code <time datetime>}. */
    public static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    /** {@code +1 512-555-0101}; what cannot be parsed is shown as it is. */
    public static String phone(String e164) {
        if (e164 == null) {
            return "";
        }
        try {
            return new PhoneNumber(e164).international();
        } catch (RuntimeException e) {
            return e164;
        }
    }

    /** {@code 45 s}, {@code 1 min 15 s}, {@code 1 h 2 min}. */
    public static String duration(Integer seconds) {
        if (seconds == null) {
            return "";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
    }

    /** {@code USD 120.00}; empty without a value. */
    public static String money(BigDecimal value, String currency) {
        if (value == null) {
            return "";
        }
        return (currency == null ? "" : currency + " ") + value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
