package io.calltrail.report;

import io.calltrail.web.Dashboard;
import io.javalin.http.Context;
import java.util.Map;

/** The dashboard's report pages: the overview and the reports by dimension. */
public final class ReportPages {
    private final Dashboard dashboard;

    public ReportPages(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    public void overview(Context ctx) {
        dashboard.render(ctx, "overview", Map.of());
    }
}
