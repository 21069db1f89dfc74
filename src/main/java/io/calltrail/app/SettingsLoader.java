package io.calltrail.app;

import io.calltrail.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads settings from the defaults file, an optional config file, {@code CALLTRAIL_*} environment
 * variables and flags (in that order of precedence), then validates all of them at once.
 */
public final class SettingsLoader {
    static final String DEFAULTS_RESOURCE = "/calltrail-defaults.properties";
    private static final Set<String> LOG_LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    private SettingsLoader() {
    }

    /**
     * @param configFile optional config file (properties format), may be null
     * @param environment the process environment
     * @param flags settings given on the command line, by key
     */
    public static Settings load(Path configFile, Map<String, String> environment, Map<String, String> flags) {
        SettingsLoader loader = new SettingsLoader();
        loader.readDefaults();
        if (configFile != null) {
            loader.readConfigFile(configFile);
        }
        loader.readEnvironment(environment);
        flags.forEach((key, value) -> loader.override(key, value, "flag"));
        return loader.validate();
    }

    /** All keys the defaults file documents, in file order. */
    public static List<String> keys() {
        SettingsLoader loader = new SettingsLoader();
        loader.readDefaults();
        return List.copyOf(loader.values.keySet());
    }

    /** {@code http.port} becomes {@code CALLTRAIL_HTTP_PORT}; {@code admin.apiKey} becomes {@code CALLTRAIL_ADMIN_API_KEY}. */
    public static String environmentName(String key) {
        String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
        return "CALLTRAIL_" + snake.toUpperCase(Locale.ROOT);
    }

    private void readDefaults() {
        try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " in the jar");
            }
            for (Map.Entry<String, String> entry : readOrdered(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)).entrySet()) {
                values.put(entry.getKey(), entry.getValue());
                origins.put(entry.getKey(), "default");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    private void readConfigFile(Path file) {
        if (!Files.isReadable(file)) {
            errors.add("config file " + file + ": cannot be read");
            return;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            readOrdered(reader).forEach((key, value) -> override(key, value, "config file " + file));
        } catch (IOException | IllegalArgumentException e) {
            errors.add("config file " + file + ": " + e.getMessage());
        }
    }

    private void readEnvironment(Map<String, String> environment) {
        for (String key : List.copyOf(values.keySet())) {
            String value = environment.get(environmentName(key));
            if (value != null) {
                values.put(key, value.trim());
                origins.put(key, "environment variable " + environmentName(key));
            }
        }
    }

    private void override(String key, String value, String origin) {
        if (!values.containsKey(key)) {
            errors.add(origin + ": unknown setting '" + key + "'");
            return;
        }
        values.put(key, value == null ? "" : value.trim());
        origins.put(key, origin);
    }

    private static Map<String, String> readOrdered(Reader reader) throws IOException {
        Map<String, String> ordered = new LinkedHashMap<>();
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                ordered.put((String) key, ((String) value).trim());
                return super.put(key, value);
            }
        };
        properties.load(reader);
        return ordered;
    }

    private Settings validate() {
        String host = text("http.host");
        if (host.isEmpty()) {
            errors.add(describe("http.host") + ": must not be empty");
        }
        int port = integer("http.port", 0, 65535);
        URI publicUrl = publicUrl(host, port);
        Path dataDir = Path.of(text("data.dir").isEmpty() ? "./data" : text("data.dir"));
        String dbUrl = text("db.url");
        if (dbUrl.isEmpty()) {
            dbUrl = Database.h2Url(dataDir);
        } else {
            try {
                Database.kindOf(dbUrl);
            } catch (IllegalArgumentException e) {
                errors.add(describe("db.url") + ": " + e.getMessage());
            }
        }
        int poolSize = integer("db.poolSize", 1, 200);
        String adminKey = text("admin.apiKey");
        if (!adminKey.isEmpty() && adminKey.length() < 24) {
            errors.add(describe("admin.apiKey") + ": must be at least 24 characters long");
        }
        String adminEmail = text("admin.email").strip();
        if (!adminEmail.matches("[^@\\s]{1,64}@[^@\\s]{1,190}")) {
            errors.add(describe("admin.email") + ": must be an email address such as owner@example.com");
        }
        boolean demo = bool("demo");
        boolean trustForwarded = bool("http.trustForwardedHeaders");
        int rateLimit = integer("tracking.rateLimitPerMinute", 0, 10_000_000);
        int idle = integer("pool.defaultIdleTimeoutMinutes", 1, 24 * 60);
        int linger = integer("pool.defaultLingerMinutes", 0, 7 * 24 * 60);
        int refresh = integer("tracking.settingsRefreshSeconds", 1, 3600);
        String level = text("log.level").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            errors.add(describe("log.level") + ": must be one of " + String.join(", ", LOG_LEVELS.stream().sorted().toList()));
        }
        String demoToken = text("demo.authToken");
        if (!demoToken.isEmpty() && demoToken.length() < 16) {
            errors.add(describe("demo.authToken") + ": must be at least 16 characters long");
        }
        Path keysDir = text("privacy.keysDir").isEmpty() ? dataDir.resolve("keys") : Path.of(text("privacy.keysDir"));
        int maxAttempts = integer("delivery.maxAttempts", 1, 100);
        int backoff = integer("delivery.backoffSeconds", 1, 6 * 3600);
        int timeout = integer("delivery.timeoutSeconds", 1, 300);
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        return new Settings(host, port, publicUrl, dataDir, dbUrl, text("db.user"), text("db.password"), poolSize,
                adminKey, adminEmail, demo, trustForwarded, rateLimit, idle, linger, refresh, level, demoToken, keysDir,
                maxAttempts, backoff, timeout);
    }

    private URI publicUrl(String host, int port) {
        String raw = text("publicUrl");
        if (raw.isEmpty()) {
            String shownHost = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
            return URI.create("http://" + shownHost + ":" + port);
        }
        try {
            URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                errors.add(describe("publicUrl") + ": must be an absolute http:// or https:// URL, got '" + raw + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            errors.add(describe("publicUrl") + ": not a URL: " + e.getMessage());
            return null;
        }
    }

    private String text(String key) {
        return values.getOrDefault(key, "");
    }

    private String describe(String key) {
        return key + " (from " + origins.getOrDefault(key, "default") + ")";
    }

    private int integer(String key, int min, int max) {
        String raw = text(key);
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                errors.add(describe(key) + ": must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(describe(key) + ": must be a whole number, got '" + raw + "'");
            return min;
        }
    }

    private boolean bool(String key) {
        String raw = text(key).toLowerCase(Locale.ROOT);
        if (raw.equals("true") || raw.equals("false")) {
            return raw.equals("true");
        }
        errors.add(describe(key) + ": must be true or false, got '" + text(key) + "'");
        return false;
    }

    /** Start-up stops with every invalid setting listed at once. */
    public static final class InvalidSettingsException extends RuntimeException {
        private final List<String> problems;

        InvalidSettingsException(List<String> problems) {
            super("invalid settings:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
