package io.calltrail.app;

import io.calltrail.account.AccountHandlers;
import io.calltrail.account.AccountStore;
import io.calltrail.account.Actor;
import io.calltrail.account.Bootstrap;
import io.calltrail.account.Role;
import io.calltrail.conversion.ConversionHandlers;
import io.calltrail.conversion.Conversions;
import io.calltrail.conversion.OutcomeHandlers;
import io.calltrail.conversion.Outcomes;
import io.calltrail.conversion.export.DestinationHandlers;
import io.calltrail.conversion.export.ExportHandlers;
import io.calltrail.conversion.export.ExportPages;
import io.calltrail.conversion.export.HttpDestinations;
import io.calltrail.conversion.export.Exports;
import io.calltrail.conversion.delivery.Authorizer;
import io.calltrail.conversion.delivery.Deliverer;
import io.calltrail.conversion.delivery.Outbox;
import io.calltrail.conversion.webhook.WebhookAuthorizer;
import io.calltrail.conversion.webhook.WebhookHandlers;
import io.calltrail.conversion.webhook.Webhooks;
import io.calltrail.metrics.Metrics;
import io.calltrail.pool.Leases;
import io.calltrail.pool.PoolHandlers;
import io.calltrail.pool.PoolPages;
import io.calltrail.pool.PoolStore;
import io.calltrail.privacy.AuditHandlers;
import io.calltrail.privacy.AuditPages;
import io.calltrail.privacy.AuditLog;
import io.calltrail.privacy.CallerCrypto;
import io.calltrail.privacy.Erasure;
import io.calltrail.privacy.ErasureLog;
import io.calltrail.privacy.PrivacyHandlers;
import io.calltrail.privacy.PrivacyPages;
import io.calltrail.privacy.Purge;
import io.calltrail.privacy.SubjectAccess;
import io.calltrail.privacy.VisitorHasher;
import io.calltrail.property.PropertyHandlers;
import io.calltrail.property.PropertyStore;
import io.calltrail.report.ReportHandlers;
import io.calltrail.report.ReportPages;
import io.calltrail.report.Reports;
import io.calltrail.report.Rollups;
import io.calltrail.store.Database;
import io.calltrail.store.SqlErrors;
import io.calltrail.store.Spool;
import io.calltrail.telephony.CallHandlers;
import io.calltrail.telephony.CallPages;
import io.calltrail.telephony.CallerReveal;
import io.calltrail.telephony.CallLogImport;
import io.calltrail.telephony.CallRecorder;
import io.calltrail.telephony.CredentialHandlers;
import io.calltrail.telephony.RoutingTable;
import io.calltrail.telephony.TelephonyHandlers;
import io.calltrail.tracking.Bots;
import io.calltrail.tracking.Events;
import io.calltrail.tracking.PropertyCatalog;
import io.calltrail.tracking.RateLimiter;
import io.calltrail.tracking.Sessions;
import io.calltrail.tracking.SnippetHandler;
import io.calltrail.tracking.SourceRuleHandlers;
import io.calltrail.tracking.SourceRuleStore;
import io.calltrail.tracking.TrackingHandlers;
import io.calltrail.account.UserStore;
import io.calltrail.account.ApiKeyPages;
import io.calltrail.conversion.ConversionPages;
import io.calltrail.conversion.webhook.WebhookPages;
import io.calltrail.pool.PoolSetupPages;
import io.calltrail.property.PropertyPages;
import io.calltrail.telephony.CredentialPages;
import io.calltrail.tracking.Installation;
import io.calltrail.tracking.SourceRulePages;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Forms;
import io.calltrail.web.SetupPages;
import io.calltrail.web.UserPages;
import io.calltrail.web.SignInHandlers;
import io.calltrail.web.Templates;
import io.calltrail.web.Users;
import io.calltrail.web.WebSessions;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjLongConsumer;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles the slices into one running server: the only place where parts are wired together. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    private static final String ERROR_WRITTEN = "calltrail.error";
    private static final Set<HandlerType> WRITES = EnumSet.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    private final Settings settings;
    private final Database database;
    private final Javalin app;
    private final ScheduledExecutorService maintenance;
    private final Optional<String> ownerKey;
    private final Optional<String> signInPath;
    private final Optional<Demo.Seeded> demo;
    private final Events events;
    private final Sessions sessions;
    private final CallRecorder calls;
    private final Deliverer deliverer;
    private final ScheduledExecutorService deliveries;
    private final Rollups rollups;
    private final ScheduledExecutorService reporting;

    private Server(Settings settings, Database database, Javalin app, ScheduledExecutorService maintenance,
                   Optional<String> ownerKey, Optional<String> signInPath, Optional<Demo.Seeded> demo, Events events,
                   Sessions sessions, CallRecorder calls, Deliverer deliverer, ScheduledExecutorService deliveries, Rollups rollups,
                   ScheduledExecutorService reporting) {
        this.settings = settings;
        this.database = database;
        this.app = app;
        this.maintenance = maintenance;
        this.ownerKey = ownerKey;
        this.signInPath = signInPath;
        this.demo = demo;
        this.events = events;
        this.sessions = sessions;
        this.calls = calls;
        this.deliverer = deliverer;
        this.deliveries = deliveries;
        this.rollups = rollups;
        this.reporting = reporting;
    }

    public static Server start(Settings settings, Clock clock) {
        Database database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), settings.dbPoolSize());
        try {
            return start(settings, clock, database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Server start(Settings settings, Clock clock, Database database) {
        if (!settings.embeddedDatabase()) {
            log.info("event spool in {}: keep this folder on persistent storage", settings.dataDir().resolve("spool").toAbsolutePath().normalize());
        }
        if (database.kind() == Database.Kind.H2) {
            log.info("database: embedded H2 at {}", settings.dataDir().toAbsolutePath().normalize());
            log.warn("H2 is for a single instance; to run several instances behind a load balancer, use PostgreSQL (--db-url)");
        } else {
            log.info("database: PostgreSQL at {}", settings.dbUrl().replaceAll("password=[^&;]*", "password=***"));
        }
        database.migrate();

        var jdbi = database.jdbi();
        Metrics metrics = new Metrics();
        AccountStore accounts = new AccountStore(jdbi);
        PropertyStore properties = new PropertyStore(jdbi);
        PoolStore pools = new PoolStore();
        Leases leases = new Leases(jdbi, clock, metrics);
        PropertyCatalog catalog = new PropertyCatalog(jdbi, clock, Duration.ofSeconds(settings.settingsRefreshSeconds()));
        VisitorHasher hasher = new VisitorHasher(jdbi, clock);
        Sessions sessions = new Sessions(jdbi, clock, leases, hasher, metrics);

        Optional<String> ownerKey = Bootstrap.ensureOwner(jdbi, accounts, clock, settings.adminApiKey());
        CallerCrypto crypto = CallerCrypto.open(settings.keysDir());
        Optional<Demo.Seeded> demo = settings.demo() ? Optional.of(Demo.seed(jdbi, accounts, clock, settings, crypto)) : Optional.empty();
        AuditLog audit = new AuditLog(clock);
        UserStore userStore = new UserStore(jdbi);
        Users users = new Users(jdbi, userStore, audit, clock);
        long operatorAccount = accounts.operatorAccountId().orElseThrow();
        users.ensureOwner(operatorAccount, settings.adminEmail());
        demo.ifPresent(seeded -> users.ensureMember(settings.adminEmail(), seeded.accountId(), Role.OWNER));
        Optional<String> signInPath = users.firstSignIn(settings.adminEmail(), demo.map(Demo.Seeded::accountId).orElse(operatorAccount));
        Dashboard dashboard = new Dashboard(new WebSessions(jdbi, clock), userStore, new Templates(),
                settings.trustForwardedHeaders(), settings.publicUrl());
        Erasure erasure = new Erasure(jdbi, crypto, new ErasureLog(settings.keysDir()), clock, audit);
        erasure.reapply(); // a restored backup must not bring an erased caller back
        Purge purge = new Purge(jdbi, clock, audit, false);
        RoutingTable routing = new RoutingTable(jdbi, crypto);
        routing.refresh();
        Outbox outbox = new Outbox(clock);
        Webhooks webhooks = new Webhooks(outbox, crypto, clock);
        Conversions conversions = new Conversions(clock, webhooks::publish);
        HttpDestinations destinations = new HttpDestinations(outbox, crypto, clock);
        Events events = new Events(jdbi, database::flushCommits, clock, metrics, settings.dataDir().resolve("spool"), conversions::onPhoneClicks);
        Outcomes outcomes = new Outcomes(conversions, crypto, clock);
        Exports exports = new Exports(jdbi, crypto, clock, destinations, audit);
        ObjLongConsumer<Handle> onCallCompleted = onCallCompleted(conversions, webhooks);
        CallRecorder calls = new CallRecorder(jdbi, database::flushCommits, leases, routing, settings.dataDir().resolve("spool"), onCallCompleted);
        Runnable onChange = () -> {
            catalog.invalidate();
            leases.numbersChanged();
            routing.refresh();
        };
        Deliverer deliverer = deliverer(jdbi, clock, settings, crypto, destinations);
        Rollups rollups = new Rollups(jdbi, clock);
        CallerReveal reveal = new CallerReveal(jdbi, crypto, audit);

        // With port 0 the public URL is known only once the server has bound its port.
        AtomicReference<String> publicUrl = new AtomicReference<>(
                settings.publicUrl().toString());
        PropertyHandlers propertyHandlers = new PropertyHandlers(jdbi, properties, clock, onChange, audit);
        PoolHandlers poolHandlers = new PoolHandlers(jdbi, pools, properties, leases, clock, settings.defaultIdleTimeoutMinutes() * 60,
                settings.defaultLingerMinutes() * 60, onChange, audit);
        SourceRuleHandlers ruleHandlers = new SourceRuleHandlers(jdbi, new SourceRuleStore(), properties, pools, clock, onChange, audit);
        CredentialHandlers credentialHandlers = new CredentialHandlers(jdbi, crypto, clock, onChange, audit);
        AccountHandlers accountHandlers = new AccountHandlers(jdbi, accounts, clock, audit);
        ConversionHandlers conversionHandlers = new ConversionHandlers(jdbi, conversions, clock, audit);
        WebhookHandlers webhookHandlers = new WebhookHandlers(jdbi, webhooks, audit);
        Forms forms = new Forms(dashboard);
        Reports reports = new Reports(jdbi);
        Routes.Setup setup = new Routes.Setup(
                new SetupPages(forms, accountId -> !properties.list(accountId).isEmpty()),
                new PropertyPages(forms, propertyHandlers, properties, new Installation(jdbi), publicUrl::get, clock),
                new PoolSetupPages(forms, poolHandlers, properties, settings.defaultIdleTimeoutMinutes() * 60, settings.defaultLingerMinutes() * 60),
                new SourceRulePages(forms, ruleHandlers, properties, propertyHandlers, poolHandlers),
                new ConversionPages(forms, conversionHandlers, properties),
                new CredentialPages(forms, credentialHandlers),
                new ApiKeyPages(forms, accountHandlers),
                new UserPages(forms, users, publicUrl::get),
                new WebhookPages(forms, webhookHandlers));
        ExportHandlers exportHandlers = new ExportHandlers(jdbi, exports);
        PrivacyHandlers privacyHandlers = new PrivacyHandlers(jdbi, erasure, new SubjectAccess(crypto), clock, audit);
        Routes.Handlers handlers = new Routes.Handlers(
                new Health(database, metrics, () -> guarded("pool gauges", () ->
                        metrics.poolState(jdbi.withHandle(handle -> pools.readings(handle, clock.instant()))))),
                new TrackingHandlers(catalog, sessions, events, Bots.load(),
                        new RateLimiter(settings.rateLimitPerMinute(), clock), metrics, clock, settings.trustForwardedHeaders()),
                accountHandlers,
                propertyHandlers,
                poolHandlers,
                ruleHandlers,
                new Pages(),
                new SnippetHandler(catalog, settings.publicUrl().toString()),
                new TelephonyHandlers(routing, calls, crypto, clock, publicUrl::get),
                new CallHandlers(jdbi, new CallLogImport(jdbi, crypto, leases, routing, onCallCompleted), reveal, audit),
                credentialHandlers,
                conversionHandlers,
                new OutcomeHandlers(jdbi, outcomes, audit),
                exportHandlers,
                new DestinationHandlers(jdbi, crypto, clock, audit),
                privacyHandlers,
                webhookHandlers,
                new AuditHandlers(jdbi),
                new ReportHandlers(reports, properties, clock),
                new ApiDocs(),
                new SignInHandlers(jdbi, userStore, dashboard, audit, clock, settings.trustForwardedHeaders()),
                new ReportPages(dashboard, reports, properties, clock),
                new AuditPages(dashboard, jdbi),
                new CallPages(dashboard, jdbi, properties, reveal),
                new PoolPages(dashboard, jdbi, pools, properties, clock),
                setup,
                new PrivacyPages(dashboard, privacyHandlers, properties, clock),
                new ExportPages(dashboard, jdbi, exportHandlers));

        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.maxRequestSize = 1_000_000;
            config.http.prefer405over404 = true;
            // Responses are small JSON; the snippet carries its own gzip. Nothing else to compress.
            config.http.disableCompression();
            config.jetty.defaultHost = settings.httpHost();
            config.jetty.defaultPort = settings.httpPort();
            // The dashboard's own stylesheet and script, and the chart library from its WebJar: nothing from elsewhere.
            config.staticFiles.add(files -> {
                files.hostedPath = "/assets";
                files.directory = "/web/assets";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
            config.requestLogger.http((ctx, millis) -> metrics.httpRequest(ctx.method().name(), routeOf(ctx),
                    ctx.statusCode(), Duration.ofNanos((long) (millis * 1_000_000))));
        });
        app.before("/api/*", ctx -> {
            if (ctx.path().equals(ApiDocs.PATH)) {
                return; // the API's description holds nothing of any account
            }
            String header = ctx.header("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ApiError(401, "unauthenticated", "Authorization", "send Authorization: Bearer <api key>");
            }
            AccountStore.Authenticated caller = accounts.authenticate(header.substring(7).strip())
                    .orElseThrow(() -> new ApiError(401, "unauthenticated", "Authorization", "unknown or revoked API key"));
            ctx.attribute(Admin.ACCOUNT_ATTRIBUTE, caller.account());
            ctx.attribute(Admin.ACTOR_ATTRIBUTE, Actor.apiKey(caller.key(), ClientAddress.of(ctx, settings.trustForwardedHeaders())));
            // One rule for every route, present and future: a viewer key reads and never writes.
            if (caller.key().role() == Role.VIEWER && WRITES.contains(ctx.method())) {
                throw Admin.forbidden("this API key has the role viewer, which may only read; " + ctx.method()
                        + " needs an owner or admin key");
            }
        });
        app.before(Dashboard.PAGES, dashboard::before);
        app.before(Dashboard.PAGES + "/*", dashboard::before);
        app.exception(ApiError.class, (error, ctx) -> {
            if (Dashboard.isPage(ctx)) {
                dashboard.errorPage(ctx, error.status(), error.getMessage());
                ctx.attribute(ERROR_WRITTEN, true);
            } else {
                writeError(ctx, error.status(), error.code(), error.field(), error.getMessage());
            }
        });
        app.exception(HttpResponseException.class, (error, ctx) -> {
            if (Dashboard.isPage(ctx)) {
                dashboard.errorPage(ctx, error.getStatus(), error.getStatus() == 404
                        ? "There is no such page in this account." : error.getMessage());
                ctx.attribute(ERROR_WRITTEN, true);
                return;
            }
            writeError(ctx, error.getStatus(), error.getStatus() == 413 ? "body_too_large" : "http_" + error.getStatus(),
                    null, error.getMessage());
        });
        app.exception(Spool.Full.class, (error, ctx) -> {
            ctx.header("Retry-After", "1");
            writeError(ctx, 503, "overloaded", null, error.getMessage());
        });
        app.exception(Exception.class, (error, ctx) -> {
            if (SqlErrors.isConnectionLost(error)) {
                log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), error.getMessage());
                ctx.header("Retry-After", "5");
                writeError(ctx, 503, "unavailable", null, "the database is unavailable; nothing was stored, retry shortly");
                return;
            }
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), error);
            if (Dashboard.isPage(ctx)) {
                dashboard.errorPage(ctx, 500, "Something went wrong on our side; nothing was changed. Try again in a moment.");
                ctx.attribute(ERROR_WRITTEN, true);
                return;
            }
            writeError(ctx, 500, "internal_error", null, "internal error; the request was not completed");
        });
        app.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null && Dashboard.isPage(ctx)) {
                dashboard.errorPage(ctx, 404, "There is no such page in this account.");
            } else if (ctx.attribute(ERROR_WRITTEN) == null) {
                writeError(ctx, 404, "not_found", null, "no such resource: " + ctx.path());
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null && Dashboard.isPage(ctx)) {
                dashboard.errorPage(ctx, 405, "This page cannot be sent to; open it instead.");
            } else if (ctx.attribute(ERROR_WRITTEN) == null) {
                writeError(ctx, 405, "method_not_allowed", null, ctx.method() + " is not allowed on " + ctx.path());
            }
        });
        Routes.wire(app, handlers);
        app.start();
        if (settings.publicUrl().getPort() == 0) {
            publicUrl.set(settings.publicUrl().getScheme() + "://" + settings.publicUrl().getHost() + ":" + app.port());
        }

        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "calltrail-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        maintenance.scheduleWithFixedDelay(() -> guarded("salt purge", hasher::purgeOldSalts), 1, 3600, TimeUnit.SECONDS);
        maintenance.scheduleWithFixedDelay(() -> guarded("retention purge", purge::run), 600, 24 * 3600, TimeUnit.SECONDS);
        // numbers changed through other instances reach this routing table within the refresh interval
        maintenance.scheduleWithFixedDelay(routing::refresh, settings.settingsRefreshSeconds(),
                settings.settingsRefreshSeconds(), TimeUnit.SECONDS);

        // A thread of its own: a slow receiver must not hold up the maintenance tasks.
        ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "calltrail-deliveries");
            thread.setDaemon(true);
            return thread;
        });
        deliverer.start(deliveries);

        // A thread of its own too: a first rollup of a long history takes a while, and routing must not wait for it.
        ScheduledExecutorService reporting = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "calltrail-rollups");
            thread.setDaemon(true);
            return thread;
        });
        reporting.scheduleWithFixedDelay(() -> guarded("report rollups", rollups::run), 30, 60, TimeUnit.SECONDS);
        return new Server(settings, database, app, maintenance, ownerKey, signInPath, demo, events, sessions, calls, deliverer, deliveries, rollups,
                reporting);
    }

    /** What happens when a call ends, in the transaction that ends it: conversions by their rules, then {@code call.completed}. */
    public static ObjLongConsumer<Handle> onCallCompleted(Conversions conversions, Webhooks webhooks) {
        return (handle, callId) -> {
            conversions.onCallCompleted(handle, callId);
            webhooks.onCallCompleted(handle, callId);
        };
    }

    /** Every kind of outbound delivery this server sends, with what signs it; a kind not here fails its attempts. */
    private static Deliverer deliverer(org.jdbi.v3.core.Jdbi jdbi, Clock clock, Settings settings, CallerCrypto crypto,
                                       HttpDestinations destinations) {
        Duration timeout = Duration.ofSeconds(settings.deliveryTimeoutSeconds());
        return new Deliverer(jdbi, clock, Deliverer.httpClient(timeout), authorizers(crypto, destinations),
                settings.deliveryMaxAttempts(), Duration.ofSeconds(settings.deliveryBackoffSeconds()), timeout);
    }

    /** How each kind of delivery signs in where it goes. */
    static Map<String, Authorizer> authorizers(CallerCrypto crypto, HttpDestinations destinations) {
        Map<String, Authorizer> authorizers = new java.util.HashMap<>(destinations.authorizers());
        authorizers.put(Webhooks.KIND, new WebhookAuthorizer(crypto));
        return Map.copyOf(authorizers);
    }

    private static void guarded(String task, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", task, e.toString());
        }
    }

    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() ? "unmatched" : path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static void writeError(io.javalin.http.Context ctx, int status, String code, String field, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message);
        ctx.attribute(ERROR_WRITTEN, true);
        ctx.status(status).json(body);
    }

    public int port() {
        return app.port();
    }

    public Database database() {
        return database;
    }

    /** The owner's API key if this start created the owner account, else empty. */
    public Optional<String> ownerKey() {
        return ownerKey;
    }

    /** A one-time sign-in path for the owner user, for as long as it has not chosen a password. */
    public Optional<String> signInPath() {
        return signInPath;
    }

    public Optional<Demo.Seeded> demo() {
        return demo;
    }

    /** Waits until every recorded call fact is in the database. */
    public boolean awaitCallsLoaded(Duration timeout) {
        return calls.awaitLoaded(timeout);
    }

    /** Waits until every acknowledged event is in the database. */
    public boolean awaitEventsLoaded(Duration timeout) {
        return events.awaitLoaded(timeout);
    }

    public Settings settings() {
        return settings;
    }

    /** The parts the command-line tools use on a database, without the HTTP server; {@code audit} records what they change. */
    public record Offline(Database database, CallerCrypto crypto, Webhooks webhooks, Conversions conversions, Outcomes outcomes,
                          Exports exports, Deliverer deliverer, AuditLog audit, Erasure erasure, SubjectAccess subjects, Purge purge)
            implements AutoCloseable {
        @Override
        public void close() {
            deliverer.close();
            database.close();
        }
    }

    /** Opens the database (migrating it) and wires conversions, outcomes and exports as the server does. */
    public static Offline offline(Settings settings, Clock clock) {
        Database database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), 2);
        try {
            database.migrate();
            CallerCrypto crypto = CallerCrypto.open(settings.keysDir());
            // deliveries are queued here, in the same transactions, and sent by the running server (or by the deliverer)
            Outbox outbox = new Outbox(clock);
            Webhooks webhooks = new Webhooks(outbox, crypto, clock);
            Conversions conversions = new Conversions(clock, webhooks::publish);
            HttpDestinations destinations = new HttpDestinations(outbox, crypto, clock);
            Deliverer deliverer = deliverer(database.jdbi(), clock, settings, crypto, destinations);
            AuditLog audit = new AuditLog(clock);
            return new Offline(database, crypto, webhooks, conversions, new Outcomes(conversions, crypto, clock),
                    new Exports(database.jdbi(), crypto, clock, destinations, audit), deliverer, audit,
                    new Erasure(database.jdbi(), crypto, new ErasureLog(settings.keysDir()), clock, audit), new SubjectAccess(crypto),
                    new Purge(database.jdbi(), clock, audit, true));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Keeps the reports' daily rollups; runs on its own every minute. */
    public Rollups rollups() {
        return rollups;
    }

    /** Sends the outbox's due deliveries; runs on its own every few seconds. */
    public Deliverer deliverer() {
        return deliverer;
    }

    @Override
    public void close() {
        deliverer.close();
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(5, TimeUnit.SECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
        maintenance.shutdownNow();
        reporting.shutdownNow();
        app.stop();
        sessions.close();
        events.close();
        calls.close();
        database.close();
    }
}
