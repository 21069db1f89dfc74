package io.calltrail;

import ch.qos.logback.classic.Level;
import io.calltrail.app.Server;
import io.calltrail.app.Settings;
import io.calltrail.app.SettingsLoader;
import io.calltrail.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point: the command line, nothing else. */
@Command(name = "calltrail", mixinStandardHelpOptions = true, versionProvider = Calltrail.Version.class,
        description = "Self-hosted phone-call conversion tracking server.",
        subcommands = {Calltrail.Serve.class, Calltrail.Migrate.class, io.calltrail.telephony.SimulateCall.class,
                Calltrail.ImportCalls.class, Calltrail.ImportOutcomes.class, Calltrail.Export.class,
                Calltrail.PurgeCommand.class, Calltrail.Erase.class, Calltrail.SignInLink.class, Calltrail.Subject.class,
                io.calltrail.poollab.PoolLabCommand.class, io.calltrail.poollab.PoolSizeCommand.class, Calltrail.VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Calltrail implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Calltrail()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Options shared by every command that needs settings. */
    static final class SettingsOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "Settings file (properties format).")
        Path config;
        @Option(names = "--data", paramLabel = "DIR", description = "Data folder for the embedded database (default ./data).")
        String data;
        @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "Database URL, e.g. jdbc:postgresql://host/db (default: embedded H2).")
        String dbUrl;
        @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
        String dbUser;
        @Option(names = "--db-password", paramLabel = "PASSWORD", description = "Database password (prefer CALLTRAIL_DB_PASSWORD).")
        String dbPassword;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, e.g. --set tracking.rateLimitPerMinute=600.")
        Map<String, String> extra = new LinkedHashMap<>();

        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>(extra);
            put(flags, "data.dir", data);
            put(flags, "db.url", dbUrl);
            put(flags, "db.user", dbUser);
            put(flags, "db.password", dbPassword);
            return flags;
        }

        static void put(Map<String, String> flags, String key, Object value) {
            if (value != null) {
                flags.put(key, value.toString());
            }
        }

        Settings load(Map<String, String> flags) {
            Settings settings = SettingsLoader.load(config, System.getenv(), flags);
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.calltrail")).setLevel(Level.toLevel(settings.logLevel()));
            return settings;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();
        @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080).")
        Integer port;
        @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default 127.0.0.1).")
        String host;
        @Option(names = "--demo", description = "Seed the demo account, property, pool and the page /demo/.")
        boolean demo;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> flags = options.flags();
            SettingsOptions.put(flags, "http.port", port);
            SettingsOptions.put(flags, "http.host", host);
            if (demo) {
                flags.put("demo", "true");
            }
            Settings settings = loadOrReport(options, flags);
            if (settings == null) {
                return 2;
            }
            Server server = Server.start(settings, Clock.systemUTC());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "calltrail-shutdown"));
            String base = settings.httpPort() == 0 && settings.publicUrl().getPort() == 0
                    ? "http://" + settings.publicUrl().getHost() + ":" + server.port() : settings.publicUrl().toString();
            System.out.println();
            System.out.println("Calltrail " + Version.current() + " is listening on http://" + settings.httpHost() + ":" + server.port());
            System.out.println("  Dashboard:  " + base + "/");
            server.signInPath().ifPresent(path -> System.out.println(
                    "  Sign in once as " + settings.adminEmail() + " and choose a password:  " + base + path));
            server.ownerKey().ifPresent(key -> System.out.println(
                    "  Owner API key (shown once, keep it safe):  " + key));
            server.demo().ifPresent(demoSeed -> {
                System.out.println("  Demo page:  " + base + "/demo/?gclid=demo-click-1");
                System.out.println("  Demo API key:  " + (demoSeed.apiKey() == null
                        ? "(shown when the demo was first seeded)" : demoSeed.apiKey()));
                System.out.println("  Demo webhook auth token:  " + demoSeed.authToken());
                System.out.println("  Try:  ./calltrail simulate-call --to +15125550110 --from +15125550199 --base-url " + base);
            });
            System.out.println();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply database migrations and exit.")
    static final class Migrate implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        @Override
        public Integer call() {
            Settings settings = loadOrReport(options, options.flags());
            if (settings == null) {
                return 2;
            }
            try (Database database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), 2)) {
                int applied = database.migrate();
                System.out.println("database is current; " + applied + " migration(s) applied");
            }
            return 0;
        }
    }

    /**
     * A command that works on the database without the server: loads the settings (exit 2 when they are invalid),
     * checks its own arguments, then opens the database, the keys and the outbox for {@link #run}.
     */
    abstract static class OfflineCommand implements Callable<Integer> {
        @Mixin
        SettingsOptions options = new SettingsOptions();

        /** An exit status when the arguments are wrong (after saying why), or null to go on. */
        Integer check() {
            return null;
        }

        abstract int run(Settings settings, Server.Offline offline) throws Exception;

        @Override
        public Integer call() throws Exception {
            Settings settings = loadOrReport(options, options.flags());
            if (settings == null) {
                return 2;
            }
            Integer refused = check();
            if (refused != null) {
                return refused;
            }
            try (Server.Offline offline = Server.offline(settings, Clock.systemUTC())) {
                return run(settings, offline);
            }
        }
    }

    /** The property with this public key, or empty after saying there is none. */
    static java.util.Optional<io.calltrail.property.Property> property(org.jdbi.v3.core.Jdbi jdbi, String key) {
        var found = new io.calltrail.property.PropertyStore(jdbi).byPublicKey(key);
        if (found.isEmpty()) {
            System.err.println("no property has the key " + key);
        }
        return found;
    }

    /** The account given, else the database's only one; null after saying which is missing. */
    static Long account(org.jdbi.v3.core.Jdbi jdbi, Long given) {
        Long accountId = given != null ? given : onlyAccount(jdbi);
        if (accountId == null) {
            System.err.println("name the account with --account ID (this database has none or several)");
        }
        return accountId;
    }

    @Command(name = "import-calls", mixinStandardHelpOptions = true,
            description = "Import a call log (Asterisk Master.csv, FreeSWITCH mod_cdr_csv, or CSV) into a property.")
    static final class ImportCalls extends OfflineCommand {
        @Option(names = "--format", required = true, paramLabel = "asterisk|freeswitch|csv", description = "The log's format.")
        io.calltrail.telephony.CallLogImport.Format format;
        @Option(names = "--property", required = true, paramLabel = "KEY", description = "The property's public key.")
        String property;
        @Option(names = "--column", paramLabel = "FIELD=HEADER",
                description = "For csv: which header holds caller, dialled, start, answer, end, talk_seconds, status, id.")
        Map<String, String> columns = new LinkedHashMap<>();
        @Option(names = "--all-or-nothing", description = "Import nothing when any line is malformed (default: skip it and report).")
        boolean allOrNothing;
        @picocli.CommandLine.Parameters(paramLabel = "FILE", description = "The call log.")
        Path file;

        @Override
        int run(Settings settings, Server.Offline offline) throws Exception {
            Database database = offline.database();
            var crypto = offline.crypto();
            var routing = new io.calltrail.telephony.RoutingTable(database.jdbi(), crypto);
            routing.refresh();
            var leases = new io.calltrail.pool.Leases(database.jdbi(), Clock.systemUTC(), new io.calltrail.metrics.Metrics());
            var found = property(database.jdbi(), property);
            if (found.isEmpty()) {
                return 2;
            }
            var conversions = offline.conversions();
            var webhooks = offline.webhooks();
            var actor = io.calltrail.account.Actor.cli(found.get().accountId());
            var result = new io.calltrail.telephony.CallLogImport(database.jdbi(), crypto, leases, routing,
                    Server.onCallCompleted(conversions, webhooks)).run(found.get(), format,
                    java.nio.file.Files.newBufferedReader(file), columns, allOrNothing, (handle, stored) -> offline.audit().record(
                            handle, actor, "call.import", "property", Long.toString(found.get().id()),
                            io.calltrail.telephony.CallHandlers.importDetails(format, stored)));
            result.problems().forEach(problem -> System.err.println(file + ":" + problem.line() + ": " + problem.reason()));
            System.out.printf("%s: %d imported, %d already there, %d skipped%s%n", file, result.imported(), result.duplicates(),
                    result.skipped(), result.rolledBack() ? " (nothing imported: --all-or-nothing)" : "");
            return result.rolledBack() ? 3 : 0;
        }
    }

    @Command(name = "import-outcomes", mixinStandardHelpOptions = true,
            description = "Import CRM outcomes from a CSV file (external_id, call_id | click_id [, click_id_type] | phone, status, "
                    + "value, currency, occurred_at); all or nothing.")
    static final class ImportOutcomes extends OfflineCommand {
        @Option(names = "--account", paramLabel = "ID", description = "The account the outcomes belong to (default: the only account).")
        Long account;
        @Option(names = "--country", paramLabel = "CC", description = "Country of phone numbers written without a country code, e.g. US.")
        String country;
        @picocli.CommandLine.Parameters(paramLabel = "FILE", description = "The CSV file.")
        Path file;

        @Override
        int run(Settings settings, Server.Offline offline) throws Exception {
            try (var reader = java.nio.file.Files.newBufferedReader(file)) {
                var jdbi = offline.database().jdbi();
                Long accountId = account(jdbi, account);
                if (accountId == null) {
                    return 2;
                }
                try {
                    var outcomes = io.calltrail.conversion.OutcomeCsv.read(reader,
                            country == null ? null : country.toUpperCase(java.util.Locale.ROOT));
                    var result = jdbi.inTransaction(handle -> io.calltrail.conversion.OutcomeHandlers.upload(handle,
                            offline.outcomes(), offline.audit(), io.calltrail.account.Actor.cli(accountId), "csv", outcomes));
                    System.out.printf("%s: %d outcomes: %d new, %d updated, %d unchanged; %d matched a call, %d wait for theirs "
                                    + "(%d unmatched in the account)%n", file, result.received(), result.created(), result.updated(),
                            result.unchanged(), result.matched(), result.unmatched(), result.unmatchedInAccount());
                    return 0;
                } catch (io.calltrail.app.ApiError e) {
                    System.err.println(file + ": " + e.getMessage() + " (nothing imported)");
                    return 3;
                }
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export what is due to ad-platform destinations; each conversion goes once to each destination.")
    static final class Export extends OfflineCommand {
        @Option(names = "--destination", required = true, paramLabel = "NAME",
                description = "google-ads-clicks, google-ads-adjustments, google-ads-calls, google-enhanced-leads, microsoft-ads, "
                        + "google-data-manager or ga4; repeat for several.")
        java.util.List<String> destinations;
        @Option(names = "--property", required = true, paramLabel = "KEY", description = "The property's public key.")
        String property;
        @Option(names = "--since", paramLabel = "ISO_TIME", description = "Only conversions from this time on, e.g. 2026-11-01T00:00:00Z.")
        String since;
        @Option(names = "--out", paramLabel = "FILE", description = "The file to write (one file destination only).")
        Path out;
        @Option(names = "--out-dir", paramLabel = "DIR",
                description = "Folder for the files, named <property>-<destination>-run<N>.csv (default: the current folder).")
        Path outDir;

        private final java.util.List<io.calltrail.conversion.export.Destination> chosen = new java.util.ArrayList<>();
        private java.time.Instant from;

        @Override
        Integer check() {
            for (String name : destinations) {
                var destination = io.calltrail.conversion.export.Destination.of(name);
                if (destination.isEmpty()) {
                    System.err.println("unknown destination " + name + "; see --help");
                    return 2;
                }
                chosen.add(destination.get());
            }
            if (out != null && (chosen.size() != 1 || !chosen.get(0).file())) {
                System.err.println("--out takes one file destination; use --out-dir for several");
                return 2;
            }
            try {
                from = since == null ? null : java.time.OffsetDateTime.parse(since).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                System.err.println("--since must be an ISO-8601 time such as 2026-11-01T00:00:00Z");
                return 2;
            }
            return null;
        }

        @Override
        int run(Settings settings, Server.Offline offline) throws Exception {
            var found = property(offline.database().jdbi(), property);
            if (found.isEmpty()) {
                return 2;
            }
            Path folder = outDir != null ? outDir : Path.of(".");
            for (var destination : chosen) {
                io.calltrail.conversion.export.Exports.Report report;
                if (destination.file()) {
                    report = offline.exports().exportFile(io.calltrail.account.Actor.cli(found.get().accountId()), found.get(),
                            destination, from, (runs, csv) -> {
                        Path target = out != null ? out
                                : folder.resolve(property + "-" + destination + "-run" + runs.get(runs.size() - 1) + ".csv");
                        io.calltrail.store.DurableFiles.write(target, csv);
                        System.out.println(destination + ": wrote " + target);
                    });
                } else {
                    try {
                        report = offline.exports().exportHttp(io.calltrail.account.Actor.cli(found.get().accountId()), found.get(),
                                destination, from);
                    } catch (io.calltrail.conversion.export.Exports.NotConfigured e) {
                        System.err.println(e.getMessage() + ": set it up with PUT /api/v1/properties/" + found.get().id()
                                + "/destinations/" + destination);
                        return 3;
                    }
                    // one pass now; what fails stays queued and the running server retries it
                    System.out.println(destination + ": " + offline.deliverer().deliverDue() + " request(s) delivered now");
                }
                System.out.println(destination + ": run " + report.runId() + ", " + report.sent() + " sent"
                        + (report.redelivered() > 0 ? ", " + report.redelivered() + " from an earlier undelivered run" : "")
                        + counts("held back", report.heldBack()) + counts("not for this destination", report.notApplicable())
                        + counts("waiting for set-up", report.waiting()));
                System.out.flush();
            }
            return 0;
        }

        private static String counts(String label, Map<String, Integer> counts) {
            return counts.isEmpty() ? "" : "; " + label + ": " + counts.entrySet().stream()
                    .map(entry -> entry.getValue() + " " + entry.getKey()).collect(java.util.stream.Collectors.joining(", "));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete now what is past each account's retention (the server also does it daily).")
    static final class PurgeCommand extends OfflineCommand {
        @Override
        int run(Settings settings, Server.Offline offline) {
            var report = offline.purge().run();
            report.byAccount().forEach((account, removed) -> removed.forEach((kind, count) -> {
                if (count > 0) {
                    System.out.printf("account %d: %d %s%n", account, count, kind.replace('_', ' '));
                }
            }));
            System.out.printf("%d visitor salts; purge done%n", report.salts());
            return 0;
        }
    }

    @Command(name = "sign-in-link", mixinStandardHelpOptions = true,
            description = "Print a one-time dashboard sign-in link for a user (a forgotten password); valid 3 days.")
    static final class SignInLink extends OfflineCommand {
        @Option(names = "--email", paramLabel = "EMAIL", description = "The user's email (default: admin.email, the first owner).")
        String email;

        @Override
        int run(Settings settings, Server.Offline offline) {
            var jdbi = offline.database().jdbi();
            String who = email == null ? settings.adminEmail() : email;
            var path = new io.calltrail.web.Users(jdbi, new io.calltrail.account.UserStore(jdbi), offline.audit(), Clock.systemUTC())
                    .linkFor(who);
            if (path.isEmpty()) {
                System.err.println("no dashboard user with the email " + who + " (or it belongs to no account)");
                return 1;
            }
            System.out.println(settings.publicUrl() + path.get());
            return 0;
        }
    }

    /** What the data-subject commands share: the caller and the account. */
    static final class SubjectOptions {
        @Option(names = "--phone", required = true, paramLabel = "NUMBER", description = "The caller's number, in any format.")
        String phone;
        @Option(names = "--country", paramLabel = "CC", description = "Country of a number written without its country code, e.g. US.")
        String country;
        @Option(names = "--account", paramLabel = "ID", description = "The account (default: the only account).")
        Long account;

        /** The number and account, or null after printing why not. */
        java.util.Map.Entry<Long, io.calltrail.phone.PhoneNumber> resolve(org.jdbi.v3.core.Jdbi jdbi) {
            Long accountId = account(jdbi, account);
            if (accountId == null) {
                return null;
            }
            var parsed = io.calltrail.phone.PhoneNumber.parse(phone, country == null ? null : country.toUpperCase(java.util.Locale.ROOT));
            if (parsed.isEmpty()) {
                System.err.println("'" + phone + "' is not a valid phone number" + (country == null ? " (add --country)" : ""));
                return null;
            }
            return java.util.Map.entry(accountId, parsed.get());
        }
    }

    /** A command about one caller: opens the database, finds the account and the number, then acts and prints JSON. */
    abstract static class CallerCommand extends OfflineCommand {
        @Mixin
        SubjectOptions subject = new SubjectOptions();

        abstract Object act(Server.Offline offline, long account, io.calltrail.phone.PhoneNumber caller);

        @Override
        int run(Settings settings, Server.Offline offline) {
            var who = subject.resolve(offline.database().jdbi());
            if (who == null) {
                return 2;
            }
            System.out.println(io.calltrail.app.Json.write(act(offline, who.getKey(), who.getValue())));
            return 0;
        }
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase a caller: their number and keyed hash leave every call, outcome and queued delivery.")
    static final class Erase extends CallerCommand {
        @Override
        Object act(Server.Offline offline, long account, io.calltrail.phone.PhoneNumber caller) {
            return offline.erasure().erase(account, caller, (handle, entry, counts) ->
                    offline.audit().record(handle, io.calltrail.account.Actor.cli(account), "privacy.erase", "erasure",
                            Long.toString(entry), java.util.Map.of("erased", counts)));
        }
    }

    @Command(name = "subject", mixinStandardHelpOptions = true,
            description = "Print everything stored about a caller as JSON (a subject-access request).")
    static final class Subject extends CallerCommand {
        @Override
        Object act(Server.Offline offline, long account, io.calltrail.phone.PhoneNumber caller) {
            return offline.database().jdbi().withHandle(handle -> offline.subjects().report(handle, account, caller));
        }
    }

    /** The account of a single-account installation, or null when there are several. */
    static Long onlyAccount(org.jdbi.v3.core.Jdbi jdbi) {
        java.util.List<Long> ids = jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM account ORDER BY id LIMIT 2")
                .mapTo(Long.class).list());
        return ids.size() == 1 ? ids.get(0) : null;
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println("calltrail " + Version.current());
        }
    }

    private static Settings loadOrReport(SettingsOptions options, Map<String, String> flags) {
        try {
            return options.load(flags);
        } catch (SettingsLoader.InvalidSettingsException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        static String current() {
            String version = Calltrail.class.getPackage().getImplementationVersion();
            return version == null ? "development" : version;
        }

        @Override
        public String[] getVersion() {
            return new String[] {"calltrail " + current()};
        }
    }
}
