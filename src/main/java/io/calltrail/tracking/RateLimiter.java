package io.calltrail.tracking;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/** Per-client-IP token buckets: {@code perMinute} requests a minute, bursts up to the same number. */
public final class RateLimiter {
    private static final int MAX_TRACKED_CLIENTS = 100_000;

    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    private static final class Bucket {
        private double tokens;
        private long updatedMillis;

        Bucket(double tokens, long updatedMillis) {
            this.tokens = tokens;
            this.updatedMillis = updatedMillis;
        }
    }

    /** True when the client may go on; 0 per minute turns the limit off. */
    public boolean tryAcquire(String clientIp) {
        if (perMinute == 0) {
            return true;
        }
        long now = clock.millis();
        if (buckets.size() > MAX_TRACKED_CLIENTS) {
            // Full buckets carry no information: forget clients idle for a minute or more.
            buckets.values().removeIf(bucket -> now - bucket.updatedMillis > 60_000);
        }
        Bucket bucket = buckets.computeIfAbsent(clientIp, ip -> new Bucket(perMinute, now));
        synchronized (bucket) {
            double refill = (now - bucket.updatedMillis) * perMinute / 60_000.0;
            bucket.tokens = Math.min(perMinute, bucket.tokens + refill);
            bucket.updatedMillis = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Seconds until one more request would be allowed. */
    public int retryAfterSeconds() {
        return Math.max(1, (int) Math.ceil(60.0 / Math.max(perMinute, 1)));
    }
}
