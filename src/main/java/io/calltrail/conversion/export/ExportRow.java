package io.calltrail.conversion.export;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A conversion as the exports see it: its action, value, ad click, the call it came from (caller still sealed) and
 * the consent its visit gave; {@code hasSession} false for calls with no visit (static numbers, main lines);
 * {@code confidence} the attribution's (1 for a click on the page), {@code exportMinConfidence} its action's bar for ad platforms.
 */
public record ExportRow(long conversionId, long accountId, String actionName, String googleConversionId, Instant convertedAt,
                        BigDecimal value, String currency, int valueVersion, boolean retracted, Instant updatedAt,
                        String clickId, String clickIdType, Long callId, Instant callStartedAt, String callerSealed,
                        boolean hasSession, boolean gpc, String adUserData, String adPersonalization, String analyticsStorage,
                        String gaClientId, double confidence, double exportMinConfidence) {

    /** Deterministic, unique per conversion, and free of personal data. */
    public String orderId() {
        return "ct-" + conversionId;
    }

    public boolean googleClick() {
        return clickId != null && ("gclid".equals(clickIdType) || "gbraid".equals(clickIdType) || "wbraid".equals(clickIdType));
    }
}
