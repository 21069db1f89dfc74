package io.calltrail.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Rows keyed by them are inserted
 * at one end of their indexes, in pages that are in memory already, instead of at random places all over a large
 * index: the difference between a session or event costing a few microseconds to store or several times that.
 * The random part still makes an id unguessable.
 */
public final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    public static String next(Clock clock) {
        long millis = clock.millis();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
        long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
