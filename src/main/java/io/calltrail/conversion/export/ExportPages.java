package io.calltrail.conversion.export;

import com.fasterxml.jackson.core.type.TypeReference;
import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.Json;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's exports, for owners and admins: each website's destinations with their last run, a download per
 * file destination and "send now" per HTTP one, and the recent runs. Downloading and sending are the admin API's own
 * runs ({@link ExportHandlers}), with the signed-in user as the actor: each conversion goes once, audit-logged.
 */
public final class ExportPages {
    private static final int RUNS_SHOWN = 25;

    /** Why a conversion was held back, in words. */
    private static final Map<String, String> HELD = Map.of(
            "global_privacy_control", "Global Privacy Control",
            "ad_user_data_denied", "ad data sharing refused",
            "ad_user_data_not_granted", "ad data sharing not agreed",
            "no_consent_signal", "no consent given",
            "analytics_storage_not_granted", "analytics not agreed");

    private final Dashboard dashboard;
    private final Jdbi jdbi;
    private final ExportHandlers exports;
    private final PropertyStore properties;
    private final ExportStore store = new ExportStore();
    private final DestinationStore destinations = new DestinationStore();

    public ExportPages(Dashboard dashboard, Jdbi jdbi, ExportHandlers exports) {
        this.dashboard = dashboard;
        this.jdbi = jdbi;
        this.exports = exports;
        this.properties = new PropertyStore(jdbi);
    }

    /** A destination of one website, as the page lists it. */
    public record Row(String wire, String name, String sends, boolean file, boolean configured, String lastRun, String lastRunIso,
                      String sent, String heldBack) {
    }

    /** A website and its destinations. */
    public record Site(long id, String name, List<Row> destinations) {
    }

    /** One run of the recent list. */
    public record RunRow(long id, String when, String iso, String site, String destination, int sent, String heldBack,
                         String delivered) {
    }

    /** {@code GET /app/exports}. */
    public void page(Context ctx) {
        Dashboard.requireWriter(ctx);
        render(ctx, Map.of());
    }

    /**
     * {@code POST /app/exports/{destination}?property=ID}: a file destination answers its file (a run, as the API's
     * {@code GET /api/v1/exports/{destination}.csv}); an HTTP destination queues what is due and shows what it did.
     */
    public void run(Context ctx) throws IOException {
        Dashboard.requireWriter(ctx);
        Account account = Admin.account(ctx);
        Destination destination = ExportHandlers.destination(ctx);
        Property property = exports.property(ctx, account);
        if (destination.file()) {
            exports.file(ctx, Admin.actor(ctx), property, destination, null);
            return;
        }
        Exports.Report report = exports.send(Admin.actor(ctx), property, destination, null);
        int queued = report.sent() + report.redelivered();
        int held = report.heldBack().values().stream().mapToInt(Integer::intValue).sum();
        render(ctx, Map.of("result", name(destination) + " for " + property.name() + ": " + conversions(queued) + " queued"
                + (held == 0 ? "" : ", " + held + " held back (" + heldWords(report.heldBack()) + ")")
                + (queued == 0 ? "." : "; they are sent in the background, retried until " + name(destination) + " takes them.")));
    }

    private void render(Context ctx, Map<String, Object> extra) {
        Account account = Admin.account(ctx);
        List<Property> all = properties.list(account.id());
        Map<Long, Property> byId = all.stream().collect(Collectors.toMap(Property::id, Function.identity()));
        Map<String, Object> model = new HashMap<>(extra);
        jdbi.useHandle(handle -> {
            Map<String, ExportStore.Run> last = new HashMap<>();
            store.lastRuns(handle, account.id()).forEach(run -> last.put(run.propertyId() + "/" + run.destination(), run));
            List<Site> sites = new ArrayList<>();
            for (Property property : all) {
                ZoneId zone = ZoneId.of(property.timeZone());
                Set<Destination> configured = destinations.list(handle, account.id(), property.id()).stream()
                        .map(DestinationStore.Settings::destination).collect(Collectors.toSet());
                List<Row> rows = new ArrayList<>();
                for (Destination destination : Destination.values()) {
                    ExportStore.Run run = last.get(property.id() + "/" + destination);
                    rows.add(new Row(destination.toString(), name(destination), sends(destination), destination.file(),
                            destination.file() || configured.contains(destination),
                            run == null ? "" : Readable.dateTime(run.createdAt(), zone), run == null ? "" : Readable.iso(run.createdAt()),
                            run == null ? "" : Integer.toString(run.sent()), run == null ? "" : heldBack(run.heldBack())));
                }
                sites.add(new Site(property.id(), property.name(), rows));
            }
            model.put("sites", sites);
            model.put("runs", store.recentRuns(handle, account.id(), RUNS_SHOWN).stream().map(run -> {
                Property property = byId.get(run.propertyId());
                ZoneId zone = ZoneId.of(property.timeZone());
                return new RunRow(run.id(), Readable.dateTime(run.createdAt(), zone), Readable.iso(run.createdAt()), property.name(),
                        name(run.destination()), run.sent(), heldBack(run.heldBack()),
                        run.deliveredAt() == null ? "not yet" : Readable.dateTime(run.deliveredAt(), zone));
            }).toList());
        });
        model.put("manySites", all.size() > 1);
        dashboard.render(ctx, "exports", model);
    }

    /** "2 (Global Privacy Control 1, ad data sharing refused 1)", or "0". */
    private static String heldBack(String json) {
        Map<String, Integer> held = Json.MAPPER.convertValue(Json.parse(json), new TypeReference<Map<String, Integer>>() {
        });
        int total = held.values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? "0" : total + " (" + heldWords(held) + ")";
    }

    private static String heldWords(Map<String, Integer> held) {
        return held.entrySet().stream().map(entry -> HELD.getOrDefault(entry.getKey(), entry.getKey().replace('_', ' ')) + " "
                + entry.getValue()).collect(Collectors.joining(", "));
    }

    private static String conversions(int count) {
        return count + (count == 1 ? " conversion" : " conversions");
    }

    static String name(Destination destination) {
        return switch (destination) {
            case GOOGLE_ADS_CLICKS -> "Google Ads: clicks";
            case GOOGLE_ADS_ADJUSTMENTS -> "Google Ads: value changes";
            case GOOGLE_ADS_CALLS -> "Google Ads: calls";
            case GOOGLE_ENHANCED_LEADS -> "Google Ads: enhanced conversions for leads";
            case MICROSOFT_ADS -> "Microsoft Advertising";
            case GOOGLE_DATA_MANAGER -> "Google Data Manager";
            case GA4 -> "Google Analytics 4";
        };
    }

    private static String sends(Destination destination) {
        return switch (destination) {
            case GOOGLE_ADS_CLICKS -> "New conversions from Google Ads clicks (gclid, gbraid, wbraid), for an offline conversion upload.";
            case GOOGLE_ADS_ADJUSTMENTS -> "New values, and withdrawals, of conversions already uploaded as clicks.";
            case GOOGLE_ADS_CALLS -> "Converted calls by the caller's number and the call's start, for call conversion imports.";
            case GOOGLE_ENHANCED_LEADS -> "Converted calls with the caller's number hashed (SHA-256), to match leads to Google accounts.";
            case MICROSOFT_ADS -> "New conversions from Microsoft Advertising clicks (msclkid), for an offline conversion upload.";
            case GOOGLE_DATA_MANAGER -> "Conversions sent straight to Google Ads, with the hashed number or the click id.";
            case GA4 -> "Conversions as events of the visitor's Google Analytics session.";
        };
    }
}
