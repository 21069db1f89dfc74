package io.calltrail.app;

import java.net.URI;
import java.nio.file.Path;

/** Validated settings. Built only by {@link SettingsLoader}, so every instance is valid. */
public record Settings(
        String httpHost,
        int httpPort,
        URI publicUrl,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String adminApiKey,
        String adminEmail,
        boolean demo,
        boolean trustForwardedHeaders,
        int rateLimitPerMinute,
        int defaultIdleTimeoutMinutes,
        int defaultLingerMinutes,
        int settingsRefreshSeconds,
        String logLevel,
        String demoAuthToken,
        Path keysDir,
        int deliveryMaxAttempts,
        int deliveryBackoffSeconds,
        int deliveryTimeoutSeconds) {

    public boolean embeddedDatabase() {
        return dbUrl.startsWith("jdbc:h2:");
    }
}
