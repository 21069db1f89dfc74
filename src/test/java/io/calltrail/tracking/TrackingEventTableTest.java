package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calltrail.store.Database;
import io.calltrail.store.SqlErrors;
import io.calltrail.testing.TestDatabases;
import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The events table after its migrations, on H2 and PostgreSQL. */
class TrackingEventTableTest {
    private static final String INSERT = """
            INSERT INTO tracking_event (account_id, id, property_id, session_id, type, occurred_at, received_at)
            VALUES (:account, :id, :property, '0190a0b0-0000-7000-8000-000000000001', 'page_view', :at, :at)""";

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void eventsAreStoredWithoutForeignKeyChecksAndADuplicateIdIsStillRefused(Database.Kind kind) {
        try (Database database = TestDatabases.fresh(kind)) {
            database.jdbi().useHandle(handle -> {
                assertThat(handle.createQuery("""
                                SELECT COUNT(*) FROM information_schema.table_constraints
                                 WHERE LOWER(table_name) = 'tracking_event' AND constraint_type = 'FOREIGN KEY'""")
                        .mapTo(Integer.class).one()).isZero();
                // Ids the server took from its catalogue: no lookup of account or property checks them again.
                insert(handle, 41, "0190a0b0-0000-7000-8000-00000000000a", 42);
                assertThatThrownBy(() -> insert(handle, 41, "0190a0b0-0000-7000-8000-00000000000a", 42))
                        .satisfies(error -> assertThat(SqlErrors.isUniqueViolation(error)).isTrue());
                assertThat(handle.createQuery("SELECT COUNT(*) FROM tracking_event").mapTo(Integer.class).one()).isOne();
            });
        }
    }

    private static void insert(Handle handle, long account, String id, long property) {
        handle.createUpdate(INSERT).bind("account", account).bind("id", id).bind("property", property)
                .bind("at", Instant.parse("2026-11-27T12:00:00Z")).execute();
    }
}
