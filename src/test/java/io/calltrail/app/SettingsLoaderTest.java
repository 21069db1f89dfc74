package io.calltrail.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @Test
    void defaultsBindLoopbackAndUseEmbeddedH2() {
        Settings settings = SettingsLoader.load(null, Map.of(), Map.of());
        assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.dbUrl()).startsWith("jdbc:h2:file:").contains("MODE=PostgreSQL");
        assertThat(settings.embeddedDatabase()).isTrue();
        assertThat(settings.publicUrl().toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(settings.rateLimitPerMinute()).isEqualTo(120);
        assertThat(settings.defaultIdleTimeoutMinutes()).isEqualTo(30);
        assertThat(settings.defaultLingerMinutes()).isEqualTo(30);
        assertThat(settings.deliveryMaxAttempts()).isEqualTo(10);
        assertThat(settings.deliveryBackoffSeconds()).isEqualTo(30);
        assertThat(settings.deliveryTimeoutSeconds()).isEqualTo(10);
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsConfigFileWhichBeatsDefaults(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("calltrail.properties");
        Files.writeString(config, "http.port=9000\ntracking.rateLimitPerMinute=50\npool.defaultLingerMinutes=10\n");
        Settings settings = SettingsLoader.load(config,
                Map.of("CALLTRAIL_HTTP_PORT", "9100", "CALLTRAIL_TRACKING_RATE_LIMIT_PER_MINUTE", "60",
                        "CALLTRAIL_PUBLIC_URL", "https://calls.example.com/", "CALLTRAIL_DELIVERY_MAX_ATTEMPTS", "4"),
                Map.of("http.port", "9200"));
        assertThat(settings.httpPort()).isEqualTo(9200);
        assertThat(settings.rateLimitPerMinute()).isEqualTo(60);
        assertThat(settings.defaultLingerMinutes()).isEqualTo(10);
        assertThat(settings.publicUrl().toString()).isEqualTo("https://calls.example.com");
        assertThat(settings.deliveryMaxAttempts()).isEqualTo(4);
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(SettingsLoader.environmentName("admin.apiKey")).isEqualTo("CALLTRAIL_ADMIN_API_KEY");
        assertThat(SettingsLoader.environmentName("publicUrl")).isEqualTo("CALLTRAIL_PUBLIC_URL");
        assertThat(SettingsLoader.environmentName("db.url")).isEqualTo("CALLTRAIL_DB_URL");
        assertThat(SettingsLoader.keys()).contains("http.port", "db.url", "admin.apiKey", "tracking.rateLimitPerMinute");
    }

    @Test
    void everyInvalidSettingIsReportedAtOnce(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "http.prot=1\n");
        assertThatThrownBy(() -> SettingsLoader.load(config,
                Map.of("CALLTRAIL_HTTP_PORT", "eighty", "CALLTRAIL_DB_URL", "jdbc:mysql://x/y"),
                Map.of("log.level", "LOUD", "demo", "yes", "admin.apiKey", "short", "publicUrl", "ftp://x")))
                .isInstanceOfSatisfying(SettingsLoader.InvalidSettingsException.class, e -> assertThat(e.problems())
                        .hasSize(7)
                        .anySatisfy(p -> assertThat(p).contains("unknown setting 'http.prot'").contains("bad.properties"))
                        .anySatisfy(p -> assertThat(p).contains("http.port").contains("CALLTRAIL_HTTP_PORT").contains("eighty"))
                        .anySatisfy(p -> assertThat(p).contains("db.url").contains("jdbc:postgresql"))
                        .anySatisfy(p -> assertThat(p).contains("log.level"))
                        .anySatisfy(p -> assertThat(p).contains("demo").contains("true or false"))
                        .anySatisfy(p -> assertThat(p).contains("admin.apiKey").contains("24"))
                        .anySatisfy(p -> assertThat(p).contains("publicUrl")));
    }

    @Test
    void deliverySettingsAreBounded() {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("CALLTRAIL_DELIVERY_TIMEOUT_SECONDS", "0"),
                Map.of("delivery.maxAttempts", "0", "delivery.backoffSeconds", "soon")))
                .isInstanceOfSatisfying(SettingsLoader.InvalidSettingsException.class, e -> assertThat(e.problems())
                        .hasSize(3)
                        .anySatisfy(p -> assertThat(p).contains("delivery.timeoutSeconds").contains("CALLTRAIL_DELIVERY_TIMEOUT_SECONDS"))
                        .anySatisfy(p -> assertThat(p).contains("delivery.maxAttempts").contains("between 1 and 100"))
                        .anySatisfy(p -> assertThat(p).contains("delivery.backoffSeconds").contains("whole number")));
    }

    @Test
    void missingConfigFileIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> SettingsLoader.load(dir.resolve("absent.properties"), Map.of(), Map.of()))
                .hasMessageContaining("cannot be read");
    }
}
