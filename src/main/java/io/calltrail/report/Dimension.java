package io.calltrail.report;

import io.calltrail.tracking.SourceName;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a report groups by. A call that could not be attributed is {@value #NOT_ATTRIBUTABLE} in every dimension, so
 * each report shows how much of the traffic tracking could not place.
 */
public enum Dimension {
    SOURCE, MEDIUM, CAMPAIGN, KEYWORD, LANDING_PAGE, REFERRER;

    public static final String NOT_ATTRIBUTABLE = "(not attributable)";
    public static final String NOT_SET = "(not set)";
    public static final String NO_REFERRER = "(none)";

    /** The dimension's name in URLs, JSON and CSV: {@code source}, ..., {@code landing_page}, {@code referrer}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }

    public static Optional<Dimension> of(String wire) {
        return Arrays.stream(values()).filter(dimension -> dimension.wire().equals(wire)).findFirst();
    }

    /** The row an origin counts in. Sources follow {@link SourceName}, as conversion actions' source filters do. */
    public String valueOf(Origin origin) {
        if (!origin.attributable()) {
            return NOT_ATTRIBUTABLE;
        }
        return switch (this) {
            case SOURCE -> SourceName.orDirect(SourceName.of(origin.staticSource(), origin.utmSource(), origin.referrerDomain()));
            case MEDIUM -> orNotSet(origin.utmMedium());
            case CAMPAIGN -> orNotSet(origin.utmCampaign());
            case KEYWORD -> orNotSet(origin.utmTerm());
            case LANDING_PAGE -> orNotSet(origin.landingPage());
            case REFERRER -> origin.referrerDomain() == null ? NO_REFERRER : origin.referrerDomain();
        };
    }

    private static String orNotSet(String value) {
        return value == null || value.isEmpty() ? NOT_SET : value;
    }
}
