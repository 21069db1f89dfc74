package io.calltrail.telephony;

import io.calltrail.app.Json;
import io.calltrail.pool.Lease;
import io.calltrail.pool.Leases;
import io.calltrail.store.Spool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records calls through a durable path that does not need the database: webhook facts are fsync'd to
 * the call spool before the webhook is answered, and a loader writes them to the database (with
 * attribution) as soon as it can. A fact seen twice hits a unique key and changes nothing.
 */
public final class CallRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);

    private final Jdbi jdbi;
    private final Leases leases;
    private final RoutingTable routes;
    private final Spool spool;

    /** A call starting (the voice webhook). The caller arrives sealed: no plain number is ever spooled. */
    record Start(String provider, String sid, long account, long property, long number, String dialled, String forwardTo,
                 String callerSealed, String callerHash, String callerMasked, String city, String state, String country,
                 long atMillis) {
    }

    /** A status callback or the dial result. {@code event} is unique per call: duplicates are absorbed. */
    record Status(String provider, String sid, long account, String event, String status, Integer durationSeconds,
                  long atMillis) {
    }

    record Fact(Start start, Status status) {
    }

    public CallRecorder(Jdbi jdbi, Leases leases, RoutingTable routes, Path spoolDir) {
        this.jdbi = jdbi;
        this.leases = leases;
        this.routes = routes;
        this.spool = Spool.open(spoolDir, "calls", this::load, 500, 256L * 1024 * 1024);
    }

    /** Makes the fact durable; false when the disk could not take it (the call is still connected). */
    boolean record(Fact fact) {
        try {
            spool.append(List.of(Json.MAPPER.writeValueAsBytes(fact))).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            log.error("could not record a call fact for {}: {}", fact.start() != null ? fact.start().sid() : fact.status().sid(), e.toString());
            return false;
        }
    }

    public boolean awaitLoaded(Duration timeout) {
        return spool.awaitLoaded(timeout);
    }

    private void load(List<byte[]> records) {
        List<Fact> facts = new ArrayList<>();
        for (byte[] record : records) {
            try {
                facts.add(Json.MAPPER.readValue(record, Fact.class));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable call fact", e);
            }
        }
        for (Fact fact : facts) {
            try {
                jdbi.useTransaction(handle -> {
                    if (fact.start() != null) {
                        start(handle, fact.start());
                    } else {
                        status(handle, fact.status());
                    }
                });
            } catch (RuntimeException e) {
                if (unavailable(e)) {
                    throw e; // the database is away: the spool keeps the fact and tries again
                }
                // A fact the database refuses for good must not block every call behind it.
                log.error("call fact for {} could not be stored and is skipped",
                        fact.start() != null ? fact.start().sid() : fact.status().sid(), e);
            }
        }
    }

    private boolean firstSeen(Handle handle, String provider, String sid, long account, String event, String status, Instant at) {
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

    private void start(Handle handle, Start start) {
        Instant at = Instant.ofEpochMilli(start.atMillis());
        if (!firstSeen(handle, start.provider(), start.sid(), start.account(), "voice", "ringing", at)) {
            return;
        }
        Attribution attribution = routes.byId(start.number())
                .map(route -> Attribution.decide(route, at, leases.leasesAt(start.account(), start.number(), at),
                        lastTelClick(handle, start.account(), route, at)))
                .orElse(Attribution.none("the number is no longer a tracking number"));
        Long firstCall = start.callerHash() == null ? null : handle.createQuery("""
                        SELECT MIN(id) FROM phone_call WHERE account_id = :account AND caller_hash = :hash AND started_at < :at""")
                .bind("account", start.account()).bind("hash", start.callerHash()).bind("at", at)
                .mapTo(Long.class).findOne().orElse(null);
        handle.createUpdate("""
                        INSERT INTO phone_call (account_id, property_id, tracking_number_id, provider, provider_call_id, dialled_e164,
                               forwarded_to, caller_sealed, caller_hash, caller_masked, caller_city, caller_state, caller_country,
                               started_at, status, status_rank, first_time_caller, first_call_id, attribution, confidence,
                               attribution_reason, session_id, lease_id, source_name)
                        VALUES (:account, :property, :number, :provider, :sid, :dialled, :forward, :sealed, :hash, :masked, :city,
                                :state, :country, :at, 'ringing', 1, :first, :firstCall, :method, :confidence, :reason, :session,
                                :lease, :source)""")
                .bind("account", start.account()).bind("property", start.property()).bind("number", start.number())
                .bind("provider", start.provider()).bind("sid", start.sid()).bind("dialled", start.dialled())
                .bind("forward", start.forwardTo()).bind("sealed", start.callerSealed()).bind("hash", start.callerHash())
                .bind("masked", start.callerMasked()).bind("city", start.city()).bind("state", start.state())
                .bind("country", start.country()).bind("at", at).bind("first", start.callerHash() != null && firstCall == null)
                .bind("firstCall", firstCall).bind("method", attribution.method().toString())
                .bind("confidence", new java.math.BigDecimal(Double.toString(attribution.confidence())))
                .bind("reason", attribution.reason()).bind("session", attribution.sessionId())
                .bind("lease", attribution.leaseId()).bind("source", attribution.sourceName())
                .execute();
    }

    private Instant lastTelClick(Handle handle, long account, RoutingTable.Route route, Instant at) {
        if (route.poolId() == null) {
            return null;
        }
        List<Lease> held = leases.leasesAt(account, route.numberId(), at);
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
    private void status(Handle handle, Status status) {
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
    }

    private static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                        && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")))) {
                return true;
            }
        }
        return false;
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

    @Override
    public void close() {
        spool.close();
    }
}
