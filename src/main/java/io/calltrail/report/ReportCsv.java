package io.calltrail.report;

import io.calltrail.conversion.export.CsvCells;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A dimension report as CSV (RFC 4180), one line per row shown, then the totals. Names come from visitors' URLs and
 * referrers, so every text cell is defused against spreadsheet formulas; rates are decimals (0.0525), empty without
 * sessions.
 */
public final class ReportCsv {
    private ReportCsv() {
    }

    public static String render(DimensionReport report) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of(report.dimension(), "sessions", "tel_clicks", "calls", "answered", "first_time", "conversions", "value",
                "currency", "other_values", "conversion_rate", "call_rate"));
        for (ReportRow row : report.rows()) {
            lines.add(line(row, report.currency()));
        }
        lines.add(line(report.totals(), report.currency()));
        return CsvCells.write(lines);
    }

    private static List<String> line(ReportRow row, String currency) {
        return List.of(CsvCells.safe(row.name()), Long.toString(row.sessions()), Long.toString(row.telClicks()),
                Long.toString(row.calls()), Long.toString(row.answered()), Long.toString(row.firstTime()),
                Long.toString(row.conversions()), row.value().toPlainString(), currency, others(row.otherValues()),
                rate(row.conversionRate()), rate(row.callRate()));
    }

    /** Values in other currencies, e.g. {@code CAD 40.00; EUR 12.50}. */
    private static String others(Map<String, BigDecimal> values) {
        return values.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue().toPlainString())
                .collect(Collectors.joining("; "));
    }

    private static String rate(Double rate) {
        return rate == null ? "" : BigDecimal.valueOf(rate).toPlainString();
    }
}
