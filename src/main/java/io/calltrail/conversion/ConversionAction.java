package io.calltrail.conversion;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A rule that makes a call or a phone-link click a conversion: how long a call must last, whether it must
 * be answered or be a first call, which attributions and sources count, whether to count every one or one
 * per ad click or session, and where its value comes from.
 */
public record ConversionAction(
        long id,
        long accountId,
        long propertyId,
        String name,
        Kind kind,
        int minTalkSeconds,
        boolean answeredOnly,
        boolean firstTimeOnly,
        Set<String> attributionMethods,
        BigDecimal minConfidence,
        Counting counting,
        int clickWindowDays,
        BigDecimal value,
        String currency,
        int ruleVersion,
        Instant createdAt,
        Instant updatedAt,
        ValueSource valueSource,
        Set<String> outcomeStatuses,
        Set<String> sourcesIncluded,
        Set<String> sourcesExcluded,
        String googleConversionId,
        BigDecimal exportMinConfidence) {

    /** Conversions whose attribution is less trusted than this stay out of ad-platform exports. */
    public static final BigDecimal DEFAULT_EXPORT_MIN_CONFIDENCE = new BigDecimal("0.900");

    /** Google Ads counts a call as a conversion at 60 seconds by default. */
    public static final int DEFAULT_MIN_TALK_SECONDS = 60;

    /** A new call action with the defaults of Google Ads' call conversions. */
    public static ConversionAction defaults(long accountId, long propertyId, String currency, Instant now) {
        return new ConversionAction(0, accountId, propertyId, null, Kind.CALL, DEFAULT_MIN_TALK_SECONDS, true, false,
                Set.of("lease", "linger", "static_source"), BigDecimal.ZERO, Counting.EVERY, 30, null, currency, 1, now, now,
                ValueSource.FIXED, Set.of("qualified", "won"), Set.of(), Set.of(), null, DEFAULT_EXPORT_MIN_CONFIDENCE);
    }

    /** This action under another name, kind and value. */
    public ConversionAction named(String newName, Kind newKind, BigDecimal newValue) {
        return new ConversionAction(id, accountId, propertyId, newName, newKind, minTalkSeconds, answeredOnly, firstTimeOnly,
                attributionMethods, minConfidence, counting, clickWindowDays, newValue, currency, ruleVersion, createdAt, updatedAt,
                valueSource, outcomeStatuses, sourcesIncluded, sourcesExcluded, googleConversionId, exportMinConfidence);
    }

    public enum Kind {
        CALL, TEL_CLICK;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum ValueSource {
        /** The action's value; an outcome with a value restates it. */
        FIXED,
        /** Only an outcome with one of the action's statuses makes the conversion, worth the outcome's value. */
        OUTCOME;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Counting {
        /** One conversion per ad click (or per session without one). */
        ONE,
        /** Every qualifying call. */
        EVERY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
