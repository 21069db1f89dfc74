package io.calltrail.report;

import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a report request asks for, read alike by the reporting API and the dashboard's report pages: the dimension,
 * the period ({@code from}, {@code to}), the sort ({@code sort}, {@code order}, {@code limit}); and the CSV answer.
 */
public final class ReportQuery {
    private ReportQuery() {
    }

    /** The dimension a path names; an unknown one is a 404 that lists the reports there are. */
    public static Dimension dimension(String wire) {
        return Dimension.of(wire).orElseThrow(() -> new ApiError(404, "not_found", "dimension", "no report by '" + wire
                + "'; reports: overview, " + Arrays.stream(Dimension.values()).map(Dimension::wire).collect(Collectors.joining(", "))));
    }

    /** {@code from} and {@code to} as days in the property's time zone, defaulting as {@link Period#of} says. */
    public static Period period(Context ctx, Property property, Instant now) {
        ZoneId zone = ZoneId.of(property.timeZone());
        try {
            return Period.of(date(ctx, "from", zone), date(ctx, "to", zone), zone, now);
        } catch (Period.Invalid e) {
            throw new ApiError(400, "invalid_query", e.field(), e.getMessage());
        }
    }

    private static LocalDate date(Context ctx, String name, ZoneId zone) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "invalid_query", name, name + " must be a day as YYYY-MM-DD (in the property's time zone, "
                    + zone.getId() + "), not '" + raw + "'");
        }
    }

    /** {@code sort} (a metric or {@code name}), {@code order} (metrics default to descending, names to A to Z), {@code limit}. */
    public static ReportRules.Sort sort(Context ctx) {
        String sortParam = ctx.queryParam("sort");
        ReportRules.SortKey key = sortParam == null || sortParam.isBlank() ? ReportRules.Sort.DEFAULT.key()
                : ReportRules.SortKey.of(sortParam.strip().toLowerCase(Locale.ROOT)).orElseThrow(() -> new ApiError(400,
                "invalid_query", "sort", "sort must be one of " + Arrays.stream(ReportRules.SortKey.values())
                        .map(ReportRules.SortKey::wire).collect(Collectors.joining(", "))));
        String order = ctx.queryParam("order");
        boolean descending;
        if (order == null || order.isBlank()) {
            descending = key != ReportRules.SortKey.NAME;
        } else if (order.equalsIgnoreCase("desc") || order.equalsIgnoreCase("asc")) {
            descending = order.equalsIgnoreCase("desc");
        } else {
            throw new ApiError(400, "invalid_query", "order", "order must be asc or desc");
        }
        String limitParam = ctx.queryParam("limit");
        int limit = ReportRules.DEFAULT_LIMIT;
        if (limitParam != null && !limitParam.isBlank()) {
            try {
                limit = Integer.parseInt(limitParam.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > ReportRules.MAX_LIMIT) {
                throw new ApiError(400, "invalid_query", "limit", "limit must be a whole number from 1 to " + ReportRules.MAX_LIMIT);
            }
        }
        return new ReportRules.Sort(key, descending, limit);
    }

    /** Answers a report as a CSV file to download, named after the property, the dimension and the period. */
    public static void csv(Context ctx, Property property, Period period, DimensionReport report) {
        String name = property.publicKey() + "-" + report.dimension() + "-" + period.from() + "-to-" + period.to() + ".csv";
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        ctx.result(ReportCsv.render(report).getBytes(StandardCharsets.UTF_8));
    }
}
