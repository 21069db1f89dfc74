package io.calltrail.report;

/**
 * Where a session, a phone-link click, a call or a conversion came from, as reports group them: the visit's utm
 * values, referrer and landing page (without query string), the static number's source, and whether a call could be
 * attributed at all.
 */
public record Origin(boolean attributable, String staticSource, String utmSource, String referrerDomain, String utmMedium,
                     String utmCampaign, String utmTerm, String landingPage) {
}
