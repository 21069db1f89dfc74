package io.calltrail.conversion.export;

import io.calltrail.phone.PhoneNumber;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON bodies of Google's Data Manager API ingestion and of GA4's Measurement Protocol, from cleared rows. */
public final class AdPlatformPayloads {
    /** Google's limit of events per ingestion request. */
    public static final int DATA_MANAGER_BATCH = 2000;
    /** GA4 drops events stamped more than 72 hours back; older ones go without a timestamp. */
    static final Duration GA4_BACKDATING = Duration.ofHours(72);

    private AdPlatformPayloads() {
    }

    /** One ingestion request for rows of one conversion action (a product destination). */
    public static Map<String, Object> dataManager(String customerId, String conversionActionId, List<ExportRow> rows,
                                                  Function<ExportRow, PhoneNumber> caller) {
        Map<String, Object> operating = new LinkedHashMap<>();
        operating.put("accountType", "GOOGLE_ADS");
        operating.put("accountId", customerId);
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("operatingAccount", operating);
        destination.put("productDestinationId", conversionActionId);
        List<Object> events = new ArrayList<>();
        for (ExportRow row : rows) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("transactionId", row.orderId());
            event.put("eventTimestamp", row.convertedAt().truncatedTo(ChronoUnit.SECONDS).toString());
            event.put("eventSource", row.callId() != null ? "PHONE" : "WEB");
            if (row.value() != null) {
                event.put("conversionValue", row.value());
                event.put("currency", row.currency());
            }
            if (row.googleClick()) {
                event.put("adIdentifiers", Map.of(row.clickIdType(), row.clickId()));
            }
            if (row.callerSealed() != null) {
                event.put("userData", Map.of("userIdentifiers", List.of(Map.of("phoneNumber",
                        caller.apply(row).sha256()))));
            }
            Map<String, Object> consent = new LinkedHashMap<>();
            consent.put("adUserData", consent(row.adUserData()));
            consent.put("adPersonalization", consent(row.adPersonalization()));
            event.put("consent", consent);
            events.add(event);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destinations", List.of(destination));
        body.put("encoding", "HEX");
        body.put("events", events);
        return body;
    }

    /** One Measurement Protocol request: a generate_lead event as the visitor GA4 already knows. */
    public static Map<String, Object> ga4(ExportRow row, Instant now) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (row.value() != null) {
            params.put("value", row.value());
            params.put("currency", row.currency());
        }
        params.put("transaction_id", row.orderId());
        params.put("conversion_name", row.actionName());
        params.put("lead_source", row.callId() != null ? "phone_call" : "phone_click");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("name", "generate_lead");
        event.put("params", params);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_id", row.gaClientId());
        if (!row.convertedAt().isBefore(now.minus(GA4_BACKDATING))) {
            body.put("timestamp_micros", ChronoUnit.MICROS.between(Instant.EPOCH, row.convertedAt()));
        }
        Map<String, Object> consent = new LinkedHashMap<>();
        consent.put("ad_user_data", "granted".equals(row.adUserData()) ? "GRANTED" : "DENIED");
        consent.put("ad_personalization", "granted".equals(row.adPersonalization()) ? "GRANTED" : "DENIED");
        body.put("consent", consent);
        body.put("events", List.of(event));
        return body;
    }

    private static String consent(String state) {
        return "granted".equals(state) ? "CONSENT_GRANTED" : "denied".equals(state) ? "CONSENT_DENIED" : "CONSENT_STATUS_UNSPECIFIED";
    }
}
