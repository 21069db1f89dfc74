package io.calltrail.conversion.export;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.account.Role;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Admin API for exports: the CSV files (each download is a recorded run), HTTP sends, and the runs. */
public final class ExportHandlers {
    private final Jdbi jdbi;
    private final Exports exports;
    private final PropertyStore properties;
    private final ExportStore store = new ExportStore();

    public ExportHandlers(Jdbi jdbi, Exports exports) {
        this.jdbi = jdbi;
        this.exports = exports;
        this.properties = new PropertyStore(jdbi);
    }

    /** GET /api/v1/exports/{destination}.csv?property=ID[&since=ISO][&preview=true] */
    public void csv(Context ctx) throws java.io.IOException {
        Account account = Admin.account(ctx);
        // a file run marks conversions as sent (a write), and even a preview holds callers' numbers: not for viewers
        Actor actor = Admin.requireRole(ctx, Role.OWNER, Role.ADMIN);
        Destination destination = destination(ctx);
        if (!destination.file()) {
            throw ApiError.notFound("file export " + destination + " (it is sent over HTTP: POST /api/v1/exports/" + destination + ")");
        }
        Property property = property(ctx, account);
        Instant since = Admin.queryInstant(ctx, "since", null);
        if ("true".equals(ctx.queryParam("preview"))) {
            String name = property.publicKey() + "-" + destination;
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + "-preview.csv\"");
            ctx.result(exports.preview(actor, property, destination, since).getBytes(StandardCharsets.UTF_8));
            return;
        }
        file(ctx, actor, property, destination, since);
    }

    /** Answers a file run's CSV as a download, named after the property, the destination and the run. */
    void file(Context ctx, Actor actor, Property property, Destination destination, Instant since) throws java.io.IOException {
        String name = property.publicKey() + "-" + destination;
        ctx.contentType("text/csv; charset=utf-8");
        Exports.Report report = exports.exportFile(actor, property, destination, since, (runs, csv) -> {
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + "-run" + runs.get(runs.size() - 1) + ".csv\"");
            ctx.header("Calltrail-Export-Run", String.valueOf(runs.get(runs.size() - 1)));
            ctx.result(csv.getBytes(StandardCharsets.UTF_8));
        });
        ctx.header("Calltrail-Sent", String.valueOf(report.sent() + report.redelivered()));
        ctx.header("Calltrail-Held-Back", summary(report.heldBack()));
    }

    /** POST /api/v1/exports/{destination}?property=ID[&since=ISO] for the HTTP destinations. */
    public void send(Context ctx) {
        Account account = Admin.account(ctx);
        Destination destination = destination(ctx);
        if (destination.file()) {
            throw ApiError.notFound("HTTP export " + destination + " (it is a file: GET /api/v1/exports/" + destination + ".csv)");
        }
        Property property = property(ctx, account);
        ctx.json(send(Admin.actor(ctx), property, destination, Admin.queryInstant(ctx, "since", null)));
    }

    /** Queues what is due at an HTTP destination; 409 when the property has not set it up. */
    Exports.Report send(Actor actor, Property property, Destination destination, Instant since) {
        try {
            return exports.exportHttp(actor, property, destination, since);
        } catch (Exports.NotConfigured e) {
            throw new ApiError(409, "not_configured", "destination", e.getMessage() + ": PUT /api/v1/properties/" + property.id()
                    + "/destinations/" + destination + " first");
        }
    }

    /** GET /api/v1/export-runs?property=&destination= (newest first, at most 200). */
    public void runs(Context ctx) {
        Account account = Admin.account(ctx);
        Long property = Admin.queryId(ctx, "property");
        String destination = ctx.queryParam("destination");
        if (destination != null && Destination.of(destination).isEmpty()) {
            throw new ApiError(400, "invalid_query", "destination", "unknown destination '" + destination + "'");
        }
        ctx.json(jdbi.withHandle(handle -> store.runs(handle, account.id(), property, destination, 200)));
    }

    static Destination destination(Context ctx) {
        String wire = ctx.pathParam("destination");
        return Destination.of(wire).orElseThrow(() -> ApiError.notFound("destination " + wire));
    }

    Property property(Context ctx, Account account) {
        Long id = Admin.queryId(ctx, "property");
        if (id == null) {
            throw new ApiError(400, "invalid_query", "property", "property is required: the id of the property to export");
        }
        return properties.get(account.id(), id).orElseThrow(() -> ApiError.notFound("property"));
    }

    static String summary(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(","));
    }
}
