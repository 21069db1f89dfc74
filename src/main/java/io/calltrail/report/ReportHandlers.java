package io.calltrail.report;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Locale;

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
        ctx.json(reports.overview(property, ReportQuery.period(ctx, property, clock.instant())));
    }

    /** {@code GET /api/v1/reports/{dimension}?property=ID[&from=&to=&sort=&order=&limit=]}, JSON or, when asked for, CSV. */
    public void dimension(Context ctx) {
        Account account = Admin.account(ctx);
        Dimension dimension = ReportQuery.dimension(ctx.pathParam("dimension"));
        boolean csv = String.valueOf(ctx.header("Accept")).toLowerCase(Locale.ROOT).contains("text/csv");
        answer(ctx, account, dimension, csv);
    }

    /** {@code GET /api/v1/reports/{dimension}.csv?...}: the same report as CSV, whatever the Accept header says. */
    public void dimensionCsv(Context ctx) {
        Account account = Admin.account(ctx);
        answer(ctx, account, ReportQuery.dimension(ctx.pathParam("dimension")), true);
    }

    private void answer(Context ctx, Account account, Dimension dimension, boolean csv) {
        Property property = property(ctx, account);
        Period period = ReportQuery.period(ctx, property, clock.instant());
        DimensionReport report = reports.report(property, period, dimension, ReportQuery.sort(ctx));
        if (csv) {
            ReportQuery.csv(ctx, property, period, report);
        } else {
            ctx.json(report);
        }
    }

    private Property property(Context ctx, Account account) {
        Long id = Admin.queryId(ctx, "property");
        if (id == null) {
            throw new ApiError(400, "invalid_query", "property", "property is required: the id of the property to report on");
        }
        return properties.get(account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
    }
}
