package io.calltrail.conversion.export;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** SQL of exports: which conversions are due at a destination, runs, and what each run took. */
final class ExportStore {
    private static final String ROW = """
            SELECT c.id, c.account_id, a.name AS action_name, a.google_conversion_id, c.converted_at, c.conversion_value,
                   c.currency, c.value_version, c.retracted_at, c.updated_at, c.click_id, c.click_id_type, c.call_id,
                   pc.started_at AS call_started, pc.caller_sealed, s.id AS visit, s.gpc, s.consent_ad_user_data,
                   s.consent_ad_personalization, s.consent_analytics_storage, s.ga_client_id, pc.confidence,
                   a.export_min_confidence
              FROM conversion c
              JOIN conversion_action a ON a.id = c.action_id
              LEFT JOIN phone_call pc ON pc.id = c.call_id
              LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
            """;

    /** Conversions the destination has never taken (nor held back), retractions excluded. */
    List<ExportRow> dueNew(Handle handle, long accountId, long propertyId, Destination destination, Instant since) {
        return handle.createQuery(ROW + """
                         WHERE c.account_id = :account AND c.property_id = :property AND c.converted_at >= :since
                           AND c.retracted_at IS NULL
                           AND NOT EXISTS (SELECT 1 FROM conversion_export e
                                            WHERE e.conversion_id = c.id AND e.destination = :destination)
                         ORDER BY c.converted_at, c.id""")
                .bind("account", accountId).bind("property", propertyId).bind("since", since)
                .bind("destination", destination.toString())
                .map((rs, ctx) -> row(rs)).list();
    }

    /** Conversions sent as clicks whose value changed (or that were retracted) since the version sent last. */
    List<ExportRow> dueRestatements(Handle handle, long accountId, long propertyId, Instant since) {
        return handle.createQuery(ROW + """
                          JOIN conversion_export sent ON sent.conversion_id = c.id AND sent.destination = 'google-ads-clicks'
                                                     AND sent.held_reason IS NULL
                         WHERE c.account_id = :account AND c.property_id = :property AND c.converted_at >= :since
                           AND c.value_version > sent.value_version
                           AND NOT EXISTS (SELECT 1 FROM conversion_export e
                                            WHERE e.conversion_id = c.id AND e.destination = 'google-ads-adjustments'
                                              AND e.value_version >= c.value_version)
                         ORDER BY c.updated_at, c.id""")
                .bind("account", accountId).bind("property", propertyId).bind("since", since)
                .map((rs, ctx) -> row(rs)).list();
    }

    /** The rows runs took to send, with their values now, for delivering runs again. */
    List<ExportRow> sentBy(Handle handle, List<Long> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return handle.createQuery(ROW + """
                          JOIN conversion_export e ON e.conversion_id = c.id
                         WHERE e.run_id IN (<runs>) AND e.held_reason IS NULL
                         ORDER BY c.converted_at, c.id""")
                .bindList("runs", runIds)
                .map((rs, ctx) -> row(rs)).list();
    }

    private static ExportRow row(ResultSet rs) throws SQLException {
        return new ExportRow(rs.getLong("id"), rs.getLong("account_id"), rs.getString("action_name"),
                rs.getString("google_conversion_id"), rs.getTimestamp("converted_at").toInstant(), rs.getBigDecimal("conversion_value"),
                rs.getString("currency"), rs.getInt("value_version"), rs.getTimestamp("retracted_at") != null,
                rs.getTimestamp("updated_at") == null ? rs.getTimestamp("converted_at").toInstant() : rs.getTimestamp("updated_at").toInstant(),
                rs.getString("click_id"), rs.getString("click_id_type"), rs.getObject("call_id", Long.class),
                rs.getTimestamp("call_started") == null ? null : rs.getTimestamp("call_started").toInstant(),
                rs.getString("caller_sealed"), rs.getString("visit") != null, rs.getBoolean("gpc"),
                rs.getString("consent_ad_user_data"), rs.getString("consent_ad_personalization"),
                rs.getString("consent_analytics_storage"), rs.getString("ga_client_id"),
                rs.getBigDecimal("confidence") == null ? 1.0 : rs.getBigDecimal("confidence").doubleValue(),
                rs.getBigDecimal("export_min_confidence").doubleValue());
    }

    List<Long> undeliveredRuns(Handle handle, long propertyId, Destination destination) {
        return handle.createQuery("""
                        SELECT id FROM export_run WHERE property_id = :property AND destination = :destination
                                                    AND delivered_at IS NULL ORDER BY id""")
                .bind("property", propertyId).bind("destination", destination.toString())
                .mapTo(Long.class).list();
    }

    long insertRun(Handle handle, long accountId, long propertyId, Destination destination, Instant since, int sent,
                   String heldBack, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO export_run (account_id, property_id, destination, since, created_at, sent, held_back)
                        VALUES (:account, :property, :destination, :since, :now, :sent, :held)""")
                .bind("account", accountId).bind("property", propertyId).bind("destination", destination.toString())
                .bind("since", since).bind("now", now).bind("sent", sent).bind("held", heldBack)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Records that a run took (or held back) a conversion at this value version. */
    void mark(Handle handle, long runId, long conversionId, Destination destination, int valueVersion, String heldReason) {
        int updated = handle.createUpdate("""
                        UPDATE conversion_export SET value_version = :version, run_id = :run, held_reason = :held
                         WHERE conversion_id = :conversion AND destination = :destination""")
                .bind("version", valueVersion).bind("run", runId).bind("held", heldReason)
                .bind("conversion", conversionId).bind("destination", destination.toString())
                .execute();
        if (updated == 0) {
            handle.createUpdate("""
                            INSERT INTO conversion_export (conversion_id, destination, value_version, run_id, held_reason)
                            VALUES (:conversion, :destination, :version, :run, :held)""")
                    .bind("version", valueVersion).bind("run", runId).bind("held", heldReason)
                    .bind("conversion", conversionId).bind("destination", destination.toString())
                    .execute();
        }
    }

    void delivered(Handle handle, List<Long> runIds, Instant now) {
        if (!runIds.isEmpty()) {
            handle.createUpdate("UPDATE export_run SET delivered_at = :now WHERE id IN (<runs>) AND delivered_at IS NULL")
                    .bind("now", now).bindList("runs", runIds).execute();
        }
    }

    /** A run as pages show it; {@code heldBack} is the JSON object of counts by reason. */
    record Run(long id, long propertyId, Destination destination, Instant createdAt, Instant deliveredAt, int sent, String heldBack) {
    }

    private static final String RUN = "SELECT id, property_id, destination, created_at, delivered_at, sent, held_back FROM export_run";

    /** The account's runs, newest first. */
    List<Run> recentRuns(Handle handle, long accountId, int limit) {
        return handle.createQuery(RUN + " WHERE account_id = :account ORDER BY id DESC LIMIT :limit")
                .bind("account", accountId).bind("limit", limit).map((rs, ctx) -> run(rs)).list();
    }

    /** The last run of each property and destination of the account. */
    List<Run> lastRuns(Handle handle, long accountId) {
        return handle.createQuery(RUN
                        + " WHERE id IN (SELECT MAX(id) FROM export_run WHERE account_id = :account GROUP BY property_id, destination)")
                .bind("account", accountId).map((rs, ctx) -> run(rs)).list();
    }

    private static Run run(ResultSet rs) throws SQLException {
        java.sql.Timestamp delivered = rs.getTimestamp("delivered_at");
        return new Run(rs.getLong("id"), rs.getLong("property_id"), Destination.of(rs.getString("destination")).orElseThrow(),
                rs.getTimestamp("created_at").toInstant(), delivered == null ? null : delivered.toInstant(), rs.getInt("sent"),
                rs.getString("held_back"));
    }

    List<Map<String, Object>> runs(Handle handle, long accountId, Long propertyId, String destination, int limit) {
        return handle.createQuery("""
                        SELECT id, property_id, destination, since, created_at, delivered_at, sent, held_back
                          FROM export_run
                         WHERE account_id = :account
                           AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                           AND (CAST(:destination AS VARCHAR(32)) IS NULL OR destination = :destination)
                         ORDER BY id DESC LIMIT :limit""")
                .bind("account", accountId).bind("property", propertyId).bind("destination", destination).bind("limit", limit)
                .mapToMap().list();
    }
}
