package io.calltrail.conversion.export;

import io.calltrail.phone.PhoneNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The upload files of the ad platforms, in their templates' columns, from conversions already cleared for sending. */
public final class CsvFiles {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private CsvFiles() {
    }

    /**
     * @param zone   the property's time zone: times are written in it and named in the parameters row
     * @param caller opens a row's sealed caller number; called only for the destinations that send it
     */
    public static String render(Destination destination, ZoneId zone, List<ExportRow> rows, Function<ExportRow, PhoneNumber> caller) {
        List<List<String>> lines = new ArrayList<>();
        switch (destination) {
            case GOOGLE_ADS_CLICKS -> {
                lines.add(List.of("Parameters:TimeZone=" + zone.getId()));
                lines.add(List.of("Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency",
                        "Order ID", "Ad User Data", "Ad Personalization", "GBRAID", "WBRAID"));
                for (ExportRow row : rows) {
                    lines.add(List.of(CsvCells.safe(click(row, "gclid")), CsvCells.safe(row.actionName()), time(row.convertedAt(), zone),
                            amount(row.value()), currency(row), row.orderId(), consent(row.adUserData()),
                            consent(row.adPersonalization()), CsvCells.safe(click(row, "gbraid")), CsvCells.safe(click(row, "wbraid"))));
                }
            }
            case GOOGLE_ADS_ADJUSTMENTS -> {
                lines.add(List.of("Parameters:TimeZone=" + zone.getId()));
                lines.add(List.of("Order ID", "Conversion Name", "Adjustment Time", "Adjustment Type", "Adjusted Value",
                        "Adjusted Value Currency"));
                for (ExportRow row : rows) {
                    lines.add(List.of(row.orderId(), CsvCells.safe(row.actionName()), time(row.updatedAt(), zone),
                            row.retracted() ? "RETRACT" : "RESTATE", row.retracted() ? "" : amount(row.value()),
                            row.retracted() ? "" : currency(row)));
                }
            }
            case GOOGLE_ADS_CALLS -> {
                lines.add(List.of("Parameters:TimeZone=" + zone.getId()));
                lines.add(List.of("Caller's Phone Number", "Call Start Time", "Conversion Name", "Conversion Time", "Conversion Value",
                        "Conversion Currency"));
                for (ExportRow row : rows) {
                    lines.add(List.of(CsvCells.phone(caller.apply(row).e164()), time(row.callStartedAt(), zone),
                            CsvCells.safe(row.actionName()), time(row.convertedAt(), zone), amount(row.value()), currency(row)));
                }
            }
            case GOOGLE_ENHANCED_LEADS -> {
                lines.add(List.of("Parameters:TimeZone=" + zone.getId()));
                lines.add(List.of("Phone Number", "Google Click ID", "Order ID", "Conversion Name", "Conversion Time",
                        "Conversion Value", "Conversion Currency", "Ad User Data", "Ad Personalization"));
                for (ExportRow row : rows) {
                    lines.add(List.of(caller.apply(row).sha256(), CsvCells.safe(click(row, "gclid")), row.orderId(),
                            CsvCells.safe(row.actionName()), time(row.convertedAt(), zone), amount(row.value()), currency(row),
                            consent(row.adUserData()), consent(row.adPersonalization())));
                }
            }
            case MICROSOFT_ADS -> {
                // Microsoft takes an offset, not a zone name: UTC is the one offset right all year round.
                lines.add(List.of("Parameters:TimeZone=+0000;"));
                lines.add(List.of("Microsoft Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"));
                for (ExportRow row : rows) {
                    lines.add(List.of(CsvCells.safe(row.clickId()), CsvCells.safe(row.actionName()),
                            time(row.convertedAt(), ZoneOffset.UTC), amount(row.value()), currency(row)));
                }
            }
            default -> throw new IllegalArgumentException(destination + " is not a file destination");
        }
        return CsvCells.write(lines);
    }

    /** Enhanced conversions: the E.164 number, plus sign included, as lower-case SHA-256 hex. */
    public static String sha256(String e164) {
        return new PhoneNumber(e164).sha256();
    }

    private static String click(ExportRow row, String type) {
        return type.equals(row.clickIdType()) ? row.clickId() : "";
    }

    private static String time(Instant at, ZoneId zone) {
        return at == null ? "" : TIME.format(at.atZone(zone));
    }

    private static String amount(BigDecimal value) {
        return value == null ? "" : value.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }

    private static String currency(ExportRow row) {
        return row.value() == null ? "" : row.currency();
    }

    private static String consent(String state) {
        return state == null ? "" : state.equals("granted") ? "Granted" : state.equals("denied") ? "Denied" : "";
    }
}
