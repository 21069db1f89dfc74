package io.calltrail.tracking;

import io.calltrail.metrics.Metrics;
import io.calltrail.pool.Leases;
import io.calltrail.pool.Pool;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.privacy.VisitorHasher;
import io.calltrail.store.TimeOrderedIds;
import io.calltrail.property.Property;
import io.calltrail.property.TargetNumber;
import io.calltrail.tracking.PropertyCatalog.Snapshot;
import io.calltrail.tracking.SessionStore.Assignment;
import io.calltrail.tracking.SessionStore.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;

/**
 * Opens and resumes visitor sessions and decides which tracking number each shows in place of each
 * target number: source rules pick a pool or a static number; pools lease per session.
 */
public final class Sessions implements AutoCloseable {
    /** A session's page views and heartbeats renew its lease at most this often; the pool lab replays the same. */
    public static final java.time.Duration ACTIVITY_WRITE_INTERVAL = ActiveSessions.WRITE_INTERVAL;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Leases leases;
    private final VisitorHasher hasher;
    private final Metrics metrics;
    private final SessionStore store = new SessionStore();
    private final ActiveSessions active = new ActiveSessions();
    private final SessionWriter writer;

    public Sessions(Jdbi jdbi, Clock clock, Leases leases, VisitorHasher hasher, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.leases = leases;
        this.hasher = hasher;
        this.metrics = metrics;
        this.writer = new SessionWriter(jdbi, store);
    }

    /**
     * A session request as the tracking API received it. {@code gpc}: the browser sent Global Privacy Control, so
     * nothing of the visit is exported to ad platforms. {@code gaClientId}: Google Analytics' client id, kept only
     * with analytics consent, so a conversion can be sent to GA4 as the same visitor.
     */
    public record OpenRequest(String sessionId, String url, String referrer, Consent consent, String clientIp,
                              String userAgent, boolean gpc, String gaClientId) {
    }

    /** One swap: show {@code tracking} wherever the page shows {@code target}. */
    public record Shown(String target, String tracking) {
    }

    /** {@code session} is null for bots, which lease nothing. */
    public record Opened(String session, List<Shown> numbers, int ttl) {
    }

    /**
     * Completes with what the session shows once everything about it is stored: at once for a session resumed from
     * memory or updated in place, after the session writer's next commit for a new one.
     */
    public CompletableFuture<Opened> open(Snapshot snapshot, OpenRequest request) {
        Property property = snapshot.property();
        Instant now = clock.instant();
        Instant activeSince = now.minusSeconds(property.sessionTimeoutSeconds());
        Consent consent = request.consent();
        String gaClientId = "granted".equals(consent.analyticsStorage())
                || property.consentMode() == Property.ConsentMode.NOT_REQUIRED ? request.gaClientId() : null;

        Optional<VisitSession> known = Optional.empty();
        String continuingVisitor = null;
        String visitorHash = null;
        if (request.sessionId() != null) {
            Optional<List<Assignment>> recent = active.fresh(request.sessionId(), snapshot, consent, now);
            if (recent.isPresent()) {
                return CompletableFuture.completedFuture(respond(snapshot, request.sessionId(), recent.get()));
            }
            Optional<VisitSession> stored = jdbi.withHandle(handle -> store.session(handle, property.id(), request.sessionId()));
            if (stored.isPresent() && stored.get().lastSeenAt().isAfter(activeSince)) {
                known = stored;
            } else if (stored.isPresent() && consent.allowsStorage()) {
                continuingVisitor = stored.get().visitorId();
            }
        } else if (!consent.allowsStorage()) {
            visitorHash = hasher.hash(property.id(), request.clientIp(), request.userAgent());
            String hash = visitorHash;
            known = jdbi.withHandle(handle -> store.byVisitorHash(handle, property.id(), hash, activeSince));
        }

        if (known.isPresent()) {
            VisitSession session = known.get();
            jdbi.useHandle(handle -> store.touch(handle, session.id(), now, consent, gaClientId));
            Decided decided = assign(snapshot, session, visitorTouch(snapshot, session), true);
            decided.changed().forEach(assignment -> save(session, assignment));
            if (!decided.exhausted().isEmpty()) {
                jdbi.useTransaction(handle -> Leases.recordExhaustions(handle, decided.exhausted().stream()
                        .map(pool -> new Leases.Exhaustion(pool, session.id(), now)).toList()));
            }
            return CompletableFuture.completedFuture(written(snapshot, session, consent, decided.current(), now));
        }

        String id = TimeOrderedIds.next(clock);
        String visitorId = consent.allowsStorage() ? (continuingVisitor != null ? continuingVisitor : id) : null;
        VisitSession session = new VisitSession(id, property.accountId(), property.id(), visitorId, now, now,
                Touch.from(request.url(), request.referrer()), consent);
        String hash = visitorHash;
        // Click ids still pick the number, but are kept for export only when ad storage is not denied.
        VisitSession stored = "denied".equals(consent.adStorage())
                ? new VisitSession(id, session.accountId(), session.propertyId(), visitorId, now, now,
                        session.touch().withoutClickIds(), consent)
                : session;
        // Numbers are leased first (each lease is a transaction of its own, the pool's compare-and-set); the session
        // and what it shows are then written together. A lease whose session failed to be written just idles out.
        Decided decided = assign(snapshot, session, visitorTouch(snapshot, session), false);
        return writer.write(new SessionWriter.NewSession(stored, hash, request.gpc(), gaClientId, decided.changed(),
                        decided.exhausted()))
                .thenApply(written -> {
                    metrics.sessionsOpened();
                    return written(snapshot, session, consent, decided.current(), now);
                });
    }

    /** What a known bot is shown: static numbers and fallbacks only, nothing leased, nothing stored. */
    public Opened forBot(Snapshot snapshot, String url, String referrer) {
        Touch touch = Touch.from(url, referrer);
        List<Shown> shown = new ArrayList<>();
        for (TargetNumber target : snapshot.targets()) {
            ruleFor(snapshot, target, touch).ifPresent(rule -> {
                String number = switch (rule.action()) {
                    case NUMBER -> numberE164(snapshot, rule.trackingNumberId());
                    case POOL -> Optional.ofNullable(snapshot.pools().get(rule.poolId())).map(Pool::fallbackE164).orElse(null);
                    case NONE -> null;
                };
                if (number != null) {
                    shown.add(new Shown(target.e164(), number));
                }
            });
        }
        return new Opened(null, shown, snapshot.property().sessionTimeoutSeconds());
    }

    /** First touch: the visitor's first visit decides the source, when the visitor is known. */
    private Touch visitorTouch(Snapshot snapshot, VisitSession session) {
        if (snapshot.property().attributionModel() != Property.AttributionModel.FIRST_TOUCH
                || session.visitorId() == null || session.visitorId().equals(session.id())) {
            return session.touch();
        }
        return jdbi.withHandle(handle -> store.firstOfVisitor(handle, snapshot.property().id(), session.visitorId()))
                .map(VisitSession::touch)
                .orElse(session.touch());
    }

    /** Session ids among {@code ids} that the property does not know. */
    public java.util.Set<String> unknown(Snapshot snapshot, java.util.Set<String> ids) {
        java.util.Set<String> unknown = new java.util.HashSet<>();
        for (String id : ids) {
            if (!active.knows(id, snapshot.property().id())) {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.removeAll(jdbi.withHandle(handle -> store.existing(handle, snapshot.property().id(), unknown)));
        }
        return unknown;
    }

    private Opened written(Snapshot snapshot, VisitSession session, Consent consent, List<Assignment> assignments,
                           Instant now) {
        active.written(session.id(), snapshot, consent, assignments, now);
        return respond(snapshot, session.id(), assignments);
    }

    /**
     * What a session shows now, which of those assignments differ from what it showed before, and the pools that had
     * no number for it (a new session records them with itself).
     */
    private record Decided(List<Assignment> current, List<Assignment> changed, List<Pool> exhausted) {
    }

    /** @param resumed false for a session created just now, which cannot have assignments yet */
    private Decided assign(Snapshot snapshot, VisitSession session, Touch touch, boolean resumed) {
        Map<Long, Assignment> previous = new HashMap<>();
        if (resumed) {
            for (Assignment assignment : jdbi.withHandle(handle -> store.assignments(handle, session.id()))) {
                previous.put(assignment.targetNumberId(), assignment);
            }
        }
        List<Assignment> current = new ArrayList<>();
        List<Assignment> changed = new ArrayList<>();
        List<Pool> exhausted = new ArrayList<>();
        for (TargetNumber target : snapshot.targets()) {
            Assignment before = previous.get(target.id());
            Assignment now = before != null ? keep(snapshot, session, before, exhausted) : decide(snapshot, session, target, touch, exhausted);
            if (now == null) {
                continue;
            }
            if (!now.equals(before)) {
                changed.add(now);
            }
            current.add(now);
        }
        return new Decided(current, changed, exhausted);
    }

    /** Writes a resumed session's changed assignment; a concurrent twin request may insert it first, then this updates. */
    private void save(VisitSession session, Assignment assignment) {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbi.useTransaction(handle -> store.saveAssignment(handle, session.accountId(), session.id(), assignment));
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3 || !io.calltrail.store.SqlErrors.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    /** A resumed session keeps what it showed: its lease is extended (or renewed), static stays static. */
    private Assignment keep(Snapshot snapshot, VisitSession session, Assignment before, List<Pool> exhausted) {
        if (before.kind() != Kind.LEASE) {
            return before;
        }
        Pool pool = snapshot.pools().get(before.poolId());
        if (pool == null) {
            return before;
        }
        return fromPool(pool, session, before.targetNumberId(), before.leaseId(), before.trackingNumberId(), exhausted);
    }

    private Assignment decide(Snapshot snapshot, VisitSession session, TargetNumber target, Touch touch, List<Pool> exhausted) {
        Optional<SourceRule> rule = ruleFor(snapshot, target, touch);
        if (rule.isEmpty()) {
            return null;
        }
        return switch (rule.get().action()) {
            case NONE -> null;
            case NUMBER -> {
                String e164 = numberE164(snapshot, rule.get().trackingNumberId());
                yield e164 == null ? null
                        : new Assignment(target.id(), Kind.STATIC, e164, null, rule.get().trackingNumberId(), null);
            }
            case POOL -> {
                Pool pool = snapshot.pools().get(rule.get().poolId());
                yield pool == null ? null : fromPool(pool, session, target.id(), null, null, exhausted);
            }
        };
    }

    /** @param exhausted where to note a pool that had no number, for the caller to record */
    private Assignment fromPool(Pool pool, VisitSession session, long targetId, Long leaseId, Long numberId, List<Pool> exhausted) {
        Leases.Outcome outcome = leases.obtainLeavingExhaustion(pool, session.id(), leaseId, numberId);
        if (outcome instanceof Leases.Exhausted) {
            exhausted.add(pool);
        }
        if (outcome instanceof Leases.Held held) {
            return new Assignment(targetId, Kind.LEASE, held.lease().e164(), pool.id(), held.lease().trackingNumberId(),
                    held.lease().id());
        }
        return pool.fallbackE164() == null ? null
                : new Assignment(targetId, Kind.FALLBACK, pool.fallbackE164(), pool.id(), null, null);
    }

    private static Optional<SourceRule> ruleFor(Snapshot snapshot, TargetNumber target, Touch touch) {
        return snapshot.rules().stream().filter(rule -> rule.appliesTo(target.id()) && rule.matches(touch)).findFirst();
    }

    private static String numberE164(Snapshot snapshot, Long numberId) {
        TrackingNumber number = numberId == null ? null : snapshot.numbers().get(numberId);
        return number == null ? null : number.e164();
    }

    private Opened respond(Snapshot snapshot, String sessionId, List<Assignment> assignments) {
        Map<Long, String> targetE164 = new HashMap<>();
        for (TargetNumber target : snapshot.targets()) {
            targetE164.put(target.id(), target.e164());
        }
        int ttl = snapshot.property().sessionTimeoutSeconds();
        List<Shown> shown = new ArrayList<>();
        for (Assignment assignment : assignments) {
            shown.add(new Shown(targetE164.get(assignment.targetNumberId()), assignment.shownE164()));
            Pool pool = assignment.poolId() == null ? null : snapshot.pools().get(assignment.poolId());
            if (pool != null) {
                ttl = Math.min(ttl, pool.idleTimeoutSeconds());
            }
        }
        return new Opened(sessionId, shown, ttl);
    }

    /** Writes the new sessions asked for so far, then stops writing. */
    @Override
    public void close() {
        writer.close();
    }
}
