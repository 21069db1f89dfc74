package io.calltrail.conversion.export;

import io.calltrail.property.Property;
import java.util.Optional;

/**
 * Decides, without I/O, whether a conversion goes to a destination: sent, held back for consent (recorded, never
 * sent), or not for this destination (no click id of its platform, no caller number).
 */
public final class HoldBacks {
    /** What happens to one conversion at one destination. */
    public sealed interface Verdict permits Send, Held, NotApplicable, Waiting {
    }

    public record Send() implements Verdict {
    }

    /** The visitor's choices forbid sending it to this destination, now and later. */
    public record Held(String reason) implements Verdict {
    }

    /** The destination cannot take it (no click id of its platform, no caller number). */
    public record NotApplicable(String reason) implements Verdict {
    }

    /** Missing set-up (e.g. the action's Google conversion id): it waits and goes once the set-up is done. */
    public record Waiting(String reason) implements Verdict {
    }

    private HoldBacks() {
    }

    public static Verdict verdict(Destination destination, ExportRow row, Property.ConsentMode consentMode) {
        if (row.gpc()) {
            return new Held("global_privacy_control");
        }
        if ("denied".equals(row.adUserData()) && destination != Destination.GA4) {
            return new Held("ad_user_data_denied");
        }
        if (destination != Destination.GOOGLE_ADS_ADJUSTMENTS && row.confidence() < row.exportMinConfidence()) {
            // re-checked on every run: lowering the action's bar later sends what waits here
            return new Waiting("below_export_min_confidence");
        }
        return switch (destination) {
            case GOOGLE_ADS_CLICKS, GOOGLE_ADS_ADJUSTMENTS -> row.googleClick() ? new Send() : new NotApplicable("no_google_click_id");
            case MICROSOFT_ADS -> row.clickId() != null && "msclkid".equals(row.clickIdType())
                    ? new Send() : new NotApplicable("no_microsoft_click_id");
            case GOOGLE_ADS_CALLS, GOOGLE_ENHANCED_LEADS, GOOGLE_DATA_MANAGER -> personalData(destination, row, consentMode);
            case GA4 -> analytics(row, consentMode);
        };
    }

    /** A caller's number (or its hash) leaves only with ad_user_data granted, or, without a visit, another legal basis. */
    private static Verdict personalData(Destination destination, ExportRow row, Property.ConsentMode consentMode) {
        if (destination == Destination.GOOGLE_DATA_MANAGER && row.googleConversionId() == null) {
            return new Waiting("action_has_no_google_conversion_id");
        }
        boolean needsClick = destination == Destination.GOOGLE_DATA_MANAGER && row.callerSealed() == null;
        if (needsClick) {
            return row.googleClick() ? consented(row, consentMode, false) : new NotApplicable("no_caller_or_google_click_id");
        }
        if (row.callerSealed() == null) {
            return new NotApplicable("no_caller_number");
        }
        return consented(row, consentMode, true);
    }

    private static Verdict consented(ExportRow row, Property.ConsentMode consentMode, boolean personal) {
        if (!personal) {
            return new Send();
        }
        if (row.hasSession()) {
            return "granted".equals(row.adUserData()) ? new Send() : new Held("ad_user_data_not_granted");
        }
        return consentMode == Property.ConsentMode.NOT_REQUIRED ? new Send() : new Held("no_consent_signal");
    }

    private static Verdict analytics(ExportRow row, Property.ConsentMode consentMode) {
        if (!row.hasSession()) {
            return new NotApplicable("no_visit");
        }
        if (!"granted".equals(row.analyticsStorage()) && consentMode != Property.ConsentMode.NOT_REQUIRED) {
            return new Held("analytics_storage_not_granted");
        }
        return row.gaClientId() != null ? new Send() : new NotApplicable("no_ga_client_id");
    }
}
