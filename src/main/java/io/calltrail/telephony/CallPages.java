package io.calltrail.telephony;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Links;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's calls: the list with its filters, and a call's page with its journey (the visit, its pages and
 * phone-link clicks, the attribution and why, conversions and CRM outcomes). Callers are masked; revealing one is a
 * permission of its own and is audit-logged, as in the API ({@link CallerReveal}).
 */
public final class CallPages {
    static final int PAGE_SIZE = 50;

    private final Dashboard dashboard;
    private final Jdbi jdbi;
    private final PropertyStore properties;
    private final CallerReveal reveal;
    private final CallQueries calls = new CallQueries();

    public CallPages(Dashboard dashboard, Jdbi jdbi, PropertyStore properties, CallerReveal reveal) {
        this.dashboard = dashboard;
        this.jdbi = jdbi;
        this.properties = properties;
        this.reveal = reveal;
    }

    /** What the filter form holds, as the browser sent it (empty: any). */
    public record Form(String property, String from, String to, String source, String status, String converted,
                       String attribution) {
        static Form of(Context ctx) {
            return new Form(param(ctx, "property"), param(ctx, "from"), param(ctx, "to"), param(ctx, "source"),
                    param(ctx, "status"), param(ctx, "converted"), param(ctx, "attribution"));
        }

        /** The same filters as a query string, with {@code older} when given. */
        String query(Long older) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("property", property);
            values.put("from", from);
            values.put("to", to);
            values.put("source", source);
            values.put("status", status);
            values.put("converted", converted);
            values.put("attribution", attribution);
            values.put("older", older == null ? "" : older.toString());
            return Links.query(values);
        }

        boolean filtered() {
            return !(property + from + to + source + status + converted + attribution).isEmpty();
        }

        private static String param(Context ctx, String name) {
            String value = ctx.queryParam(name);
            return value == null ? "" : value.strip();
        }
    }

    /** A row of the list, written out for people. */
    public record Row(long id, String when, String whenIso, String caller, String number, String numberName, String source,
                      String campaign, String duration, String status, String statusBadge, String conversion,
                      String confidence, String confidenceBadge) {
    }

    /** {@code GET /app/calls}: newest first, {@value #PAGE_SIZE} a page, with an "older" link. */
    public void list(Context ctx) {
        Account account = Admin.account(ctx);
        Form form = Form.of(ctx);
        List<Property> all = properties.list(account.id());
        Property selected = form.property().isEmpty() ? null : all.stream()
                .filter(property -> Long.toString(property.id()).equals(form.property())).findFirst()
                .orElseThrow(() -> ApiError.notFound("property"));
        ZoneId zone = filterZone(selected, all);
        LocalDate fromDay = date(form.from(), "from");
        LocalDate toDay = date(form.to(), "to");
        CallQueries.Filter filter = new CallQueries.Filter(selected == null ? null : selected.id(),
                fromDay == null ? null : fromDay.atStartOfDay(zone).toInstant(),
                toDay == null ? null : toDay.plusDays(1).atStartOfDay(zone).toInstant(), null,
                choice(form.status(), "answered", "missed", "status"), null,
                choice(form.attribution(), "attributed", "none", "attribution"),
                choice(form.converted(), "yes", "no", "converted"), form.source().isEmpty() ? null : form.source());
        String olderParam = ctx.queryParam("older");
        Map<Long, ZoneId> zones = new HashMap<>();
        all.forEach(property -> zones.put(property.id(), ZoneId.of(property.timeZone())));

        Map<String, Object> model = new HashMap<>();
        jdbi.useHandle(handle -> {
            CallQueries.Cursor after = null;
            if (olderParam != null && !olderParam.isBlank()) {
                after = calls.cursor(handle, account.id(), parseId(olderParam)).orElseThrow(() -> ApiError.notFound("call"));
            }
            List<CallQueries.Summary> found = calls.page(handle, account.id(), filter, after, PAGE_SIZE + 1);
            List<CallQueries.Summary> shown = found.subList(0, Math.min(PAGE_SIZE, found.size()));
            Map<Long, List<CallQueries.Conversion>> conversions = calls.conversions(handle, account.id(),
                            shown.stream().map(CallQueries.Summary::id).toList()).stream()
                    .filter(conversion -> conversion.retractedAt() == null)
                    .collect(Collectors.groupingBy(CallQueries.Conversion::callId));
            List<Row> rows = new ArrayList<>();
            for (CallQueries.Summary call : shown) {
                rows.add(row(call, zones.getOrDefault(call.propertyId(), ZoneOffset.UTC), conversions.getOrDefault(call.id(), List.of())));
            }
            model.put("rows", rows);
            model.put("older", found.size() > PAGE_SIZE ? "/app/calls" + form.query(shown.get(shown.size() - 1).id()) : null);
            model.put("sources", calls.sources(handle, account.id(), selected == null ? null : selected.id()));
        });
        model.put("form", form);
        model.put("properties", all);
        model.put("selectedProperty", selected == null ? null : selected.id());
        model.put("paged", olderParam != null && !olderParam.isBlank());
        model.put("newest", "/app/calls" + form.query(null));
        model.put("filtered", form.filtered());
        model.put("zone", zone.getId());
        model.put("zoneVaries", all.stream().map(Property::timeZone).distinct().count() > 1 && selected == null);
        dashboard.render(ctx, "calls", model);
    }

    /** {@code GET /app/calls/{id}}: the call and its journey; another account's call is not found. */
    public void call(Context ctx) {
        long id = Admin.pathId(ctx, "call");
        dashboard.render(ctx, "call", callModel(Admin.account(ctx), id, null));
    }

    /**
     * {@code POST /app/calls/{id}/reveal}: the call page with the caller's full number, once. Only for users whose
     * membership may reveal numbers; the reveal is audit-logged with the user as actor before the number is shown.
     */
    public void reveal(Context ctx) {
        long id = Admin.pathId(ctx, "call");
        String number = Readable.phone(reveal.reveal(Admin.actor(ctx), id).e164());
        dashboard.render(ctx, "call", callModel(Admin.account(ctx), id, number));
    }

    private Map<String, Object> callModel(Account account, long id, String revealed) {
        return jdbi.withHandle(handle -> {
            CallQueries.Detail call = calls.detail(handle, account.id(), id).orElseThrow(() -> ApiError.notFound("call"));
            ZoneId zone = ZoneId.of(call.timeZone());
            CallQueries.History history = calls.history(handle, account.id(), id);
            CallQueries.Visit visit = call.sessionId() == null ? null : calls.visit(handle, account.id(), call.sessionId()).orElse(null);
            List<CallQueries.Event> events = visit == null ? List.of() : calls.events(handle, account.id(), visit.id());
            List<CallQueries.Conversion> conversions = calls.conversions(handle, account.id(), List.of(id));
            List<CallQueries.Outcome> outcomes = calls.outcomes(handle, account.id(), id);
            Instant lastTelClick = events.stream().filter(event -> "tel_click".equals(event.type()))
                    .map(CallQueries.Event::occurredAt).filter(at -> !at.isAfter(call.startedAt()))
                    .max(Instant::compareTo).orElse(null);

            Map<String, Object> model = new HashMap<>();
            model.put("call", call);
            model.put("when", Readable.dateTime(call.startedAt(), zone));
            model.put("whenIso", Readable.iso(call.startedAt()));
            model.put("zone", zone.getId());
            model.put("revealed", revealed);
            model.put("place", List.of(nonNull(call.callerCity()), nonNull(call.callerState()), nonNull(call.callerCountry()))
                    .stream().filter(part -> !part.isEmpty()).collect(Collectors.joining(", ")));
            model.put("caller", callerHistory(call, history, zone));
            model.put("dialled", Readable.phone(call.dialled()));
            // a link only to the provider's web address: nothing else may become a link on the page
            model.put("recordingLink", call.recordingUrl() != null && call.recordingUrl().startsWith("https://")
                    ? call.recordingUrl() : null);
            model.put("forwardedTo", Readable.phone(call.forwardedTo()));
            model.put("status", status(call.answeredAt(), call.status())[0]);
            model.put("statusBadge", status(call.answeredAt(), call.status())[1]);
            model.put("talk", call.answeredAt() == null ? "" : Readable.duration(call.talkSeconds()));
            model.put("ring", call.ringSeconds() == null || call.ringSeconds() == 0 ? "" : Readable.duration(call.ringSeconds()));
            String level = AttributionWords.level(call.attribution(), call.confidence());
            model.put("method", AttributionWords.method(call.attribution()));
            model.put("attributed", !"none".equals(call.attribution()));
            model.put("source", source(call.attribution(), call.sourceName(), visit == null ? null : visit.utmSource(),
                    visit == null ? null : visit.referrerDomain()));
            model.put("level", level);
            model.put("levelBadge", AttributionWords.badge(level));
            model.put("figure", AttributionWords.figure(call.confidence()));
            model.put("meaning", AttributionWords.meaning(call.attribution(), call.confidence()));
            model.put("why", AttributionWords.why(call, zone, lastTelClick));
            model.put("visit", visit);
            if (visit != null) {
                model.put("visitStarted", Readable.dateTime(visit.startedAt(), zone));
                model.put("campaign", campaignFacts(visit));
                model.put("clickIds", clickIds(visit));
            }
            model.put("timeline", timeline(call, visit, events, conversions, outcomes, zone));
            model.put("conversions", conversions.stream().map(conversion -> Map.of(
                    "name", conversion.actionName(),
                    "value", Readable.money(conversion.value(), conversion.currency()),
                    "when", Readable.dateTime(conversion.convertedAt(), zone),
                    "retracted", conversion.retractedAt() == null ? "" : Readable.dateTime(conversion.retractedAt(), zone))).toList());
            model.put("outcomes", outcomes.stream().map(outcome -> Map.of(
                    "reference", outcome.externalId(),
                    "status", outcome.status(),
                    "value", Readable.money(outcome.value(), outcome.currency()),
                    "when", Readable.dateTime(outcome.occurredAt(), zone))).toList());
            return model;
        });
    }

    /** "First-time caller", "Called 2 times before, first on ...", or why it is not known. */
    private static Map<String, Object> callerHistory(CallQueries.Detail call, CallQueries.History history, ZoneId zone) {
        Map<String, Object> caller = new HashMap<>();
        if (call.firstTimeCaller()) {
            caller.put("label", "First-time caller");
            caller.put("badge", "good");
        } else if (history.earlierCalls() > 0) {
            caller.put("label", "Repeat caller");
            caller.put("badge", "");
            caller.put("detail", "called " + history.earlierCalls() + (history.earlierCalls() == 1 ? " time" : " times")
                    + " before, first on " + Readable.date(history.firstCallAt(), zone));
        } else if (call.callerMasked() == null) {
            caller.put("label", "Caller unknown");
            caller.put("badge", "");
            caller.put("detail", "the call came without caller id");
        } else {
            caller.put("label", "Repeat caller");
            caller.put("badge", "");
            caller.put("detail", "called before; the earlier calls are no longer kept");
        }
        caller.put("firstCallId", call.firstTimeCaller() ? null : call.firstCallId());
        return caller;
    }

    /** One moment of the journey. */
    public record Moment(String time, String iso, String title, String detail, String kind) {
    }

    private static List<Moment> timeline(CallQueries.Detail call, CallQueries.Visit visit, List<CallQueries.Event> events,
                                         List<CallQueries.Conversion> conversions, List<CallQueries.Outcome> outcomes,
                                         ZoneId zone) {
        record At(Instant at, int order, Moment moment) {
        }
        List<At> moments = new ArrayList<>();
        Instant day = call.startedAt();
        if (visit != null) {
            String from = visit.referrer() == null || visit.referrer().isEmpty() ? "came straight to the site (no referrer)"
                    : "came from " + visit.referrer();
            moments.add(new At(visit.startedAt(), 0, moment(visit.startedAt(), day, zone, "Visit began on " + visit.landingUrl(),
                    "The visitor " + from + ".", "visit")));
        }
        for (CallQueries.Event event : events) {
            Moment moment = switch (event.type()) {
                case "tel_click" -> moment(event.occurredAt(), day, zone, "Clicked the phone number "
                        + Readable.phone(event.numberClicked()), nonNull(event.url()), "click");
                case "cta_click" -> moment(event.occurredAt(), day, zone, "Clicked a call button", nonNull(event.url()), "click");
                default -> moment(event.occurredAt(), day, zone, "Viewed " + nonNull(event.url()), "", "page");
            };
            moments.add(new At(event.occurredAt(), 1, moment));
        }
        moments.add(new At(call.startedAt(), 2, moment(call.startedAt(), day, zone, "Called " + Readable.phone(call.dialled()),
                call.forwardedTo() == null ? "" : "forwarded to " + Readable.phone(call.forwardedTo()), "call")));
        if (call.answeredAt() != null) {
            moments.add(new At(call.answeredAt(), 3, moment(call.answeredAt(), day, zone, "Answered", "", "call")));
        }
        if (call.endedAt() != null) {
            String talked = call.answeredAt() == null ? "not answered" : "talked " + Readable.duration(call.talkSeconds());
            moments.add(new At(call.endedAt(), 4, moment(call.endedAt(), day, zone, "Call ended", talked, "call")));
        }
        for (CallQueries.Conversion conversion : conversions) {
            String value = Readable.money(conversion.value(), conversion.currency());
            moments.add(new At(conversion.convertedAt(), 5, moment(conversion.convertedAt(), day, zone,
                    "Conversion: " + conversion.actionName(), (value.isEmpty() ? "" : "worth " + value)
                            + (conversion.retractedAt() == null ? "" : (value.isEmpty() ? "" : "; ") + "since withdrawn"),
                    "conversion")));
        }
        for (CallQueries.Outcome outcome : outcomes) {
            String value = Readable.money(outcome.value(), outcome.currency());
            moments.add(new At(outcome.occurredAt(), 6, moment(outcome.occurredAt(), day, zone, "CRM outcome: " + outcome.status(),
                    value.isEmpty() ? "" : "worth " + value, "outcome")));
        }
        moments.sort(java.util.Comparator.comparing(At::at).thenComparingInt(At::order));
        return moments.stream().map(At::moment).toList();
    }

    private static Moment moment(Instant at, Instant day, ZoneId zone, String title, String detail, String kind) {
        String time = at.atZone(zone).toLocalDate().equals(day.atZone(zone).toLocalDate())
                ? Readable.timeWithSeconds(at, zone) : Readable.dateTime(at, zone);
        return new Moment(time, Readable.iso(at), title, detail, kind);
    }

    /** A label and its value, for the visit's campaign values and click ids. */
    public record Fact(String label, String value) {
    }

    private static List<Fact> campaignFacts(CallQueries.Visit visit) {
        List<Fact> facts = new ArrayList<>();
        add(facts, "Source (utm_source)", visit.utmSource());
        add(facts, "Medium (utm_medium)", visit.utmMedium());
        add(facts, "Campaign (utm_campaign)", visit.utmCampaign());
        add(facts, "Keyword (utm_term)", visit.utmTerm());
        add(facts, "Ad content (utm_content)", visit.utmContent());
        return facts;
    }

    private static List<Fact> clickIds(CallQueries.Visit visit) {
        List<Fact> facts = new ArrayList<>();
        add(facts, "Google Ads click (gclid)", visit.gclid());
        add(facts, "Google Ads, iOS app (gbraid)", visit.gbraid());
        add(facts, "Google Ads, iOS web (wbraid)", visit.wbraid());
        add(facts, "Microsoft Ads click (msclkid)", visit.msclkid());
        add(facts, "Meta click (fbclid)", visit.fbclid());
        return facts;
    }

    private static void add(List<Fact> facts, String label, String value) {
        if (value != null && !value.isEmpty()) {
            facts.add(new Fact(label, value));
        }
    }

    private static Row row(CallQueries.Summary call, ZoneId zone, List<CallQueries.Conversion> conversions) {
        String[] status = status(call.answeredAt(), call.status());
        String level = AttributionWords.level(call.attribution(), call.confidence());
        String conversion = conversions.stream().map(one -> {
            String value = Readable.money(one.value(), one.currency());
            return one.actionName() + (value.isEmpty() ? "" : " · " + value);
        }).collect(Collectors.joining("; "));
        return new Row(call.id(), Readable.dateTime(call.startedAt(), zone), Readable.iso(call.startedAt()),
                call.callerMasked() == null ? "Unknown caller" : call.callerMasked(), Readable.phone(call.dialled()),
                nonNull(call.numberName()),
                source(call.attribution(), call.sourceName(), call.utmSource(), call.referrerDomain()),
                "none".equals(call.attribution()) || call.utmCampaign() == null ? "" : call.utmCampaign(),
                call.answeredAt() == null ? "" : Readable.duration(call.talkSeconds()), status[0], status[1], conversion,
                level.isEmpty() ? "" : level + " · " + AttributionWords.figure(call.confidence()), AttributionWords.badge(level));
    }

    /** The source as reports name it (see {@code SourceName} and the reports' dimensions). */
    private static String source(String attribution, String staticSource, String utmSource, String referrerDomain) {
        if ("none".equals(attribution)) {
            return "(not attributable)";
        }
        return io.calltrail.tracking.SourceName.orDirect(io.calltrail.tracking.SourceName.of(staticSource, utmSource, referrerDomain));
    }

    /** The status in words and its badge: answered, missed (with the provider's reason), ringing. */
    private static String[] status(Instant answeredAt, String status) {
        if (answeredAt != null) {
            return "in-progress".equals(status) || "answered".equals(status)
                    ? new String[] {"In progress", "good"} : new String[] {"Answered", "good"};
        }
        return switch (status) {
            case "queued", "initiated", "ringing" -> new String[] {"Ringing", ""};
            case "busy" -> new String[] {"Missed (busy)", "bad"};
            case "failed" -> new String[] {"Missed (failed)", "bad"};
            case "canceled" -> new String[] {"Missed (hung up)", "bad"};
            default -> new String[] {"Missed", "bad"};
        };
    }

    /** The zone the date filter counts days in: the property's, the one all properties share, else UTC. */
    private static ZoneId filterZone(Property selected, List<Property> all) {
        if (selected != null) {
            return ZoneId.of(selected.timeZone());
        }
        List<String> zones = all.stream().map(Property::timeZone).distinct().toList();
        return zones.size() == 1 ? ZoneId.of(zones.get(0)) : ZoneOffset.UTC;
    }

    private static LocalDate date(String raw, String field) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "invalid_query", field, "“" + raw + "” is not a date; pick one, or write it like 2026-05-04");
        }
    }

    /** A yes/no filter: {@code yes} is true, {@code no} false, empty any. */
    private static Boolean choice(String raw, String yes, String no, String field) {
        if (raw.isEmpty()) {
            return null;
        }
        if (raw.equals(yes)) {
            return true;
        }
        if (raw.equals(no)) {
            return false;
        }
        throw new ApiError(400, "invalid_query", field, field + " must be " + yes + " or " + no);
    }

    private static long parseId(String raw) {
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw ApiError.notFound("call");
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
