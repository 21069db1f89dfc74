package io.calltrail.conversion;

import io.calltrail.phone.PhoneNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * A business result reported by a CRM: what it belongs to (a call id, an ad click id or a caller's number), its
 * status, value and time. The external id makes a second upload of the same outcome change nothing.
 */
public record Outcome(String externalId, Long callId, String clickId, ClickIdType clickIdType, PhoneNumber caller,
                      String status, BigDecimal value, String currency, Instant occurredAt) {

    public enum ClickIdType {
        GCLID, GBRAID, WBRAID, MSCLKID;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which of the three references names the call. */
    public String matchedBy() {
        return callId != null ? "call_id" : clickId != null ? "click_id" : "phone";
    }
}
