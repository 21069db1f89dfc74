package io.calltrail.conversion.delivery;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries: claims them (one process at a time per delivery), has their kind's
 * {@link Authorizer} sign them, POSTs them, and records every attempt. A 2xx answer delivers; anything
 * else is retried after {@code backoff × 2^(attempt − 1)}, at most six hours, until {@code maxAttempts}
 * attempts have failed. Delivery is at least once: a process that dies between sending and recording
 * leaves its claim to expire, and the delivery is sent again.
 */
public final class Deliverer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Deliverer.class);
    /** The longest wait between two attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofHours(6);
    /** How often {@link #start} looks for due deliveries. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final int ERROR_LENGTH = 1000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Authorizer> authorizers;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration timeout;
    private final Duration claimFor;
    private final DeliveryStore store = new DeliveryStore();
    private volatile boolean closed;
    private volatile boolean failing;
    private ScheduledFuture<?> task;

    /** A POST on its way; {@code statusCode} completes with the receiver's status or what went wrong. */
    private record InFlight(DeliveryStore.Claimed claimed, String token, Instant attemptedAt, long startedNanos,
                            CompletableFuture<Integer> statusCode) {
    }

    /**
     * @param authorizers by delivery kind ({@code webhook}, ...); a delivery of a kind not here fails its attempts
     * @param maxAttempts attempts before a delivery is given up as failed
     * @param backoff     wait after the first failed attempt; doubled after each further one
     * @param timeout     how long one POST may take to be answered
     */
    public Deliverer(Jdbi jdbi, Clock clock, HttpClient http, Map<String, Authorizer> authorizers, int maxAttempts,
                     Duration backoff, Duration timeout) {
        if (maxAttempts < 1 || backoff.isNegative() || backoff.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a deliverer needs at least one attempt, a positive backoff and a positive timeout");
        }
        this.jdbi = jdbi;
        this.clock = clock;
        this.http = http;
        this.authorizers = Map.copyOf(authorizers);
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.timeout = timeout;
        // long enough for every POST of a pass to be answered or time out, and be recorded
        this.claimFor = timeout.multipliedBy(2).plus(Duration.ofMinutes(1));
    }

    /** The HTTP client deliveries need: HTTP/1.1 (no cleartext upgrade attempts), redirects not followed. */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** The wait after failed attempt number {@code attempt} (from 1): base × 2^(attempt − 1), at most six hours. */
    public static Duration backoff(Duration base, int attempt) {
        int doublings = Math.max(0, attempt - 1);
        if (doublings >= 30) {
            return MAX_BACKOFF;
        }
        Duration wait = base.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /**
     * One pass: claims up to a batch of due deliveries, sends them side by side and records how each went.
     *
     * @return how many deliveries were attempted
     */
    public int deliverDue() {
        Instant now = clock.instant();
        List<Long> due = jdbi.withHandle(handle -> store.due(handle, now));
        List<InFlight> sending = new ArrayList<>();
        for (long id : due) {
            String token = UUID.randomUUID().toString();
            Optional<DeliveryStore.Claimed> claimed = jdbi.withHandle(handle ->
                    store.claim(handle, id, token, now, now.plus(claimFor)) ? store.claimed(handle, id, token) : Optional.empty());
            claimed.ifPresent(delivery -> sending.add(send(delivery, token)));
        }
        for (InFlight flight : sending) {
            try {
                finish(flight);
            } catch (RuntimeException e) {
                // The claim expires and the delivery is sent again: at least once, never lost.
                log.warn("could not record attempt {} of delivery {}: {}", flight.claimed().delivery().attempt(),
                        flight.claimed().delivery().id(), e.toString());
            }
        }
        return sending.size();
    }

    private InFlight send(DeliveryStore.Claimed claimed, String token) {
        Delivery delivery = claimed.delivery();
        Instant attemptedAt = clock.instant();
        long started = System.nanoTime();
        Authorizer authorizer = authorizers.get(delivery.kind());
        if (authorizer == null) {
            return new InFlight(claimed, token, attemptedAt, started, CompletableFuture.failedFuture(new IllegalStateException(
                    "no authorizer for deliveries of kind '" + delivery.kind() + "' on this instance")));
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(delivery.url())
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(claimed.body()));
            jdbi.useHandle(handle -> authorizer.authorize(handle, delivery, request, claimed.body(), attemptedAt));
            CompletableFuture<Integer> answered = http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode)
                    // the request timeout covers waiting for the answer's headers; this bounds the whole exchange
                    .orTimeout(timeout.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            return new InFlight(claimed, token, attemptedAt, started, answered);
        } catch (RuntimeException e) {
            return new InFlight(claimed, token, attemptedAt, started, CompletableFuture.failedFuture(e));
        }
    }

    private void finish(InFlight flight) {
        Integer statusCode = null;
        String error = null;
        try {
            statusCode = flight.statusCode().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            error = describe(e.getCause() != null ? e.getCause() : e);
        }
        long durationMs = (System.nanoTime() - flight.startedNanos()) / 1_000_000;
        boolean delivered = statusCode != null && statusCode >= 200 && statusCode < 300;
        if (statusCode != null && statusCode >= 300 && statusCode < 400) {
            error = "answered " + statusCode + ": redirects are not followed; give the final URL";
        }
        Delivery delivery = flight.claimed().delivery();
        Instant now = clock.instant();
        DeliveryReport.Status status = delivered ? DeliveryReport.Status.DELIVERED
                : delivery.attempt() >= maxAttempts ? DeliveryReport.Status.FAILED : DeliveryReport.Status.PENDING;
        Instant next = status == DeliveryReport.Status.PENDING ? now.plus(backoff(backoff, delivery.attempt())) : now;
        DeliveryStore.Outcome outcome = new DeliveryStore.Outcome(delivery.attempt(), flight.attemptedAt(), statusCode,
                truncate(error), durationMs, status, next, delivered ? now : null);
        boolean recorded = jdbi.inTransaction(handle -> store.record(handle, delivery.id(), flight.token(), outcome));
        if (!recorded) {
            log.warn("delivery {} was taken over or deleted while attempt {} was under way", delivery.id(), delivery.attempt());
            return;
        }
        // Never the URL's path or query, nor the body: either may carry something private.
        String result = statusCode != null ? "answered " + statusCode : error;
        if (delivered) {
            log.debug("delivery {} ({} {} to {}) delivered on attempt {} in {} ms", delivery.id(), delivery.kind(),
                    delivery.eventType(), delivery.url().getHost(), delivery.attempt(), durationMs);
        } else if (status == DeliveryReport.Status.FAILED) {
            log.warn("delivery {} ({} {} to {}) failed for good after {} attempts; last: {}", delivery.id(), delivery.kind(),
                    delivery.eventType(), delivery.url().getHost(), delivery.attempt(), result);
        } else {
            log.info("delivery {} ({} {} to {}) attempt {} failed ({}); next attempt at {}", delivery.id(), delivery.kind(),
                    delivery.eventType(), delivery.url().getHost(), delivery.attempt(), result, next);
        }
    }

    private String describe(Throwable error) {
        if (error instanceof HttpTimeoutException || error instanceof TimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        if (error instanceof ConnectException) {
            return "could not connect" + (error.getMessage() == null ? "" : ": " + error.getMessage());
        }
        if (error instanceof java.io.IOException) {
            return "connection failed: " + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
        }
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= ERROR_LENGTH ? text : text.substring(0, ERROR_LENGTH - 1) + "…";
    }

    /** Looks for due deliveries every {@link #POLL_INTERVAL} on {@code scheduler} until {@link #close}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task != null) {
            throw new IllegalStateException("the deliverer is already started");
        }
        task = scheduler.scheduleWithFixedDelay(this::deliverAllDue, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Passes until fewer than a batch were due; never throws, or the scheduler would stop calling. */
    private void deliverAllDue() {
        try {
            while (!closed && deliverDue() >= DeliveryStore.BATCH) {
                // a full batch: more may be due
            }
            if (failing) {
                failing = false;
                log.info("deliveries are being sent again");
            }
        } catch (Throwable e) {
            if (!failing) {
                failing = true;
                log.warn("deliveries cannot be sent now (retrying every {} s): {}", POLL_INTERVAL.toSeconds(), e.toString());
            } else {
                log.debug("deliveries still cannot be sent: {}", e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
