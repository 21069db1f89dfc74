package io.calltrail.report;

import java.util.List;

/** Every value of a dimension over a period ({@code totalRows} of them, at most {@code limit} shown), with the totals. */
public record DimensionReport(long propertyId, String dimension, String timeZone, String currency, String from, String to,
                              String sort, String order, int limit, int totalRows, List<ReportRow> rows, ReportRow totals) {
}
