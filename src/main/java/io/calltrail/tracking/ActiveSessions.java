package io.calltrail.tracking;

import io.calltrail.tracking.PropertyCatalog.Snapshot;
import io.calltrail.tracking.SessionStore.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions this instance wrote recently, with what they show. A page view or heartbeat within a
 * minute of the last write is answered from here: the lease was extended moments ago and cannot have
 * changed hands, since a number only moves after its holder has been idle for the idle timeout.
 */
final class ActiveSessions {
    /** Activity is written at most this often per session; lease ends are that much less precise. */
    static final Duration WRITE_INTERVAL = Duration.ofSeconds(60);
    private static final int MAX_ENTRIES = 200_000;

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(long propertyId, Snapshot snapshot, Consent consent, List<Assignment> assignments, Instant writtenAt) {
    }

    /**
     * What the session shows, if it was written within the interval under the same property settings and
     * the same consent (a change of consent is always written).
     */
    Optional<List<Assignment>> fresh(String sessionId, Snapshot snapshot, Consent consent, Instant now) {
        Entry entry = entries.get(sessionId);
        if (entry == null || entry.snapshot() != snapshot || entry.propertyId() != snapshot.property().id()
                || !entry.consent().equals(consent)
                || !entry.writtenAt().plus(WRITE_INTERVAL).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(entry.assignments());
    }

    void written(String sessionId, Snapshot snapshot, Consent consent, List<Assignment> assignments, Instant now) {
        if (entries.size() >= MAX_ENTRIES) {
            Instant stale = now.minus(WRITE_INTERVAL);
            entries.values().removeIf(entry -> entry.writtenAt().isBefore(stale));
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(sessionId, new Entry(snapshot.property().id(), snapshot, consent, List.copyOf(assignments), now));
    }

    /** True when this instance knows the session belongs to the property (no database read needed). */
    boolean knows(String sessionId, long propertyId) {
        Entry entry = entries.get(sessionId);
        return entry != null && entry.propertyId() == propertyId;
    }
}
