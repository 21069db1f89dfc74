package io.calltrail.conversion;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Turns completed calls into conversions by their property's actions, in the same transaction as the call. */
public final class Conversions {
    private final ConversionStore store = new ConversionStore();
    private final Clock clock;

    public Conversions(Clock clock) {
        this.clock = clock;
    }

    /** Evaluates every call action of the call's property; each conversion is recorded once. */
    public void onCallCompleted(Handle handle, long callId) {
        Optional<Loaded> loaded = handle.createQuery("""
                        SELECT c.id, c.account_id, c.property_id, c.started_at, c.ended_at, c.answered_at, c.talk_seconds,
                               c.first_time_caller, c.attribution, c.confidence, c.session_id, s.started_at AS session_started,
                               s.gclid, s.gbraid, s.wbraid, s.msclkid
                          FROM phone_call c LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.id = :id""")
                .bind("id", callId)
                .map((rs, ctx) -> {
                    String[] names = {"gclid", "gbraid", "wbraid", "msclkid"};
                    String click = null;
                    String type = null;
                    for (String name : names) {
                        if (click == null && rs.getString(name) != null) {
                            click = rs.getString(name);
                            type = name;
                        }
                    }
                    Instant sessionStarted = rs.getTimestamp("session_started") == null ? null : rs.getTimestamp("session_started").toInstant();
                    return new Loaded(rs.getLong("account_id"), rs.getLong("property_id"), new ConversionRules.CallFacts(
                            rs.getLong("id"), rs.getTimestamp("started_at").toInstant(),
                            rs.getTimestamp("ended_at") == null ? null : rs.getTimestamp("ended_at").toInstant(),
                            rs.getTimestamp("answered_at") != null, rs.getInt("talk_seconds"), rs.getBoolean("first_time_caller"),
                            rs.getString("attribution"), rs.getBigDecimal("confidence").doubleValue(), rs.getString("session_id"),
                            sessionStarted, click, type));
                })
                .findOne();
        if (loaded.isEmpty()) {
            return;
        }
        List<ConversionAction> actions = store.actions(handle, loaded.get().account(), loaded.get().property());
        for (ConversionAction action : actions) {
            ConversionRules.evaluate(action, loaded.get().facts()).ifPresent(decision ->
                    store.insertConversion(handle, action, loaded.get().facts(), decision, clock.instant()));
        }
    }

    private record Loaded(long account, long property, ConversionRules.CallFacts facts) {
    }
}
