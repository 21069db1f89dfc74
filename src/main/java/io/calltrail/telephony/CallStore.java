package io.calltrail.telephony;

import io.calltrail.pool.Lease;
import io.calltrail.pool.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SQL of calls: inserting them with their attribution, and completing them from provider events. */
final class CallStore {
    private static final Logger log = LoggerFactory.getLogger(CallStore.class);

    private final Leases leases;
    private final RoutingTable routes;
    private final java.util.function.ObjLongConsumer<Handle> onCompleted;

    /** @param onCompleted told, inside the same transaction, of every call that has just ended */
    CallStore(Leases leases, RoutingTable routes, java.util.function.ObjLongConsumer<Handle> onCompleted) {
        this.leases = leases;
        this.routes = routes;
        this.onCompleted = onCompleted;
    }

    /** Tells the listener that the call with this provider id has ended (imports write final calls at once). */
    void completed(Handle handle, String provider, String sid) {
        handle.createQuery("SELECT id FROM phone_call WHERE provider = :provider AND provider_call_id = :sid")
                .bind("provider", provider).bind("sid", sid).mapTo(Long.class).findOne()
                .ifPresent(id -> onCompleted.accept(handle, id));
    }

    /** A call starting, from the voice webhook: recorded once, however often the fact arrives. */
    void start(Handle handle, CallRecorder.Start start) {
        Instant at = Instant.ofEpochMilli(start.atMillis());
        if (!firstSeen(handle, start.provider(), start.sid(), start.account(), "voice", "ringing", at)) {
            return;
        }
        insertCall(handle, start, start.number() == null ? Attribution.none("not a tracking number")
                : attribute(handle, start.account(), start.number(), at));
    }

    boolean firstSeen(Handle handle, String provider, String sid, long account, String event, String status, Instant at) {
        return handle.createUpdate("""
                        INSERT INTO call_event (provider, provider_call_id, event, account_id, status, occurred_at)
                        SELECT CAST(:provider AS VARCHAR(32)), CAST(:sid AS VARCHAR(64)), CAST(:event AS VARCHAR(64)),
                               CAST(:account AS BIGINT), CAST(:status AS VARCHAR(32)), CAST(:at AS TIMESTAMP WITH TIME ZONE)
                         WHERE NOT EXISTS (SELECT 1 FROM call_event WHERE provider = :provider AND provider_call_id = :sid
                                                                      AND event = :event)""")
                .bind("provider", provider).bind("sid", sid).bind("event", event).bind("account", account)
                .bind("status", status).bind("at", at)
                .execute() == 1;
    }

    /** Attribution of a call to a tracking number at {@code at}; a number unknown now is {@code none}. */
    Attribution attribute(Handle handle, long account, long numberId, Instant at) {
        return routes.byId(numberId)
                .map(route -> {
                    List<Lease> held = route.poolId() == null ? List.of() : leases.leasesAt(account, numberId, at);
                    List<Lease> recent = held.isEmpty() ? List.of()
                            : leases.numberHistory(account, numberId, at.minus(Confidence.LOOKBACK), at);
                    return Attribution.decide(route, at, held, recent, lastTelClick(handle, account, held, at));
                })
                .orElse(Attribution.none("the number is no longer a tracking number"));
    }

    /** Inserts a call (unless its provider id is known) with its attribution; true when it was new. */
    boolean insertCall(Handle handle, CallRecorder.Start start, Attribution attribution) {
        Instant at = Instant.ofEpochMilli(start.atMillis());
        Long firstCall = start.callerHash() == null ? null : handle.createQuery("""
                        SELECT MIN(id) FROM phone_call WHERE account_id = :account AND caller_hash = :hash AND started_at < :at""")
                .bind("account", start.account()).bind("hash", start.callerHash()).bind("at", at)
                .mapTo(Long.class).findOne().orElse(null);
        return handle.createUpdate("""
                        INSERT INTO phone_call (account_id, property_id, tracking_number_id, provider, provider_call_id, dialled_e164,
                               forwarded_to, caller_sealed, caller_hash, caller_masked, caller_city, caller_state, caller_country,
                               started_at, status, status_rank, first_time_caller, first_call_id, attribution, confidence,
                               attribution_reason, session_id, lease_id, source_name)
                        SELECT CAST(:account AS BIGINT), CAST(:property AS BIGINT), CAST(:number AS BIGINT),
                               CAST(:provider AS VARCHAR(32)), CAST(:sid AS VARCHAR(64)), CAST(:dialled AS VARCHAR(16)),
                               CAST(:forward AS VARCHAR(16)), CAST(:sealed AS VARCHAR(512)), CAST(:hash AS VARCHAR(64)),
                               CAST(:masked AS VARCHAR(32)), CAST(:city AS VARCHAR(64)), CAST(:state AS VARCHAR(64)),
                               CAST(:country AS VARCHAR(8)), CAST(:at AS TIMESTAMP WITH TIME ZONE), 'ringing', 1,
                               CAST(:first AS BOOLEAN), CAST(:firstCall AS BIGINT), CAST(:method AS VARCHAR(16)),
                               CAST(:confidence AS DECIMAL(4, 3)), CAST(:reason AS VARCHAR(200)), CAST(:session AS VARCHAR(36)),
                               CAST(:lease AS BIGINT), CAST(:source AS VARCHAR(200))
                         WHERE NOT EXISTS (SELECT 1 FROM phone_call WHERE provider = :provider AND provider_call_id = :sid)""")
                .bind("account", start.account()).bind("property", start.property()).bind("number", start.number())
                .bind("provider", start.provider()).bind("sid", start.sid()).bind("dialled", start.dialled())
                .bind("forward", start.forwardTo()).bind("sealed", start.callerSealed()).bind("hash", start.callerHash())
                .bind("masked", start.callerMasked()).bind("city", start.city()).bind("state", start.state())
                .bind("country", start.country()).bind("at", at).bind("first", start.callerHash() != null && firstCall == null)
                .bind("firstCall", firstCall).bind("method", attribution.method().toString())
                .bind("confidence", new java.math.BigDecimal(Double.toString(attribution.confidence())))
                .bind("reason", attribution.reason()).bind("session", attribution.sessionId())
                .bind("lease", attribution.leaseId()).bind("source", attribution.sourceName())
                .execute() == 1;
    }

    /** The latest tel: click of the session holding the number, before the call. */
    private Instant lastTelClick(Handle handle, long account, List<Lease> held, Instant at) {
        if (held.isEmpty()) {
            return null;
        }
        return handle.createQuery("""
                        SELECT MAX(occurred_at) FROM tracking_event
                         WHERE account_id = :account AND session_id = :session AND type = 'tel_click' AND occurred_at <= :at""")
                .bind("account", account).bind("session", held.get(0).sessionId()).bind("at", at)
                .mapTo(Instant.class).findOne().orElse(null);
    }

    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("queued", 0), Map.entry("initiated", 0), Map.entry("ringing", 1), Map.entry("in-progress", 2),
            Map.entry("answered", 2), Map.entry("completed", 3), Map.entry("busy", 3), Map.entry("no-answer", 3),
            Map.entry("failed", 3), Map.entry("canceled", 3));

    /** Applies a status in rank order, so late or repeated callbacks never move a call backwards. */
    void status(Handle handle, CallRecorder.Status status) {
        Instant at = Instant.ofEpochMilli(status.atMillis());
        if (!firstSeen(handle, status.provider(), status.sid(), status.account(), status.event(), status.status(), at)) {
            return;
        }
        var call = handle.createQuery("""
                        SELECT id, status_rank, started_at, answered_at FROM phone_call
                         WHERE provider = :provider AND provider_call_id = :sid AND account_id = :account""")
                .bind("provider", status.provider()).bind("sid", status.sid()).bind("account", status.account())
                .mapToMap().findOne();
        if (call.isEmpty()) {
            log.warn("status {} for an unknown call {}", status.status(), status.sid());
            return;
        }
        int rank = RANK.getOrDefault(status.status(), 1);
        long id = ((Number) call.get().get("id")).longValue();
        Instant started = instant(call.get().get("started_at"));
        Instant answered = instant(call.get().get("answered_at"));
        boolean talked = rank == 2 || ("completed".equals(status.status()) && status.durationSeconds() != null && status.durationSeconds() > 0);
        if (answered == null && talked) {
            answered = rank == 2 ? at : at.minusSeconds(status.durationSeconds());
        }
        Instant ended = rank == 3 ? at : null;
        Integer talk = rank == 3 ? (talked ? status.durationSeconds() : Integer.valueOf(0)) : null;
        Integer ring = null;
        if (answered != null) {
            ring = (int) Duration.between(started, answered).toSeconds();
        } else if (ended != null) {
            ring = (int) Duration.between(started, ended).toSeconds();
        }
        handle.createUpdate("""
                        UPDATE phone_call
                           SET status = CASE WHEN status_rank <= :rank THEN :status ELSE status END,
                               status_rank = CASE WHEN status_rank <= :rank THEN :rank ELSE status_rank END,
                               answered_at = COALESCE(answered_at, :answered),
                               ended_at = COALESCE(ended_at, :ended),
                               talk_seconds = COALESCE(:talk, talk_seconds),
                               ring_seconds = COALESCE(ring_seconds, :ring)
                         WHERE id = :id""")
                .bind("rank", rank).bind("status", status.status()).bind("answered", answered).bind("ended", ended)
                .bind("talk", talk).bind("ring", ring).bind("id", id)
                .execute();
        if (rank == 3 && ((Number) call.get().get("status_rank")).intValue() < 3) {
            onCompleted.accept(handle, id);
        }
    }

    /** Keeps the provider's recording reference on the call; a repeated callback writes the same again. */
    void recording(Handle handle, CallRecorder.Recording recording) {
        int updated = handle.createUpdate("""
                        UPDATE phone_call SET recording_ref = :ref, recording_url = :url
                         WHERE provider = :provider AND provider_call_id = :sid AND account_id = :account""")
                .bind("ref", recording.recordingSid()).bind("url", recording.recordingUrl())
                .bind("provider", recording.provider()).bind("sid", recording.sid()).bind("account", recording.account())
                .execute();
        if (updated == 0) {
            log.warn("recording {} for an unknown call {}", recording.recordingSid(), recording.sid());
        }
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("unexpected time type " + value.getClass());
    }

}
