package io.calltrail.conversion;

import io.calltrail.app.ApiError;
import io.calltrail.phone.PhoneNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** Reads one outcome from named text fields (a JSON object or a CSV row), naming the field of any error. */
final class OutcomeFields {
    static final Set<String> NAMES = Set.of("external_id", "call_id", "click_id", "click_id_type", "phone", "status", "value",
            "currency", "occurred_at");

    private OutcomeFields() {
    }

    /**
     * @param field   the text of a field, or null when absent or empty
     * @param where   prefixes field names in errors ({@code outcomes[3].} or {@code line 4: })
     * @param country the country for phone numbers written without one, or null
     */
    static Outcome read(Function<String, String> field, String where, String country) {
        String externalId = required(field, where, "external_id");
        if (externalId.length() > 200) {
            throw ApiError.invalid(where + "external_id", where + "external_id may be at most 200 characters");
        }
        String callText = field.apply("call_id");
        String clickId = field.apply("click_id");
        String phoneText = field.apply("phone");
        int references = (callText != null ? 1 : 0) + (clickId != null ? 1 : 0) + (phoneText != null ? 1 : 0);
        if (references != 1) {
            throw ApiError.invalid(where + "call_id", where + "an outcome names exactly one of call_id, click_id or phone");
        }
        Long callId = null;
        if (callText != null) {
            try {
                callId = Long.parseLong(callText);
            } catch (NumberFormatException e) {
                throw ApiError.invalid(where + "call_id", where + "call_id must be a call's numeric id");
            }
        }
        Outcome.ClickIdType clickIdType = null;
        if (clickId != null) {
            if (clickId.length() > 512 || !clickId.matches("[A-Za-z0-9_\\-.~]+")) {
                throw ApiError.invalid(where + "click_id", where + "click_id must be an ad click id as the ad platform gave it");
            }
            String type = field.apply("click_id_type");
            try {
                clickIdType = type == null ? Outcome.ClickIdType.GCLID : Outcome.ClickIdType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(where + "click_id_type", where + "click_id_type is gclid, gbraid, wbraid or msclkid");
            }
        } else if (field.apply("click_id_type") != null) {
            throw ApiError.invalid(where + "click_id_type", where + "click_id_type goes with a click_id");
        }
        PhoneNumber caller = null;
        if (phoneText != null) {
            caller = PhoneNumber.parse(phoneText, country).orElseThrow(() -> ApiError.invalid(where + "phone", where + "phone '"
                    + phoneText + "' is not a valid phone number" + (country == null ? " (give it with its country code, e.g. +1 ...)"
                    : " for country " + country)));
        }
        String status = required(field, where, "status").toLowerCase(Locale.ROOT);
        if (!status.matches("[a-z][a-z0-9_-]{0,39}")) {
            throw ApiError.invalid(where + "status", where + "status must be a word such as qualified, won or lost (letters, digits, _ and -)");
        }
        BigDecimal value = null;
        String valueText = field.apply("value");
        if (valueText != null) {
            try {
                value = new BigDecimal(valueText);
            } catch (NumberFormatException e) {
                throw ApiError.invalid(where + "value", where + "value must be an amount such as 1250.00");
            }
            if (value.signum() < 0 || value.scale() > 2 || value.precision() - value.scale() > 10) {
                throw ApiError.invalid(where + "value", where + "value must be a non-negative amount with at most two decimals");
            }
        }
        String currency = field.apply("currency");
        if (currency != null) {
            currency = currency.toUpperCase(Locale.ROOT);
            try {
                Currency.getInstance(currency);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(where + "currency", where + "currency must be an ISO 4217 code such as USD");
            }
        }
        if (value != null && currency == null) {
            throw ApiError.invalid(where + "currency", where + "currency is required with a value");
        }
        Instant occurredAt;
        String occurredText = required(field, where, "occurred_at");
        try {
            occurredAt = OffsetDateTime.parse(occurredText).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.invalid(where + "occurred_at", where + "occurred_at must be an ISO-8601 time with its offset, e.g. 2026-11-27T14:03:12Z");
        }
        return new Outcome(externalId, callId, clickId, clickIdType, caller, status, value, currency, occurredAt);
    }

    private static String required(Function<String, String> field, String where, String name) {
        String value = field.apply(name);
        if (value == null) {
            throw ApiError.invalid(where + name, where + name + " is required");
        }
        return value;
    }
}
