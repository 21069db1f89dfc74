package io.calltrail.conversion;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for conversion actions and conversions. */
public final class ConversionStore {
    private static final RowMapper<ConversionAction> ACTION = (rs, ctx) -> new ConversionAction(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getString("name"),
            ConversionAction.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), rs.getInt("min_talk_seconds"),
            rs.getBoolean("answered_only"), rs.getBoolean("first_time_only"),
            new LinkedHashSet<>(Arrays.asList(rs.getString("attribution_methods").split(","))),
            rs.getBigDecimal("min_confidence"),
            ConversionAction.Counting.valueOf(rs.getString("counting").toUpperCase(Locale.ROOT)), rs.getInt("click_window_days"),
            rs.getBigDecimal("conversion_value"), rs.getString("currency"), rs.getInt("rule_version"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            ConversionAction.ValueSource.valueOf(rs.getString("value_source").toUpperCase(Locale.ROOT)),
            names(rs.getString("outcome_statuses")), names(rs.getString("sources_included")), names(rs.getString("sources_excluded")),
            rs.getString("google_conversion_id"), rs.getBigDecimal("export_min_confidence"));
    private static final String COLUMNS = """
            id, account_id, property_id, name, kind, min_talk_seconds, answered_only, first_time_only, attribution_methods,
            min_confidence, counting, click_window_days, conversion_value, currency, rule_version, created_at, updated_at,
            value_source, outcome_statuses, sources_included, sources_excluded, google_conversion_id, export_min_confidence
            """;

    private static Set<String> names(String joined) {
        return joined.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(joined.split(",")));
    }

    public ConversionAction insert(Handle handle, ConversionAction action) {
        long id = handle.createUpdate("""
                        INSERT INTO conversion_action (account_id, property_id, name, kind, min_talk_seconds, answered_only,
                               first_time_only, attribution_methods, min_confidence, counting, click_window_days,
                               conversion_value, currency, rule_version, created_at, updated_at, value_source, outcome_statuses,
                               sources_included, sources_excluded, google_conversion_id, export_min_confidence)
                        VALUES (:account, :property, :name, :kind, :minTalk, :answered, :firstTime, :methods, :minConfidence,
                                :counting, :window, :value, :currency, 1, :now, :now, :valueSource, :outcomeStatuses,
                                :sourcesIncluded, :sourcesExcluded, :googleId, :exportMinConfidence)""")
                .bind("account", action.accountId()).bind("property", action.propertyId()).bind("name", action.name())
                .bind("kind", action.kind().toString()).bind("minTalk", action.minTalkSeconds())
                .bind("answered", action.answeredOnly()).bind("firstTime", action.firstTimeOnly())
                .bind("methods", String.join(",", action.attributionMethods())).bind("minConfidence", action.minConfidence())
                .bind("counting", action.counting().toString()).bind("window", action.clickWindowDays())
                .bind("value", action.value()).bind("currency", action.currency()).bind("now", action.createdAt())
                .bindMap(extras(action))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return action(handle, action.accountId(), id).orElseThrow();
    }

    /** A change of rules is a new rule version; conversions keep the version that made them. */
    public void update(Handle handle, ConversionAction action, Instant now) {
        handle.createUpdate("""
                        UPDATE conversion_action SET name = :name, min_talk_seconds = :minTalk, answered_only = :answered,
                               first_time_only = :firstTime, attribution_methods = :methods, min_confidence = :minConfidence,
                               counting = :counting, click_window_days = :window, conversion_value = :value,
                               currency = :currency, rule_version = rule_version + 1, updated_at = :now,
                               value_source = :valueSource, outcome_statuses = :outcomeStatuses,
                               sources_included = :sourcesIncluded, sources_excluded = :sourcesExcluded,
                               google_conversion_id = :googleId, export_min_confidence = :exportMinConfidence
                         WHERE id = :id AND account_id = :account""")
                .bind("name", action.name()).bind("minTalk", action.minTalkSeconds()).bind("answered", action.answeredOnly())
                .bind("firstTime", action.firstTimeOnly()).bind("methods", String.join(",", action.attributionMethods()))
                .bind("minConfidence", action.minConfidence()).bind("counting", action.counting().toString())
                .bind("window", action.clickWindowDays()).bind("value", action.value()).bind("currency", action.currency())
                .bind("now", now).bind("id", action.id()).bind("account", action.accountId())
                .bindMap(extras(action))
                .execute();
    }

    private static Map<String, Object> extras(ConversionAction action) {
        Map<String, Object> values = new HashMap<>();
        values.put("valueSource", action.valueSource().toString());
        values.put("outcomeStatuses", String.join(",", action.outcomeStatuses()));
        values.put("sourcesIncluded", String.join(",", action.sourcesIncluded()));
        values.put("sourcesExcluded", String.join(",", action.sourcesExcluded()));
        values.put("googleId", action.googleConversionId());
        values.put("exportMinConfidence", action.exportMinConfidence());
        return values;
    }

    public Optional<ConversionAction> action(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM conversion_action WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).map(ACTION).findOne();
    }

    public List<ConversionAction> actions(Handle handle, long accountId, Long propertyId) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM conversion_action WHERE account_id = :account
                          AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property) ORDER BY id""")
                .bind("account", accountId).bind("property", propertyId).map(ACTION).list();
    }

    public boolean delete(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM conversion_action WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId).execute() == 1;
    }

    /** A conversion as stored, for deciding whether a new evaluation changes it. */
    record Existing(long id, Long callId, BigDecimal value, String currency, int valueVersion, boolean retracted) {
    }

    Optional<Existing> existing(Handle handle, long actionId, String dedupeKey) {
        return handle.createQuery("""
                        SELECT id, call_id, conversion_value, currency, value_version, retracted_at FROM conversion
                         WHERE action_id = :action AND dedupe_key = :key""")
                .bind("action", actionId).bind("key", dedupeKey)
                .map((rs, ctx) -> new Existing(rs.getLong("id"), rs.getObject("call_id", Long.class), rs.getBigDecimal("conversion_value"),
                        rs.getString("currency"), rs.getInt("value_version"), rs.getTimestamp("retracted_at") != null))
                .findOne();
    }

    /** Records a conversion unless its action already counted this key; its id when it is new. */
    Optional<Long> insert(Handle handle, ConversionAction action, Long callId, String eventId, String sessionId,
                          ConversionRules.Decision decision, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO conversion (account_id, property_id, action_id, rule_version, dedupe_key, call_id, session_id,
                                                click_id, click_id_type, converted_at, conversion_value, currency, created_at,
                                                updated_at, outcome_id, event_id)
                        SELECT CAST(:account AS BIGINT), CAST(:property AS BIGINT), CAST(:action AS BIGINT), CAST(:version AS INT),
                               CAST(:key AS VARCHAR(600)), CAST(:call AS BIGINT), CAST(:session AS VARCHAR(36)),
                               CAST(:click AS VARCHAR(512)), CAST(:clickType AS VARCHAR(8)),
                               CAST(:at AS TIMESTAMP WITH TIME ZONE), CAST(:value AS DECIMAL(12, 2)), CAST(:currency AS VARCHAR(3)),
                               CAST(:now AS TIMESTAMP WITH TIME ZONE), CAST(:now AS TIMESTAMP WITH TIME ZONE),
                               CAST(:outcome AS BIGINT), CAST(:event AS VARCHAR(36))
                         WHERE NOT EXISTS (SELECT 1 FROM conversion WHERE action_id = :action AND dedupe_key = :key)""")
                .bind("account", action.accountId()).bind("property", action.propertyId()).bind("action", action.id())
                .bind("version", action.ruleVersion()).bind("key", decision.dedupeKey()).bind("call", callId)
                .bind("session", sessionId).bind("click", decision.clickId()).bind("clickType", decision.clickIdType())
                .bind("at", decision.convertedAt()).bind("value", decision.value()).bind("currency", decision.currency())
                .bind("now", now).bind("outcome", decision.outcomeId()).bind("event", eventId)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).findOne();
    }

    /** A new value (a restatement) or a conversion counted again after a retraction: the next export sends it again. */
    void restate(Handle handle, long conversionId, ConversionRules.Decision decision, int ruleVersion, Instant now) {
        handle.createUpdate("""
                        UPDATE conversion SET conversion_value = :value, currency = :currency, outcome_id = :outcome,
                               value_version = value_version + 1, retracted_at = NULL, rule_version = :version, updated_at = :now
                         WHERE id = :id""")
                .bind("value", decision.value()).bind("currency", decision.currency()).bind("outcome", decision.outcomeId())
                .bind("version", ruleVersion).bind("now", now).bind("id", conversionId)
                .execute();
    }

    /** A conversion the current rules no longer make: kept, marked, and sent as a retraction. */
    void retract(Handle handle, long conversionId, int ruleVersion, Instant now) {
        handle.createUpdate("""
                        UPDATE conversion SET retracted_at = :now, value_version = value_version + 1, rule_version = :version,
                               updated_at = :now
                         WHERE id = :id AND retracted_at IS NULL""")
                .bind("now", now).bind("version", ruleVersion).bind("id", conversionId)
                .execute();
    }
}
