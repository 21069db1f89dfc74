package io.calltrail.conversion;

import io.calltrail.account.Actor;
import io.calltrail.privacy.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Evaluates an action's current rules again over a period, after its rules changed: conversions the rules now make
 * are created, changed values restated, and those the rules no longer make retracted, each with the new rule version.
 * It streams the calls and writes in batches, so a million calls take seconds, not hours. The first batch that changes
 * something records {@code conversion.reevaluate} in the audit log; a run of several batches records its totals again
 * with its last one, so every committed change has its entry, also when a run stops half-way. A run that changes
 * nothing is recorded on its own.
 */
public final class Reevaluation {
    private static final int BATCH = 1000;

    /** What a re-evaluation changed. */
    public record Result(long actionId, int ruleVersion, int evaluated, int created, int restated, int retracted, int unchanged) {
    }

    private final Jdbi jdbi;
    private final Conversions conversions;
    private final Clock clock;
    private final AuditLog audit;

    public Reevaluation(Jdbi jdbi, Conversions conversions, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.conversions = conversions;
        this.clock = clock;
        this.audit = audit;
    }

    /** Empty when the actor's account has no such action. */
    public Optional<Result> run(Actor actor, long actionId, Instant from, Instant to) {
        long accountId = actor.accountId();
        Optional<ConversionAction> found = jdbi.withHandle(handle -> new ConversionStore().action(handle, accountId, actionId));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConversionAction action = found.get();
        Map<String, Known> known = jdbi.withHandle(handle -> known(handle, action.id()));
        Map<Long, ConversionRules.OutcomeFact> outcomes = jdbi.withHandle(handle -> outcomes(handle, accountId));
        Writer writer = new Writer(action, known, clock.instant(), actor, from, to);
        try (Handle reader = jdbi.open()) {
            reader.begin(); // PostgreSQL streams a result with a fetch size only inside a transaction
            if (action.kind() == ConversionAction.Kind.CALL) {
                reader.createQuery("SELECT " + FactStore.CALL_COLUMNS + """
                                  FROM phone_call c LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                                 WHERE c.account_id = :account AND c.property_id = :property AND c.status_rank = 3
                                   AND c.started_at >= :from AND c.started_at < :to
                                 ORDER BY c.started_at, c.id""")
                        .bind("account", accountId).bind("property", action.propertyId()).bind("from", from).bind("to", to)
                        .setFetchSize(BATCH)
                        .map((rs, ctx) -> FactStore.callFacts(rs, outcomes.get(rs.getLong("id"))))
                        .forEach(call -> writer.evaluated(call.callId(), null, call.visit().sessionId(),
                                ConversionRules.evaluate(action, call)));
            } else {
                reader.createQuery("""
                                SELECT e.id AS event_id, e.occurred_at, s.id AS session_id, s.started_at, s.gclid, s.gbraid, s.wbraid,
                                       s.msclkid, s.utm_source, s.referrer_domain
                                  FROM tracking_event e LEFT JOIN visit_session s ON s.id = e.session_id AND s.account_id = e.account_id
                                 WHERE e.account_id = :account AND e.property_id = :property AND e.type = 'tel_click'
                                   AND e.occurred_at >= :from AND e.occurred_at < :to
                                 ORDER BY e.occurred_at, e.id""")
                        .bind("account", accountId).bind("property", action.propertyId()).bind("from", from).bind("to", to)
                        .setFetchSize(BATCH)
                        .map((rs, ctx) -> new ConversionRules.ClickFacts(rs.getString("event_id"),
                                rs.getTimestamp("occurred_at").toInstant(), FactStore.visitOf(rs)))
                        .forEach(click -> writer.evaluated(null, click.eventId(), click.visit().sessionId(),
                                ConversionRules.evaluate(action, click)));
            }
            reader.rollback();
        }
        writer.flush(true);
        if (!writer.recorded) {
            jdbi.useTransaction(writer::record);
        }
        return Optional.of(new Result(action.id(), action.ruleVersion(), writer.evaluated, writer.created, writer.restated,
                writer.retracted, writer.unchanged));
    }

    /** A conversion the action made before: under its key, and which call or click made it. */
    private record Known(long id, Long callId, String eventId, java.math.BigDecimal value, String currency, boolean retracted) {
    }

    private static Map<String, Known> known(Handle handle, long actionId) {
        Map<String, Known> known = new HashMap<>();
        handle.createQuery("""
                        SELECT id, dedupe_key, call_id, event_id, conversion_value, currency, retracted_at
                          FROM conversion WHERE action_id = :action""")
                .bind("action", actionId).setFetchSize(BATCH)
                .map((rs, ctx) -> Map.entry(rs.getString("dedupe_key"), new Known(rs.getLong("id"), rs.getObject("call_id", Long.class),
                        rs.getString("event_id"), rs.getBigDecimal("conversion_value"), rs.getString("currency"),
                        rs.getTimestamp("retracted_at") != null)))
                .forEach(entry -> known.put(entry.getKey(), entry.getValue()));
        return known;
    }

    /** The newest outcome of every call that has one. */
    private static Map<Long, ConversionRules.OutcomeFact> outcomes(Handle handle, long accountId) {
        Map<Long, ConversionRules.OutcomeFact> newest = new HashMap<>();
        handle.createQuery("""
                        SELECT call_id, id, status, outcome_value, currency, occurred_at FROM outcome
                         WHERE account_id = :account AND call_id IS NOT NULL ORDER BY call_id, occurred_at, id""")
                .bind("account", accountId)
                .map((rs, ctx) -> Map.entry(rs.getLong("call_id"), FactStore.outcomeFact(rs)))
                .forEach(entry -> newest.put(entry.getKey(), entry.getValue()));
        return newest;
    }

    /** Collects what the decisions change and writes it in batches, one transaction per batch. */
    private final class Writer {
        private final ConversionAction action;
        private final Map<String, Known> known;
        private final Map<Long, List<Known>> byCall = new HashMap<>();
        private final Map<String, List<Known>> byEvent = new HashMap<>();
        private final Instant now;
        private final Actor actor;
        private final Instant from;
        private final Instant to;
        private boolean recorded;
        private final List<Object[]> inserts = new ArrayList<>();
        private final List<Object[]> restates = new ArrayList<>();
        private final List<Long> retractions = new ArrayList<>();
        int evaluated;
        int created;
        int restated;
        int retracted;
        int unchanged;

        Writer(ConversionAction action, Map<String, Known> known, Instant now, Actor actor, Instant from, Instant to) {
            this.action = action;
            this.known = known;
            this.now = now;
            this.actor = actor;
            this.from = from;
            this.to = to;
            for (Known conversion : known.values()) {
                if (conversion.callId() != null) {
                    byCall.computeIfAbsent(conversion.callId(), id -> new ArrayList<>(1)).add(conversion);
                }
                if (conversion.eventId() != null) {
                    byEvent.computeIfAbsent(conversion.eventId(), id -> new ArrayList<>(1)).add(conversion);
                }
            }
        }

        void evaluated(Long callId, String eventId, String sessionId, Optional<ConversionRules.Decision> decision) {
            evaluated++;
            if (decision.isEmpty()) {
                List<Known> made = callId != null ? byCall.getOrDefault(callId, List.of()) : byEvent.getOrDefault(eventId, List.of());
                boolean any = false;
                for (Known conversion : made) {
                    if (!conversion.retracted()) {
                        retractions.add(conversion.id());
                        retracted++;
                        any = true;
                    }
                }
                if (!any) {
                    unchanged++;
                }
            } else {
                ConversionRules.Decision made = decision.get();
                Known existing = known.get(made.dedupeKey());
                if (existing == null) {
                    inserts.add(new Object[] {callId, eventId, sessionId, made});
                    known.put(made.dedupeKey(), new Known(-1, callId, eventId, made.value(), made.currency(), false));
                    created++;
                } else if (existing.id() > 0 && (callId == null || callId.equals(existing.callId()))
                        && (existing.retracted() || !made.sameAmount(existing.value(), existing.currency()))) {
                    restates.add(new Object[] {existing.id(), made});
                    restated++;
                } else {
                    unchanged++;
                }
            }
            if (inserts.size() + restates.size() + retractions.size() >= BATCH) {
                flush(false);
            }
        }

        /** Writes what is pending in one transaction, with the audit entry that it needs (see the class comment). */
        void flush(boolean last) {
            if (inserts.isEmpty() && restates.isEmpty() && retractions.isEmpty()) {
                return;
            }
            boolean first = !recorded;
            jdbi.useTransaction(handle -> {
                if (first || last) {
                    record(handle, last);
                }
                if (!inserts.isEmpty()) {
                    PreparedBatch batch = handle.prepareBatch("""
                            INSERT INTO conversion (account_id, property_id, action_id, rule_version, dedupe_key, call_id, session_id,
                                                    click_id, click_id_type, converted_at, conversion_value, currency, created_at,
                                                    updated_at, outcome_id, event_id)
                            VALUES (:account, :property, :action, :version, :key, :call, :session, :click, :clickType, :at, :value,
                                    :currency, :now, :now, :outcome, :event)""");
                    for (Object[] insert : inserts) {
                        ConversionRules.Decision made = (ConversionRules.Decision) insert[3];
                        batch.bind("account", action.accountId()).bind("property", action.propertyId()).bind("action", action.id())
                                .bind("version", action.ruleVersion()).bind("key", made.dedupeKey()).bind("call", (Long) insert[0])
                                .bind("session", (String) insert[2]).bind("click", made.clickId()).bind("clickType", made.clickIdType())
                                .bind("at", made.convertedAt()).bind("value", made.value()).bind("currency", made.currency())
                                .bind("now", now).bind("outcome", made.outcomeId()).bind("event", (String) insert[1])
                                .add();
                    }
                    batch.execute();
                }
                ConversionStore store = new ConversionStore();
                for (Object[] restate : restates) {
                    store.restate(handle, (Long) restate[0], (ConversionRules.Decision) restate[1], action.ruleVersion(), now);
                }
                for (long id : retractions) {
                    store.retract(handle, id, action.ruleVersion(), now);
                }
            });
            recorded = true;
            inserts.clear();
            restates.clear();
            retractions.clear();
        }

        void record(Handle handle) {
            record(handle, true);
        }

        private void record(Handle handle, boolean complete) {
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("action_id", action.id());
            details.put("rule_version", action.ruleVersion());
            details.put("from", from);
            details.put("to", to);
            details.put("complete", complete);
            if (complete) {
                details.put("evaluated", evaluated);
                details.put("created", created);
                details.put("restated", restated);
                details.put("retracted", retracted);
                details.put("unchanged", unchanged);
            }
            audit.record(handle, actor, "conversion.reevaluate", "conversion_action", Long.toString(action.id()), details);
        }
    }
}
