package io.calltrail.tracking;

import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Each property's tracking settings held in memory, so the public endpoints read no settings from the
 * database. Changes made through this instance apply at once; changes made by other instances
 * within the refresh interval.
 */
public final class PropertyCatalog {
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration refresh;
    private final PropertyStore properties;
    private final PoolStore pools = new PoolStore();
    private final SourceRuleStore rules = new SourceRuleStore();
    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

    public PropertyCatalog(Jdbi jdbi, Clock clock, Duration refresh) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.refresh = refresh;
        this.properties = new PropertyStore(jdbi);
    }

    /** Everything the tracking endpoints need to know about one property; equal when the settings are. */
    public record Snapshot(Property property, List<TargetNumber> targets, List<SourceRule> rules,
                           Map<Long, Pool> pools, Map<Long, TrackingNumber> numbers) {
    }

    private record Entry(Optional<Snapshot> snapshot, Instant loadedAt) {
    }

    public Optional<Snapshot> byPublicKey(String publicKey) {
        Instant now = clock.instant();
        Entry entry = byKey.get(publicKey);
        if (entry == null || entry.loadedAt().plus(refresh).isBefore(now)) {
            Optional<Snapshot> loaded = load(publicKey);
            // An unchanged reload keeps the same instance, so callers may compare snapshots by identity.
            if (entry != null && entry.snapshot().equals(loaded)) {
                loaded = entry.snapshot();
            }
            entry = new Entry(loaded, now);
            if (byKey.size() > 10_000) {
                byKey.clear();
            }
            byKey.put(publicKey, entry);
        }
        return entry.snapshot();
    }

    /** Forgets every cached property; called after any change of tracking settings. */
    public void invalidate() {
        byKey.clear();
    }

    private Optional<Snapshot> load(String publicKey) {
        return properties.byPublicKey(publicKey).map(property -> jdbi.withHandle(handle -> {
            long account = property.accountId();
            return new Snapshot(property,
                    properties.targets(handle, account, property.id()),
                    rules.rules(handle, account, property.id()),
                    pools.pools(handle, account, property.id()).stream()
                            .collect(Collectors.toUnmodifiableMap(Pool::id, Function.identity())),
                    pools.numbers(handle, account, property.id(), null).stream()
                            .collect(Collectors.toUnmodifiableMap(TrackingNumber::id, Function.identity())));
        }));
    }
}
