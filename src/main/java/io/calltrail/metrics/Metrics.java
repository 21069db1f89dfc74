package io.calltrail.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The one seam between Calltrail and its metrics library: slices call named methods, never the registry. */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge poolSize;
    private final MultiGauge poolInUse;
    private final MultiGauge poolLingering;
    private final MultiGauge poolUtilisation;
    /**
     * Meters already registered, by name and tags: building and registering a meter on every request costs more
     * than recording in it.
     */
    private final ConcurrentHashMap<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        poolSize = MultiGauge.builder("calltrail_pool_numbers").description("Tracking numbers in the pool").register(registry);
        poolInUse = MultiGauge.builder("calltrail_pool_numbers_in_use").description("Pool numbers held by an active session").register(registry);
        poolLingering = MultiGauge.builder("calltrail_pool_numbers_lingering").description("Pool numbers idle but not yet reusable").register(registry);
        poolUtilisation = MultiGauge.builder("calltrail_pool_utilisation").description("Share of pool numbers not available (in use or lingering)").register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    public String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    public void httpRequest(String method, String route, int status, Duration took) {
        timers.computeIfAbsent(List.of(method, route, Integer.toString(status)), tags -> Timer.builder("calltrail_http_requests")
                        .description("HTTP requests by route and status")
                        .tags("method", method, "route", route, "status", tags.get(2))
                        .publishPercentileHistogram()
                        .register(registry))
                .record(took);
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return counters.computeIfAbsent(key, unused -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    /** kind: new, extended, reused (reuse-oldest overflow). */
    public void leaseGranted(long poolId, String kind) {
        counter("calltrail_leases", "Leases granted or extended", "pool", Long.toString(poolId), "kind", kind).increment();
    }

    public void poolExhausted(long poolId) {
        counter("calltrail_pool_exhaustions", "Sessions that found no free number in the pool", "pool", Long.toString(poolId))
                .increment();
    }

    /** reason: bot, rate_limited, foreign_origin. */
    public void trackingRefused(String reason) {
        counter("calltrail_tracking_refused", "Tracking requests served without a lease or refused", "reason", reason).increment();
    }

    public void eventsStored(int count) {
        counter("calltrail_events_stored", "Tracking events stored (duplicates excluded)").increment(count);
    }

    public void sessionsOpened() {
        counter("calltrail_sessions_opened", "Visitor sessions opened").increment();
    }

    /** Replaces the per-pool gauges with a fresh reading. */
    public void poolState(List<PoolReading> readings) {
        poolSize.register(readings.stream().map(r -> MultiGauge.Row.of(tags(r), r.size())).toList(), true);
        poolInUse.register(readings.stream().map(r -> MultiGauge.Row.of(tags(r), r.inUse())).toList(), true);
        poolLingering.register(readings.stream().map(r -> MultiGauge.Row.of(tags(r), r.lingering())).toList(), true);
        poolUtilisation.register(readings.stream()
                .map(r -> MultiGauge.Row.of(tags(r), r.size() == 0 ? 0.0 : (double) (r.inUse() + r.lingering()) / r.size()))
                .toList(), true);
    }

    private static Tags tags(PoolReading reading) {
        return Tags.of("pool", Long.toString(reading.poolId()), "account", Long.toString(reading.accountId()));
    }

    public record PoolReading(long accountId, long poolId, int size, int inUse, int lingering) {
    }
}
