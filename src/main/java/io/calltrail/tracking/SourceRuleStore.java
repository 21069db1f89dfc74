package io.calltrail.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.app.Json;
import io.calltrail.tracking.SourceRule.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for source rules; conditions are kept as a JSON array in one column. */
public final class SourceRuleStore {
    private static final RowMapper<SourceRule> RULE = (rs, ctx) -> new SourceRule(
            rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getInt("ordinal"),
            rs.getString("name"), readConditions(rs.getString("conditions")),
            rs.getObject("target_number_id") == null ? null : rs.getLong("target_number_id"),
            SourceRule.Action.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
            rs.getObject("pool_id") == null ? null : rs.getLong("pool_id"),
            rs.getObject("tracking_number_id") == null ? null : rs.getLong("tracking_number_id"),
            rs.getTimestamp("created_at").toInstant());
    private static final String COLUMNS = """
            id, account_id, property_id, ordinal, name, conditions, target_number_id, action, pool_id,
            tracking_number_id, created_at
            """;

    static String writeConditions(List<Condition> conditions) {
        List<Map<String, String>> items = new ArrayList<>();
        for (Condition condition : conditions) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("field", condition.field().toString());
            item.put("operator", condition.operator().toString());
            item.put("value", condition.value());
            items.add(item);
        }
        return Json.write(items);
    }

    static List<Condition> readConditions(String stored) {
        List<Condition> conditions = new ArrayList<>();
        for (JsonNode item : Json.parse(stored)) {
            conditions.add(new Condition(
                    Condition.Field.valueOf(item.get("field").asText().toUpperCase(Locale.ROOT)),
                    Condition.Operator.valueOf(item.get("operator").asText().toUpperCase(Locale.ROOT)),
                    item.get("value").isNull() ? null : item.get("value").asText()));
        }
        return List.copyOf(conditions);
    }

    public SourceRule insert(Handle handle, SourceRule rule) {
        long id = handle.createUpdate("""
                        INSERT INTO source_rule (account_id, property_id, ordinal, name, conditions, target_number_id,
                                                 action, pool_id, tracking_number_id, created_at)
                        VALUES (:account, :property, :ordinal, :name, :conditions, :target, :action, :pool, :number, :now)""")
                .bind("account", rule.accountId())
                .bind("property", rule.propertyId())
                .bind("ordinal", rule.ordinal())
                .bind("name", rule.name())
                .bind("conditions", writeConditions(rule.conditions()))
                .bind("target", rule.targetNumberId())
                .bind("action", rule.action().toString())
                .bind("pool", rule.poolId())
                .bind("number", rule.trackingNumberId())
                .bind("now", rule.createdAt())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
        return rule(handle, rule.accountId(), id).orElseThrow();
    }

    public void update(Handle handle, SourceRule rule) {
        handle.createUpdate("""
                        UPDATE source_rule SET ordinal = :ordinal, name = :name, conditions = :conditions,
                               target_number_id = :target, action = :action, pool_id = :pool, tracking_number_id = :number
                         WHERE id = :id AND account_id = :account""")
                .bind("ordinal", rule.ordinal())
                .bind("name", rule.name())
                .bind("conditions", writeConditions(rule.conditions()))
                .bind("target", rule.targetNumberId())
                .bind("action", rule.action().toString())
                .bind("pool", rule.poolId())
                .bind("number", rule.trackingNumberId())
                .bind("id", rule.id())
                .bind("account", rule.accountId())
                .execute();
    }

    public Optional<SourceRule> rule(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM source_rule WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .map(RULE)
                .findOne();
    }

    /** Rules in evaluation order: by ordinal, then by age. */
    public List<SourceRule> rules(Handle handle, long accountId, Long propertyId) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM source_rule
                        WHERE account_id = :account AND (CAST(:property AS BIGINT) IS NULL OR property_id = :property)
                        ORDER BY property_id, ordinal, id""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .map(RULE)
                .list();
    }

    public int nextOrdinal(Handle handle, long accountId, long propertyId) {
        return handle.createQuery("""
                        SELECT COALESCE(MAX(ordinal), 0) + 10 FROM source_rule WHERE account_id = :account AND property_id = :property""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .mapTo(Integer.class)
                .one();
    }

    public boolean delete(Handle handle, long accountId, long id) {
        return handle.createUpdate("DELETE FROM source_rule WHERE id = :id AND account_id = :account")
                .bind("id", id)
                .bind("account", accountId)
                .execute() == 1;
    }

}
