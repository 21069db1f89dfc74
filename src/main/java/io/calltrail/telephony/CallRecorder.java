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
    private final CallStore store;
    private final Spool spool;

    /** A call starting (the voice webhook). The caller arrives sealed: no plain number is ever spooled. */
    record Start(String provider, String sid, long account, long property, Long number, String dialled, String forwardTo,
                 String callerSealed, String callerHash, String callerMasked, String city, String state, String country,
                 long atMillis) {
    }

    /** A status callback or the dial result. {@code event} is unique per call: duplicates are absorbed. */
    record Status(String provider, String sid, long account, String event, String status, Integer durationSeconds,
                  long atMillis) {
    }

    /** The provider's reference to a finished recording of the call: its id and where it keeps the audio, never the audio. */
    record Recording(String provider, String sid, long account, String recordingSid, String recordingUrl, long atMillis) {
    }

    /** One of start, status or recording; facts spooled before recordings existed have none. */
    record Fact(Start start, Status status, Recording recording) {
    }

    /** @param flushCommits makes the database's commits durable on disk; run before the spool forgets what it loaded */
    public CallRecorder(Jdbi jdbi, Runnable flushCommits, Leases leases, RoutingTable routes, Path spoolDir,
                        java.util.function.ObjLongConsumer<org.jdbi.v3.core.Handle> onCompleted) {
        this.jdbi = jdbi;
        this.store = new CallStore(leases, routes, onCompleted);
        this.spool = Spool.open(spoolDir, "calls", this::load, flushCommits, 500, 256L * 1024 * 1024);
    }

    /** Makes the fact durable before returning; false when the disk could not take it. */
    boolean record(Fact fact) {
        try {
            spool.append(List.of(Json.MAPPER.writeValueAsBytes(fact))).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            log.error("could not record a call fact for {}: {}", sidOf(fact), e.toString());
            return false;
        }
    }

    /**
     * Hands the fact to the spool without waiting for the disk: the voice webhook answers first and the
     * call is recorded right after, so a slow fsync never delays a caller.
     */
    void recordAfterwards(Fact fact) {
        try {
            spool.append(List.of(Json.MAPPER.writeValueAsBytes(fact))).whenComplete((done, error) -> {
                if (error != null) {
                    log.error("could not record a call fact for {}: {}", sidOf(fact), error.toString());
                }
            });
        } catch (Exception e) {
            log.error("could not record a call fact for {}: {}", sidOf(fact), e.toString());
        }
    }

    private static String sidOf(Fact fact) {
        return fact.start() != null ? fact.start().sid() : fact.status() != null ? fact.status().sid() : fact.recording().sid();
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
                        store.start(handle, fact.start());
                    } else if (fact.status() != null) {
                        store.status(handle, fact.status());
                    } else {
                        store.recording(handle, fact.recording());
                    }
                });
            } catch (RuntimeException e) {
                if (io.calltrail.store.SqlErrors.isTransient(e)) {
                    throw e; // the database is away: the spool keeps the fact and tries again
                }
                // A fact the database refuses for good must not block every call behind it.
                log.error("call fact for {} could not be stored and is skipped", sidOf(fact), e);
            }
        }
    }

    @Override
    public void close() {
        spool.close();
    }
}
