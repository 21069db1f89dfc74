package io.calltrail.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.account.Account;
import io.calltrail.account.Actor;
import io.calltrail.account.ApiKey;
import io.calltrail.account.Role;
import io.calltrail.app.Json;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AuditLog.record on H2 and PostgreSQL: entries commit with their change, keep no secrets, and are only ever appended. */
class AuditLogTest {
    private static final Instant NOW = Instant.parse("2026-05-04T15:00:00Z");
    private final AuditLog audit = new AuditLog(MutableClock.at(NOW.toString()));

    private static List<Map<String, Object>> entries(Database database) {
        return database.jdbi().withHandle(handle -> handle.createQuery("SELECT * FROM audit_event ORDER BY id").mapToMap().list());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anEntryCommitsOrRollsBackWithTheChangeItDescribes(Database.Kind kind) {
        try (Database database = TestDatabases.fresh(kind)) {
            Account account = new Fixtures(database).account("Acme");
            Actor system = Actor.system(account.id());
            database.jdbi().useTransaction(handle -> audit.record(handle, system, "privacy.purge", null, null,
                    Map.of("calls", 3, "sessions", 12)));
            try {
                database.jdbi().useTransaction(handle -> {
                    audit.record(handle, Actor.cli(account.id()), "privacy.erase", "caller", null, Map.of("calls", 2));
                    throw new IllegalStateException("the erasure failed");
                });
            } catch (IllegalStateException expected) {
                // rolled back, entry included
            }
            List<Map<String, Object>> stored = entries(database);
            assertThat(stored).hasSize(1);
            Map<String, Object> entry = stored.get(0);
            assertThat(entry.get("action")).isEqualTo("privacy.purge");
            assertThat(entry.get("actor")).isEqualTo("system");
            assertThat(entry.get("actor_role")).isNull();
            assertThat(entry.get("client_address")).isNull();
            assertThat(((Number) entry.get("account_id")).longValue()).isEqualTo(account.id());
            assertThat(Json.parse((String) entry.get("details")).get("sessions").asInt()).isEqualTo(12);
            Object at = entry.get("occurred_at");
            assertThat(at instanceof java.sql.Timestamp timestamp ? timestamp.toInstant()
                    : ((java.time.OffsetDateTime) at).toInstant()).isEqualTo(NOW);
        }
    }

    @Test
    void actorsAreLabelledByKeyNameOrAsCommandLineAndSystem() {
        ApiKey key = new ApiKey(12, 3, "CI deploy", "ct_abcdefg", NOW, null, Role.ADMIN, false);
        Actor actor = Actor.apiKey(key, "198.51.100.7");
        assertThat(actor.label()).isEqualTo("api-key:12 (CI deploy)");
        assertThat(actor.reference()).isEqualTo("api-key:12");
        assertThat(actor.accountId()).isEqualTo(3);
        assertThat(actor.hasRole(Role.OWNER, Role.ADMIN)).isTrue();
        assertThat(actor.hasRole(Role.OWNER)).isFalse();
        assertThat(Actor.cli(3).label()).isEqualTo("cli");
        assertThat(Actor.system(3).label()).isEqualTo("system");
        assertThat(Actor.cli(3).hasRole(Role.OWNER)).isFalse();
    }

    @Test
    void secretsAndFullNumbersAreRefusedAndLongTextsShortened() {
        Actor cli = Actor.cli(1);
        // refused before anything is written: no handle is needed to find out
        assertThatThrownBy(() -> audit.record(null, cli, "credential.change", null, null, Map.of("auth_token", "0123456789abcdef")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth_token");
        assertThatThrownBy(() -> audit.record(null, cli, "webhook.change", null, null, Map.of("changes",
                Map.of("secret", Map.of("from", "whsec_old", "to", "whsec_new")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes.secret");
        assertThatThrownBy(() -> audit.record(null, cli, "privacy.erase", null, null, Map.of("phone", "(512) 555-0199")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phone");
        assertThatThrownBy(() -> audit.record(null, cli, "caller.reveal", null, null, Map.of("callers", List.of("+15125550199"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> audit.record(null, cli, "Settings Change", null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> audit.record(null, cli, "change", null, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditLog.looksLikeFullNumber("+1 512-***-**99")).isFalse();
        assertThat(AuditLog.looksLikeFullNumber("+15125550199")).isTrue();

        try (Database database = TestDatabases.fresh(Database.Kind.H2)) {
            Account account = new Fixtures(database).account("Acme");
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("credential_replaced", true);
            details.put("caller_masked", "+1 512-***-**99");
            details.put("whisper", "x".repeat(2000));
            database.jdbi().useTransaction(handle -> audit.record(handle, Actor.cli(account.id()), "settings.change",
                    "tracking_number", "7", details));
            var stored = Json.parse((String) entries(database).get(0).get("details"));
            assertThat(stored.get("credential_replaced").asBoolean()).isTrue();
            assertThat(stored.get("caller_masked").asText()).isEqualTo("+1 512-***-**99");
            assertThat(stored.get("whisper").asText()).hasSize(500).endsWith("…");
        }
    }

    @Test
    void changesListOnlyTheFieldsThatDifferAndSnapshotsLeaveOutIdsAndTimes() {
        record Setting(long id, String name, int lingerSeconds, Instant updatedAt) {
        }
        Setting before = new Setting(1, "Ads", 1800, NOW);
        Setting after = new Setting(1, "Ads", 600, NOW.plusSeconds(5));
        Map<String, Object> changes = AuditLog.changes(before, after);
        assertThat(changes).containsOnlyKeys("linger_seconds");
        assertThat(changes.get("linger_seconds")).isEqualTo(Map.of("from", 1800, "to", 600));
        assertThat(AuditLog.snapshot(after)).containsOnlyKeys("name", "linger_seconds");
        assertThat(AuditLog.changes(null, after)).containsOnlyKeys("name", "linger_seconds");
    }

    /**
     * Append-only by construction: in the whole of the main code only the audit store and the migration that creates
     * it name the table, and nothing anywhere updates, deletes or truncates it.
     */
    @Test
    void onlyTheAuditStoreWritesTheTableAndNothingChangesOrDeletesEntries() throws IOException {
        Pattern changing = Pattern.compile("(update|delete\\s+from|truncate(\\s+table)?|alter\\s+table|drop\\s+table)\\s+"
                + "(if\\s+exists\\s+)?\"?audit_event\\b");
        List<String> naming = new ArrayList<>();
        List<String> changingIt = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                if (text.contains("audit_event")) {
                    naming.add(file.getFileName().toString());
                }
                if (changing.matcher(text).find()) {
                    changingIt.add(file.toString());
                }
            }
        }
        assertThat(changingIt).isEmpty();
        assertThat(naming).containsExactlyInAnyOrder("AuditStore.java", "V10__audit_and_recording.sql");
        String store = Files.readString(Path.of("src/main/java/io/calltrail/privacy/AuditStore.java")).toLowerCase(Locale.ROOT);
        assertThat(store).contains("insert into audit_event");
        assertThat(store.split("createupdate\\(", -1)).as("one statement that writes: the insert").hasSize(2);
    }
}
