package io.calltrail.conversion;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A rule that makes a call a conversion: how long it must last, whether it must be answered or be a
 * first call, which attributions count, and whether to count every call or one per click or session.
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
        Instant updatedAt) {

    /** Google Ads counts a call as a conversion at 60 seconds by default. */
    public static final int DEFAULT_MIN_TALK_SECONDS = 60;

    public enum Kind {
        CALL, TEL_CLICK;

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
