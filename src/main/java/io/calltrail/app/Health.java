package io.calltrail.app;

import io.calltrail.metrics.Metrics;
import io.calltrail.store.Database;
import io.javalin.http.Context;
import java.util.Map;

/** Liveness, readiness (the database answers) and Prometheus metrics. */
final class Health {
    private final Database database;
    private final Metrics metrics;
    private final Runnable beforeScrape;

    /** @param beforeScrape refreshes gauges read from the database, so a scrape shows the state of now */
    Health(Database database, Metrics metrics, Runnable beforeScrape) {
        this.database = database;
        this.metrics = metrics;
        this.beforeScrape = beforeScrape;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "up"));
    }

    void ready(Context ctx) {
        if (database.isReachable()) {
            ctx.json(Map.of("status", "ready", "database", "up"));
        } else {
            ctx.status(503).json(Map.of("status", "not_ready", "database", "down"));
        }
    }

    void metrics(Context ctx) {
        beforeScrape.run();
        ctx.contentType(metrics.contentType()).result(metrics.scrape());
    }
}
