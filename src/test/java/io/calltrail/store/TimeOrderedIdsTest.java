package io.calltrail.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.calltrail.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {
    @Test
    void idsAreVersion7WithTheClocksMillisecondsFirst() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00.123Z"));
        UUID id = UUID.fromString(TimeOrderedIds.next(clock));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(clock.millis());
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
        String earlier = TimeOrderedIds.next(clock);
        clock.advance(Duration.ofMillis(1));
        String later = TimeOrderedIds.next(clock);
        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void idsOfTheSameMillisecondDifferInTheirRandomBits() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(TimeOrderedIds.next(clock));
        }
        assertThat(ids).hasSize(10_000);
    }
}
