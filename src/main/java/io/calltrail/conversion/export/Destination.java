package io.calltrail.conversion.export;

import java.util.Arrays;
import java.util.Optional;

/** Where conversions go. File destinations are CSV uploads; the others are sent over HTTP through the outbox. */
public enum Destination {
    GOOGLE_ADS_CLICKS("google-ads-clicks", Kind.NEW, true),
    GOOGLE_ADS_ADJUSTMENTS("google-ads-adjustments", Kind.RESTATEMENTS, true),
    GOOGLE_ADS_CALLS("google-ads-calls", Kind.NEW, true),
    GOOGLE_ENHANCED_LEADS("google-enhanced-leads", Kind.NEW, true),
    MICROSOFT_ADS("microsoft-ads", Kind.NEW, true),
    GOOGLE_DATA_MANAGER("google-data-manager", Kind.NEW, false),
    GA4("ga4", Kind.NEW, false);

    /** NEW destinations take each conversion once; RESTATEMENTS take every later value of what NEW sent. */
    public enum Kind { NEW, RESTATEMENTS }

    private final String wire;
    private final Kind kind;
    private final boolean file;

    Destination(String wire, Kind kind, boolean file) {
        this.wire = wire;
        this.kind = kind;
        this.file = file;
    }

    public Kind kind() {
        return kind;
    }

    /** True for CSV files; false for destinations sent over HTTP. */
    public boolean file() {
        return file;
    }

    public static Optional<Destination> of(String wire) {
        return Arrays.stream(values()).filter(destination -> destination.wire.equals(wire)).findFirst();
    }

    @Override
    public String toString() {
        return wire;
    }
}
