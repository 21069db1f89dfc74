package io.calltrail.report;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The reporting API: the overview of a period and the reports by source, medium, campaign, keyword, landing page, referrer. */
public final class ReportHandlers {
    private final Reports reports;
    private final PropertyStore properties;
    private final Clock clock;

    public ReportHandlers(Reports reports, PropertyStore properties, Clock clock) {
        this.reports = reports;
        this.properties = properties;
        this.clock = clock;
    }

    /** {@code GET /api/v1/reports/overview?property=ID[&from=YYYY-MM-DD][&to=YYYY-MM-DD]} */
    public void overview(Context ctx) {
        Account account = Admin.account(ctx);
        Property property = property(ctx, account);
        ctx.json(reports.overview(property, period(ctx, property)));
    }

    /** {@code GET /api/v1/reports/{dimension}?property=ID[&from=&to=&sort=&order=&limit=]}, JSON or, when asked for, CSV. */
    public void dimension(Context ctx) {
        Account account = Admin.account(ctx);
        Dimension dimension = dimension(ctx.pathParam("dimension"));
        boolean csv = String.valueOf(ctx.header("Accept")).toLowerCase(Locale.ROOT).contains("text/csv");
        answer(ctx, account, dimension, csv);
    }

    /** {@code GET /api/v1/reports/{dimension}.csv?...}: the same report as CSV, whatever the Accept header says. */
    public void dimensionCsv(Context ctx) {
        Account account = Admin.account(ctx);
        answer(ctx, account, dimension(ctx.pathParam("dimension")), true);
    }

    private void answer(Context ctx, Account account, Dimension dimension, boolean csv) {
        Property property = property(ctx, account);
        Period period = period(ctx, property);
        DimensionReport report = reports.report(property, period, dimension, sort(ctx));
        if (!csv) {
            ctx.json(report);
            return;
        }
        String name = property.publicKey() + "-" + dimension.wire() + "-" + period.from() + "-to-" + period.to() + ".csv";
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        ctx.result(ReportCsv.render(report).getBytes(StandardCharsets.UTF_8));
    }

    private static Dimension dimension(String wire) {
        return Dimension.of(wire).orElseThrow(() -> new ApiError(404, "not_found", "dimension", "no report by '" + wire
                + "'; reports: overview, " + Arrays.stream(Dimension.values()).map(Dimension::wire).collect(Collectors.joining(", "))));
    }

    private Property property(Context ctx, Account account) {
        Long id = Admin.queryId(ctx, "property");
        if (id == null) {
            throw new ApiError(400, "invalid_query", "property", "property is required: the id of the property to report on");
        }
        return properties.get(account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
    }

    private Period period(Context ctx, Property property) {
        ZoneId zone = ZoneId.of(property.timeZone());
        try {
            return Period.of(date(ctx, "from", zone), date(ctx, "to", zone), zone, clock.instant());
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

    private static ReportRules.Sort sort(Context ctx) {
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
}
