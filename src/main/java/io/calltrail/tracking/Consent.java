package io.calltrail.tracking;

/** The visitor's consent state as the page reported it (Google consent mode names): granted, denied or unknown. */
public record Consent(String adStorage, String analyticsStorage, String adUserData, String adPersonalization) {
    public static final Consent UNKNOWN = new Consent(null, null, null, null);

    /** Storage consent lets the browser keep a visitor id, so later visits can be linked (first touch). */
    public boolean allowsStorage() {
        return "granted".equals(adStorage) || "granted".equals(analyticsStorage);
    }
}
