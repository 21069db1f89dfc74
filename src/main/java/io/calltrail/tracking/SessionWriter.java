package io.calltrail.tracking;

import io.calltrail.pool.Leases;
import io.calltrail.pool.Pool;
import io.calltrail.store.SqlErrors;
import io.calltrail.tracking.SessionStore.Assignment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes new sessions, each with the numbers it shows, from one thread: the sessions that arrived meanwhile share
 * a transaction. Each request still gets its answer only after the commit that holds its session. Many request
 * threads inserting into the same tables at once mostly retry each other's changes in an embedded database; one
 * writer with batches costs a fraction of that.
 */
final class SessionWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);
    private static final int MAX_BATCH = 256;

    /**
     * A session to insert, as the session store takes it, with the assignments it starts with and the pools that had
     * no number for it.
     */
    record NewSession(VisitSession session, String visitorHash, boolean gpc, String gaClientId, List<Assignment> assignments,
                      List<Pool> exhaustedPools) {
    }

    private record Pending(NewSession session, CompletableFuture<Void> written) {
    }

    private final Jdbi jdbi;
    private final SessionStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    SessionWriter(Jdbi jdbi, SessionStore store) {
        this.jdbi = jdbi;
        this.store = store;
        this.thread = new Thread(this::run, "session-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes when the session and its assignments are committed; fails with the database's error otherwise. */
    CompletableFuture<Void> write(NewSession session) {
        Pending pending = new Pending(session, new CompletableFuture<>());
        if (!running) {
            pending.written().completeExceptionally(new IllegalStateException("the server is stopping"));
            return pending.written();
        }
        queue.add(pending);
        return pending.written();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        refuseQueued();
    }

    private void refuseQueued() {
        Pending left;
        while ((left = queue.poll()) != null) {
            left.written().completeExceptionally(new IllegalStateException("the server is stopping"));
        }
    }

    private void writeBatch(List<Pending> batch) {
        try {
            insert(batch);
            batch.forEach(pending -> pending.written().complete(null));
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1 || SqlErrors.isConnectionLost(batchFailure)) {
                // Without a database each session alone would wait out the pool's timeout again: all fail now.
                batch.forEach(pending -> pending.written().completeExceptionally(batchFailure));
                return;
            }
            // One bad session must not fail the others: write each alone and answer each with its own outcome.
            for (Pending pending : batch) {
                try {
                    insert(List.of(pending));
                    pending.written().complete(null);
                } catch (RuntimeException failure) {
                    log.debug("a session could not be written: {}", failure.toString());
                    pending.written().completeExceptionally(failure);
                }
            }
        }
    }

    private void insert(List<Pending> batch) {
        List<NewSession> sessions = batch.stream().map(Pending::session).toList();
        List<Leases.Exhaustion> exhaustions = new ArrayList<>();
        for (NewSession session : sessions) {
            for (Pool pool : session.exhaustedPools()) {
                exhaustions.add(new Leases.Exhaustion(pool, session.session().id(), session.session().startedAt()));
            }
        }
        jdbi.useTransaction(handle -> {
            store.insertAll(handle, sessions);
            Leases.recordExhaustions(handle, exhaustions);
        });
    }

    /** Writes what was asked before, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refuseQueued(); // asked for while the writer was stopping: answered, not left waiting
    }
}
