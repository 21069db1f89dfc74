package io.calltrail.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An ordered rule: when all its conditions hold for a visit's touch, the visit is shown a pool number
 * or a static number in place of the rule's target number (or of every target when it names none).
 */
public record SourceRule(
        long id,
        long accountId,
        long propertyId,
        int ordinal,
        String name,
        List<Condition> conditions,
        Long targetNumberId,
        Action action,
        Long poolId,
        Long trackingNumberId,
        Instant createdAt) {

    public enum Action {
        /** Lease a number from the rule's pool. */
        POOL,
        /** Show the rule's static tracking number. */
        NUMBER,
        /** Show the business's own number (no tracking). */
        NONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean appliesTo(long targetId) {
        return targetNumberId == null || targetNumberId == targetId;
    }

    public boolean matches(Touch touch) {
        for (Condition condition : conditions) {
            if (!condition.matches(touch)) {
                return false;
            }
        }
        return true;
    }

    /** One test on a touch. {@code click_id} takes a click id name (gclid, ..., or any) as its value. */
    public record Condition(Field field, Operator operator, String value) {
        public enum Field {
            CLICK_ID, UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN, UTM_TERM, REFERRER_DOMAIN, LANDING_URL;

            @Override
            public String toString() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public enum Operator {
            PRESENT, EQUALS, CONTAINS;

            @Override
            public String toString() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public boolean matches(Touch touch) {
            if (field == Field.CLICK_ID) {
                return touch.hasClickId(value == null ? "any" : value);
            }
            String actual = switch (field) {
                case UTM_SOURCE -> touch.utmSource();
                case UTM_MEDIUM -> touch.utmMedium();
                case UTM_CAMPAIGN -> touch.utmCampaign();
                case UTM_TERM -> touch.utmTerm();
                case REFERRER_DOMAIN -> touch.referrerDomain();
                case LANDING_URL -> touch.landingUrl();
                case CLICK_ID -> throw new IllegalStateException("handled above");
            };
            if (actual == null) {
                return false;
            }
            String have = actual.toLowerCase(Locale.ROOT);
            String want = value == null ? "" : value.toLowerCase(Locale.ROOT);
            return switch (operator) {
                case PRESENT -> true;
                case CONTAINS -> have.contains(want);
                // a referrer domain equals google.com when it is google.com or one of its subdomains
                case EQUALS -> field == Field.REFERRER_DOMAIN ? have.equals(want) || have.endsWith("." + want) : have.equals(want);
            };
        }
    }
}
