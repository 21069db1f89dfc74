import io.calltrail.account.AccountStore;
import io.calltrail.app.Json;
import io.calltrail.conversion.ConversionAction;
import io.calltrail.conversion.ConversionStore;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.report.Dimension;
import io.calltrail.report.Period;
import io.calltrail.report.ReportRules;
import io.calltrail.report.Reports;
import io.calltrail.report.Rollups;
import io.calltrail.store.Database;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Generates one property's 90 days (SESSIONS sessions, default 1,000,000, each with a page view and one in twelve with
 * a click on a phone link; CALLS calls, default 100,000: three in five from a visit, the rest to static numbers or not
 * attributable, main-line calls from a call log among them; conversions of calls and clicks, a few restated or
 * retracted) and times the overview and the by-campaign report: first from the facts alone, then after the rollup job
 * has rolled up the days that are over. Both answers must be the same. Calls the reports as the HTTP handlers do,
 * without the HTTP layer. Data generated before is used again (property key "report-bench").
 *
 * java -cp target/calltrail.jar bench/ReportBench.java JDBC_URL USER PASSWORD [SESSIONS] [CALLS]
 */
public class ReportBench {
    private static final String KEY = "report-bench";
    private static final ZoneId ZONE = ZoneId.of("America/Chicago");
    /** The data ends at midnight in the property's zone; the clock is half an hour later, so yesterday is not rolled up yet. */
    private static final Instant END = LocalDate.of(2026, 5, 1).atStartOfDay(ZONE).toInstant();
    private static final Clock CLOCK = Clock.fixed(END.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        int calls = args.length > 4 ? Integer.parseInt(args[4]) : 100_000;
        try (Database database = Database.open(args[0], args[1], args[2], 4)) {
            database.migrate();
            Jdbi jdbi = database.jdbi();
            PropertyStore properties = new PropertyStore(jdbi);
            Optional<Property> existing = properties.byPublicKey(KEY);
            Property property;
            if (existing.isPresent()) {
                property = existing.get();
                System.out.printf("%s: using the data generated before (property %d)%n", database.kind(), property.id());
            } else {
                long generating = System.nanoTime();
                property = generate(jdbi, sessions, calls);
                System.out.printf("%s: generated %,d sessions and %,d calls over 90 days in %.0f s%n", database.kind(), sessions, calls,
                        (System.nanoTime() - generating) / 1e9);
            }
            jdbi.useHandle(handle -> handle.execute("DELETE FROM report_rollup WHERE property_id = ?", property.id()));
            Reports reports = new Reports(jdbi);
            Period last30 = Period.of(null, null, ZONE, CLOCK.instant());
            Period last90 = new Period(LocalDate.of(2026, 1, 31), LocalDate.of(2026, 5, 1), ZONE);
            ReportRules.Sort byCalls = ReportRules.Sort.DEFAULT;
            List<Named> reportsToTime = List.of(
                    new Named("overview, last 30 days (the default; compared with the 30 before)", () -> reports.overview(property, last30)),
                    new Named("overview, 90 days (compared with the 90 before)", () -> reports.overview(property, last90)),
                    new Named("by campaign, last 30 days", () -> reports.report(property, last30, Dimension.CAMPAIGN, byCalls)),
                    new Named("by campaign, 90 days", () -> reports.report(property, last90, Dimension.CAMPAIGN, byCalls)));

            System.out.printf("%s: from the facts alone (no rollups):%n", database.kind());
            List<String> fromFacts = new ArrayList<>();
            for (Named report : reportsToTime) {
                long started = System.nanoTime();
                fromFacts.add(Json.MAPPER.writeValueAsString(report.report().get()));
                System.out.printf("  %-70s %7.0f ms%n", report.name(), (System.nanoTime() - started) / 1e6);
            }

            long rolling = System.nanoTime();
            Rollups.Result rolled = new Rollups(jdbi, CLOCK).run();
            System.out.printf("%s: the rollup job rolled up %d days in %.1f s (a first run; later runs roll up one new day)%n",
                    database.kind(), rolled.rolled(), (System.nanoTime() - rolling) / 1e9);
            System.out.printf("%s: with the rollups (yesterday and today still from the facts), %d runs each:%n", database.kind(), RUNS);
            for (int i = 0; i < reportsToTime.size(); i++) {
                Named report = reportsToTime.get(i);
                double[] millis = new double[RUNS];
                String answer = null;
                for (int run = 0; run < RUNS; run++) {
                    long started = System.nanoTime();
                    answer = Json.MAPPER.writeValueAsString(report.report().get());
                    millis[run] = (System.nanoTime() - started) / 1e6;
                }
                Arrays.sort(millis);
                System.out.printf("  %-70s median %5.0f ms, slowest %5.0f ms%s%n", report.name(), millis[RUNS / 2], millis[RUNS - 1],
                        answer.equals(fromFacts.get(i)) ? "" : "   DIFFERS FROM THE FACTS");
                if (!answer.equals(fromFacts.get(i))) {
                    System.exit(1);
                }
            }
        }
    }

    private record Named(String name, Supplier<Object> report) {
    }

    // ---- the generated data

    private static final String[] CAMPAIGNS = new String[25];
    private static final String[] TERMS = new String[400];
    private static final String[] PAGES = new String[40];
    private static final String[] REFERRERS = new String[30];
    private static final String[] STATIC_SOURCES = {"Yelp listing", "Google Business Profile", "Billboard I-35"};

    static {
        for (int i = 0; i < CAMPAIGNS.length; i++) {
            CAMPAIGNS[i] = "campaign-" + i;
        }
        for (int i = 0; i < TERMS.length; i++) {
            TERMS[i] = "emergency plumber " + i;
        }
        for (int i = 0; i < PAGES.length; i++) {
            PAGES[i] = "https://www.example.com/service-" + i;
        }
        for (int i = 0; i < REFERRERS.length; i++) {
            REFERRERS[i] = "blog" + i + ".example.org";
        }
    }

    private static Property generate(Jdbi jdbi, int sessions, int calls) {
        Instant now = Instant.now();
        long account = jdbi.inTransaction(handle -> new AccountStore(jdbi).insertAccount(handle, "report bench", false, now).id());
        Property property = jdbi.inTransaction(handle -> new PropertyStore(jdbi).insert(handle, new Property(0, account, "report bench",
                KEY, List.of("www.example.com"), "US", ZONE.getId(), "USD", Property.AttributionModel.LAST_TOUCH, 1800,
                Property.ConsentMode.REQUIRED, false, now, now)));
        ConversionStore actions = new ConversionStore();
        ConversionAction defaults = ConversionAction.defaults(account, property.id(), "USD", now);
        long callAction = jdbi.inTransaction(handle -> actions.insert(handle,
                defaults.named("Phone call (60 s)", ConversionAction.Kind.CALL, new BigDecimal("120.00"))).id());
        long clickAction = jdbi.inTransaction(handle -> actions.insert(handle,
                defaults.named("Clicks on the number", ConversionAction.Kind.TEL_CLICK, null)).id());

        Random random = new Random(42);
        long span = Duration.ofDays(90).getSeconds();
        long first = END.getEpochSecond() - span;
        String[] ids = new String[sessions];
        long[] started = new long[sessions];
        for (int i = 0; i < sessions; i++) {
            started[i] = first + (long) ((double) i / sessions * span) + random.nextInt(60);
        }
        int batchSize = 5000;
        for (int done = 0; done < sessions; done += batchSize) {
            int from = done;
            jdbi.useTransaction(handle -> {
                PreparedBatch visits = handle.prepareBatch("""
                        INSERT INTO visit_session (id, account_id, property_id, started_at, last_seen_at, requests, landing_url, referrer,
                               referrer_domain, utm_source, utm_medium, utm_campaign, utm_term, gclid, msclkid, fbclid)
                        VALUES (:id, :account, :property, :at, :at, 1, :landing, :referrer, :domain, :source, :medium, :campaign,
                                :term, :gclid, :msclkid, :fbclid)""");
                PreparedBatch events = handle.prepareBatch("""
                        INSERT INTO tracking_event (account_id, id, property_id, session_id, type, url, number_clicked, occurred_at,
                                                    received_at)
                        VALUES (:account, :id, :property, :session, :type, :url, :number, :at, :at)""");
                PreparedBatch conversions = handle.prepareBatch("""
                        INSERT INTO conversion (account_id, property_id, action_id, rule_version, dedupe_key, session_id, event_id,
                                                converted_at, conversion_value, currency, created_at, updated_at)
                        VALUES (:account, :property, :action, 1, :key, :session, :event, :at, NULL, 'USD', :at, :at)""");
                for (int i = from; i < Math.min(sessions, from + batchSize); i++) {
                    String id = UUID.randomUUID().toString();
                    ids[i] = id;
                    Instant at = Instant.ofEpochSecond(started[i]);
                    String page = PAGES[Math.min(PAGES.length - 1, (int) Math.abs(random.nextGaussian() * 10))];
                    String source = null;
                    String medium = null;
                    String campaign = null;
                    String term = null;
                    String gclid = null;
                    String msclkid = null;
                    String fbclid = null;
                    String referrer = null;
                    String domain = null;
                    String landing = page;
                    int kind = random.nextInt(100);
                    if (kind < 35) { // Google Ads
                        source = "google";
                        medium = "cpc";
                        campaign = CAMPAIGNS[random.nextInt(20)];
                        term = TERMS[Math.min(TERMS.length - 1, (int) Math.abs(random.nextGaussian() * 120))];
                        gclid = "Cj0" + Long.toHexString(random.nextLong());
                        landing = page + "?utm_source=google&utm_medium=cpc&utm_campaign=" + campaign + "&gclid=" + gclid;
                        referrer = "https://www.google.com/";
                        domain = "www.google.com";
                    } else if (kind < 45) { // Facebook ads
                        source = "facebook";
                        medium = "paid_social";
                        campaign = CAMPAIGNS[20 + random.nextInt(5)];
                        fbclid = "IwAR" + Long.toHexString(random.nextLong());
                        landing = page + "?utm_source=facebook&utm_medium=paid_social&fbclid=" + fbclid;
                        referrer = "https://m.facebook.com/";
                        domain = "m.facebook.com";
                    } else if (kind < 50) { // Microsoft Ads
                        source = "bing";
                        medium = "cpc";
                        campaign = CAMPAIGNS[random.nextInt(10)];
                        term = TERMS[random.nextInt(100)];
                        msclkid = Long.toHexString(random.nextLong());
                        landing = page + "?utm_source=bing&utm_medium=cpc&msclkid=" + msclkid;
                    } else if (kind < 70) { // organic search
                        referrer = "https://www.google.com/";
                        domain = "www.google.com";
                    } else if (kind < 75) { // referrals
                        domain = random.nextBoolean() ? "www.yelp.com" : REFERRERS[random.nextInt(REFERRERS.length)];
                        referrer = "https://" + domain + "/post";
                    } // else direct
                    visits.bind("id", id).bind("account", account).bind("property", property.id()).bind("at", at)
                            .bind("landing", landing).bind("referrer", referrer).bind("domain", domain).bind("source", source)
                            .bind("medium", medium).bind("campaign", campaign).bind("term", term).bind("gclid", gclid)
                            .bind("msclkid", msclkid).bind("fbclid", fbclid).add();
                    events.bind("account", account).bind("id", UUID.randomUUID().toString()).bind("property", property.id())
                            .bind("session", id).bind("type", "page_view").bind("url", landing).bind("number", (String) null)
                            .bind("at", at).add();
                    if (random.nextInt(12) == 0) {
                        String event = UUID.randomUUID().toString();
                        Instant clicked = at.plusSeconds(30 + random.nextInt(300));
                        events.bind("account", account).bind("id", event).bind("property", property.id()).bind("session", id)
                                .bind("type", "tel_click").bind("url", landing).bind("number", "(512) 555-0100").bind("at", clicked).add();
                        if (random.nextBoolean()) {
                            conversions.bind("account", account).bind("property", property.id()).bind("action", clickAction)
                                    .bind("key", "tel_click:" + event).bind("session", id).bind("event", event).bind("at", clicked).add();
                        }
                    }
                }
                visits.execute();
                events.execute();
                if (conversions.size() > 0) {
                    conversions.execute();
                }
            });
        }
        for (int done = 0; done < calls; done += batchSize) {
            int from = done;
            jdbi.useTransaction(handle -> {
                PreparedBatch batch = handle.prepareBatch("""
                        INSERT INTO phone_call (account_id, property_id, provider, provider_call_id, dialled_e164, caller_hash,
                               started_at, answered_at, ended_at, talk_seconds, status, status_rank, first_time_caller,
                               attribution, confidence, attribution_reason, session_id, source_name)
                        VALUES (:account, :property, :provider, :sid, '+15125550100', :hash, :started, :answered, :ended, :talk,
                                :status, 3, :first, :attribution, :confidence, 'bench', :session, :source)""");
                for (int i = from; i < Math.min(calls, from + batchSize); i++) {
                    int kind = random.nextInt(100);
                    String session = null;
                    String source = null;
                    String attribution = "none";
                    double confidence = 0;
                    long at;
                    if (kind < 60) { // to a pool number a visit held
                        int visit = random.nextInt(sessions);
                        session = ids[visit];
                        at = Math.min(started[visit] + 60 + random.nextInt(1200), END.getEpochSecond() - 1);
                        attribution = random.nextInt(10) < 9 ? "lease" : "linger";
                        confidence = attribution.equals("lease") ? 0.9 : 0.6;
                    } else {
                        at = END.getEpochSecond() - 1 - (long) (random.nextDouble() * span);
                        if (kind < 75) {
                            source = STATIC_SOURCES[random.nextInt(STATIC_SOURCES.length)];
                            attribution = "static_source";
                            confidence = 1;
                        }
                    }
                    boolean answered = random.nextInt(10) < 8;
                    int talk = answered ? (int) Math.min(3600, Math.round(Math.exp(4 + random.nextGaussian()))) : 0;
                    Instant when = Instant.ofEpochSecond(at);
                    batch.bind("account", account).bind("property", property.id()).bind("provider", kind >= 88 ? "csv" : "twilio")
                            .bind("sid", "CA" + property.id() + "x" + i).bind("hash", Integer.toHexString(random.nextInt(calls)))
                            .bind("started", when).bind("answered", answered ? when.plusSeconds(5) : null)
                            .bind("ended", when.plusSeconds(5 + talk)).bind("talk", talk)
                            .bind("status", answered ? "completed" : "no-answer").bind("first", random.nextInt(10) < 7)
                            .bind("attribution", attribution).bind("confidence", BigDecimal.valueOf(confidence))
                            .bind("session", session).bind("source", source).add();
                }
                batch.execute();
            });
        }
        // the 60-second action over the attributed calls; one in twenty restated by a CRM, one in a hundred in another
        // currency, two in a hundred retracted
        jdbi.useTransaction(handle -> {
            List<Map<String, Object>> qualifying = handle.createQuery("""
                    SELECT id, session_id, ended_at FROM phone_call
                     WHERE property_id = :property AND answered_at IS NOT NULL AND talk_seconds >= 60 AND attribution <> 'none'
                     ORDER BY id""").bind("property", property.id()).mapToMap().list();
            PreparedBatch batch = handle.prepareBatch("""
                    INSERT INTO conversion (account_id, property_id, action_id, rule_version, dedupe_key, call_id, session_id,
                                            converted_at, conversion_value, currency, created_at, updated_at, retracted_at, value_version)
                    VALUES (:account, :property, :action, 1, :key, :call, :session, :at, :value, :currency, :at, :at, :retracted,
                            :version)""");
            Random values = new Random(7);
            for (Map<String, Object> call : qualifying) {
                long id = ((Number) call.get("id")).longValue();
                Object ended = call.get("ended_at");
                Instant at = ended instanceof Timestamp timestamp ? timestamp.toInstant() : ((OffsetDateTime) ended).toInstant();
                int roll = values.nextInt(100);
                BigDecimal value = roll < 5 ? BigDecimal.valueOf(200 + values.nextInt(1800)).setScale(2) : new BigDecimal("120.00");
                boolean retracted = roll >= 97 && roll < 99;
                batch.bind("account", account).bind("property", property.id()).bind("action", callAction).bind("key", "call:" + id)
                        .bind("call", id).bind("session", (String) call.get("session_id")).bind("at", at).bind("value", value)
                        .bind("currency", roll == 99 ? "CAD" : "USD").bind("retracted", retracted ? at : null)
                        .bind("version", roll < 5 || retracted ? 2 : 1).add();
                if (batch.size() >= batchSize) {
                    batch.execute();
                }
            }
            if (batch.size() > 0) {
                batch.execute();
            }
        });
        return property;
    }
}
