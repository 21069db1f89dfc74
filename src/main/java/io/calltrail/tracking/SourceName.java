package io.calltrail.tracking;

/**
 * The name a visit's or a call's source goes by, for conversion actions' source filters and for reports: the static
 * number's source name, else the visit's utm_source, else its referrer's domain, else {@value #DIRECT}.
 */
public final class SourceName {
    public static final String DIRECT = "(direct)";

    private SourceName() {
    }

    /** The source's name, or null when nothing names one (the visit came direct, or there was no visit). */
    public static String of(String staticSource, String utmSource, String referrerDomain) {
        return staticSource != null ? staticSource : utmSource != null ? utmSource : referrerDomain;
    }

    /** The name as reports show it and as source filters match it. */
    public static String orDirect(String name) {
        return name == null ? DIRECT : name;
    }
}
