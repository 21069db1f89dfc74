package io.calltrail.store.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops the foreign keys of {@code tracking_event}, the table every beacon writes to. Checking them cost each stored
 * event two lookups (a quarter of H2's time inserting an event), for ids that the server itself took from its property
 * catalogue; and an event accepted just before its property was deleted would have stopped the spool's loader for good.
 * The constraints were named by each database when they were made, so their names are read from the catalogue: this is
 * why the migration is code and not one portable SQL file.
 */
public final class V15__TrackingEventWithoutForeignKeys extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT constraint_name FROM information_schema.table_constraints
                 WHERE LOWER(table_name) = 'tracking_event' AND constraint_type = 'FOREIGN KEY'
                   AND table_schema = CURRENT_SCHEMA""");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        for (String name : names) {
            try (Statement statement = connection.createStatement()) {
                // An identifier cannot be a bound parameter; this one comes from the database's own catalogue.
                statement.execute("ALTER TABLE tracking_event DROP CONSTRAINT \"" + name.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
