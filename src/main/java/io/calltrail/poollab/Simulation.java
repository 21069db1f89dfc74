package io.calltrail.poollab;

import io.calltrail.metrics.Metrics;
import io.calltrail.pool.Lease;
import io.calltrail.pool.Leases;
import io.calltrail.pool.MemoryLedger;
import io.calltrail.pool.Pool;
import io.calltrail.telephony.Attribution;
import io.calltrail.telephony.Confidence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Replays synthetic visits and calls through Calltrail's own lease rules ({@link Leases} over a
 * {@link MemoryLedger}) and attribution ({@link Attribution#forPoolNumber}), on a simulated clock: no HTTP,
 * no database, no waiting. The same seed gives the same run.
 */
public final class Simulation {
    /** A Monday at midnight: simulated hours are the property's local hours. */
    static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    private static final long ACCOUNT = 1;
    private static final long POOL = 1;
    /** The server writes a session's activity at most this often (the rest is answered from memory). */
    private static final long WRITE_INTERVAL_MILLIS = io.calltrail.tracking.Sessions.ACTIVITY_WRITE_INTERVAL.toMillis();
    private static final long CLICK_BEFORE_CALL_MILLIS = 5_000;
    private static final double[] BAND_EDGES = {0.99, 0.95, 0.9, 0.7, 0.5, 0};
    /** Lease counters of simulated pools, shared: nobody reads them, but Leases counts as in production. */
    private static final Metrics METRICS = new Metrics();

    private final Scenario scenario;
    private final Consumer<SimulatedCall> callLog;
    private final SimClock clock = new SimClock();
    private final MemoryLedger ledger;
    private final Leases leases;
    private final Pool pool;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<Visit> visits = new ArrayList<>();
    private final SplittableRandom arrivals;
    private final SplittableRandom callers;
    private long sequence;

    private long fallbackSessions;
    private long reusedLeases;
    private final long[] correct = new long[BAND_EDGES.length];
    private final long[] wrong = new long[BAND_EDGES.length];
    private final double[] confidenceSum = new double[BAND_EDGES.length];
    private long callsTotal;
    private long callsNone;
    private long callsFallback;

    /**
     * A simulated call and what attribution made of it, for whoever wants every call (the --calls file), with what
     * confidence weighed: minutes since the holder's last activity, the other holders of the number in the lookback
     * and the minutes since each was last active (semicolon-separated), the holder's tel: click.
     */
    public record SimulatedCall(Instant at, String timing, String caller, String dialled, String method, double confidence,
                                String attributedTo, String outcome, Long minutesSinceHolderSeen, int otherHolders,
                                boolean holderClicked, boolean reused, String otherHoldersMinutes) {
    }

    private Simulation(Scenario scenario, Consumer<SimulatedCall> callLog) {
        this.scenario = scenario;
        this.callLog = callLog;
        PoolSettings settings = scenario.pool();
        Traffic traffic = scenario.traffic();
        Duration memory = Confidence.LOOKBACK.plus(settings.idleTimeout()).plus(settings.linger()).plusDays(1);
        this.ledger = new MemoryLedger(memory, settings.reuseOrder(), session -> visits.get(Integer.parseInt(session)).clickAt >= 0);
        this.pool = new Pool(POOL, ACCOUNT, 1, "pool lab", (int) settings.idleTimeout().toSeconds(),
                (int) settings.linger().toSeconds(), settings.overflow(), "+15125550000", START);
        for (int i = 0; i < settings.size(); i++) {
            ledger.addNumber(ACCOUNT, POOL, "+1" + (5_126_000_000L + i), START);
        }
        this.leases = new Leases(ledger, clock, METRICS);
        this.arrivals = new SplittableRandom(scenario.seed());
        this.callers = arrivals.split();
        if (traffic.heartbeatFor(settings.idleTimeout()).isZero()) {
            throw new IllegalArgumentException("the heartbeat must be above 0");
        }
    }

    public static LabResult run(Scenario scenario) {
        return run(scenario, call -> { });
    }

    public static LabResult run(Scenario scenario, Consumer<SimulatedCall> callLog) {
        return new Simulation(scenario, callLog).run();
    }

    private enum Kind { ARRIVAL, ACTIVITY, CALL }

    private static final class Event implements Comparable<Event> {
        final long at;
        final long order;
        final Kind kind;
        final Visit visit;

        Event(long at, long order, Kind kind, Visit visit) {
            this.at = at;
            this.order = order;
            this.kind = kind;
            this.visit = visit;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** One simulated visit. Times are milliseconds from {@link #START}. */
    private static final class Visit {
        final String id;
        final long start;
        final long end;
        long clickAt = -1;
        long lastWrite = Long.MIN_VALUE;
        Long leaseId;
        Long numberId;
        String shown;
        boolean fallback;
        String timing;

        Visit(int index, long start, long end) {
            this.id = Integer.toString(index);
            this.start = start;
            this.end = end;
        }
    }

    private void schedule(long at, Kind kind, Visit visit) {
        queue.add(new Event(at, sequence++, kind, visit));
    }

    private LabResult run() {
        long horizon = Duration.ofDays(scenario.days()).toMillis();
        long heartbeat = scenario.traffic().heartbeatFor(scenario.pool().idleTimeout()).toMillis();
        int[] samples = new int[(int) (horizon / 60_000)];
        int sampled = 0;
        long firstArrival = nextArrival(0, horizon);
        if (firstArrival < horizon) {
            schedule(firstArrival, Kind.ARRIVAL, null);
        }
        while (!queue.isEmpty()) {
            Event event = queue.poll();
            while (sampled < samples.length && (long) sampled * 60_000 < event.at) {
                samples[sampled] = ledger.reading(POOL, instant((long) sampled * 60_000)).busy();
                sampled++;
            }
            clock.now = instant(event.at);
            switch (event.kind) {
                case ARRIVAL -> {
                    arrive(event.at);
                    long next = nextArrival(event.at, horizon);
                    if (next < horizon) {
                        schedule(next, Kind.ARRIVAL, null);
                    }
                }
                case ACTIVITY -> {
                    write(event.visit, event.at);
                    if (event.at < event.visit.end) {
                        schedule(Math.min(event.at + heartbeat, event.visit.end), Kind.ACTIVITY, event.visit);
                    }
                }
                case CALL -> call(event.visit, event.at);
            }
        }
        while (sampled < samples.length) {
            samples[sampled] = ledger.reading(POOL, instant((long) sampled * 60_000)).busy();
            sampled++;
        }
        return result(samples);
    }

    /** The next arrival after {@code from} of a Poisson process whose rate follows the hourly profile. */
    private long nextArrival(long from, long horizon) {
        double need = -Math.log(1 - arrivals.nextDouble());
        double at = from / 1000.0;
        while (at * 1000 < horizon) {
            int hour = (int) ((at / 3600) % 24);
            double hourEnd = (Math.floor(at / 3600) + 1) * 3600;
            double rate = scenario.traffic().sessionsPerDay() * scenario.traffic().profile().share(hour) / 3600;
            double available = rate * (hourEnd - at);
            if (need <= available) {
                return (long) Math.ceil((at + need / rate) * 1000);
            }
            need -= available;
            at = hourEnd;
        }
        return Long.MAX_VALUE;
    }

    private void arrive(long at) {
        Traffic traffic = scenario.traffic();
        double seconds = traffic.sessionLength().sampleSeconds(arrivals);
        Visit visit = new Visit(visits.size(), at, at + Math.round(seconds * 1000));
        visits.add(visit);
        double weight = traffic.engagement() == 0 ? 1
                : Math.pow(traffic.sessionLength().relative(seconds), traffic.engagement())
                        / traffic.sessionLength().moment(traffic.engagement());
        double draw = callers.nextDouble();
        double timing = callers.nextDouble();
        double delay = callers.nextDouble();
        double spread = callers.nextGaussian();
        double click = callers.nextDouble();
        if (draw < traffic.callShare() * weight) {
            long callAt;
            if (timing < traffic.duringShare()) {
                visit.timing = "during";
                callAt = visit.start + (long) (delay * (visit.end - visit.start));
                if (click < traffic.telClickShare()) {
                    visit.clickAt = Math.max(visit.start, callAt - CLICK_BEFORE_CALL_MILLIS);
                }
            } else if (timing < traffic.duringShare() + traffic.soonShare()) {
                visit.timing = "soon";
                // exponential, 95 % of them within soonWithin
                callAt = visit.end + (long) (-Math.log(1 - delay) / Math.log(20) * traffic.soonWithin().toMillis());
            } else {
                visit.timing = "later";
                long later = traffic.laterAfter().toMillis() + Math.round(spread * traffic.laterSpread().toMillis());
                callAt = visit.end + Math.max(traffic.soonWithin().toMillis(), later);
            }
            schedule(callAt, Kind.CALL, visit);
        } else if (click < traffic.strayClickShare()) {
            visit.clickAt = visit.start + (long) (delay * (visit.end - visit.start));
        }
        write(visit, at);
        if (visit.end > at) {
            long heartbeat = traffic.heartbeatFor(scenario.pool().idleTimeout()).toMillis();
            schedule(Math.min(at + heartbeat, visit.end), Kind.ACTIVITY, visit);
        }
    }

    /** A page view or heartbeat: the server renews the lease, unless it wrote this session within the last minute. */
    private void write(Visit visit, long at) {
        if (visit.fallback || (visit.lastWrite != Long.MIN_VALUE && at - visit.lastWrite < WRITE_INTERVAL_MILLIS)) {
            return;
        }
        visit.lastWrite = at;
        Leases.Outcome outcome = leases.obtain(pool, visit.id, visit.leaseId, visit.numberId);
        if (outcome instanceof Leases.Held held) {
            visit.leaseId = held.lease().id();
            visit.numberId = held.lease().trackingNumberId();
            visit.shown = held.lease().e164();
            if (held.kind() == Leases.Kind.REUSED) {
                reusedLeases++;
            }
        } else {
            // production shows the fallback number, and keeps showing it for the rest of the visit
            visit.fallback = true;
            visit.shown = pool.fallbackE164();
            fallbackSessions++;
        }
    }

    private void call(Visit caller, long at) {
        callsTotal++;
        Instant callStart = instant(at);
        if (caller.fallback) {
            callsFallback++;
            callLog.accept(new SimulatedCall(callStart, caller.timing, caller.id, caller.shown, "fallback", 0, null,
                    "fallback-only", null, 0, false, false, ""));
            return;
        }
        List<Lease> covering = leases.leasesAt(ACCOUNT, caller.numberId, callStart);
        List<Lease> recent = covering.isEmpty() ? List.of()
                : leases.numberHistory(ACCOUNT, caller.numberId, callStart.minus(Confidence.LOOKBACK), callStart);
        Instant holderClick = null;
        if (!covering.isEmpty()) {
            Visit holder = visits.get(Integer.parseInt(covering.get(0).sessionId()));
            if (holder.clickAt >= 0 && holder.clickAt <= at) {
                holderClick = instant(holder.clickAt);
            }
        }
        Attribution attribution = Attribution.forPoolNumber(callStart, covering, recent, holderClick);
        String outcome;
        if (attribution.method() == Attribution.Method.NONE) {
            callsNone++;
            outcome = "none";
        } else {
            int band = band(attribution.confidence());
            boolean right = caller.id.equals(attribution.sessionId());
            (right ? correct : wrong)[band]++;
            confidenceSum[band] += attribution.confidence();
            outcome = right ? "correct" : "wrong";
        }
        Lease holder = covering.isEmpty() ? null : covering.get(0);
        Map<String, Long> others = holder == null ? Map.of() : minutesSinceOthersActive(recent, holder, callStart);
        callLog.accept(new SimulatedCall(callStart, caller.timing, caller.id, caller.shown, attribution.method().toString(),
                attribution.confidence(), attribution.sessionId(), outcome,
                holder == null ? null : Duration.between(holder.lastSeenAt(), callStart).toMinutes(), others.size(),
                holderClick != null, holder != null && holder.reused(),
                others.values().stream().map(String::valueOf).collect(Collectors.joining(";"))));
    }

    /** The number's other recent holders, each with the minutes since it was last active, most recent holder first. */
    private static Map<String, Long> minutesSinceOthersActive(List<Lease> recent, Lease holder, Instant callStart) {
        Map<String, Long> others = new LinkedHashMap<>();
        for (Lease lease : recent) {
            if (!lease.sessionId().equals(holder.sessionId())) {
                others.merge(lease.sessionId(), Duration.between(lease.lastSeenAt(), callStart).toMinutes(), Math::min);
            }
        }
        return others;
    }

    private static int band(double confidence) {
        for (int i = 0; i < BAND_EDGES.length; i++) {
            if (confidence >= BAND_EDGES[i]) {
                return i;
            }
        }
        return BAND_EDGES.length - 1;
    }

    private LabResult result(int[] samples) {
        long sum = 0;
        int peak = 0;
        for (int sample : samples) {
            sum += sample;
            peak = Math.max(peak, sample);
        }
        int[] sorted = samples.clone();
        Arrays.sort(sorted);
        int p99 = sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
        LabResult.Usage usage = new LabResult.Usage(samples.length == 0 ? 0 : (double) sum / samples.length, p99, peak,
                PoissonCheck.expect(scenario));

        List<LabResult.Band> bands = new ArrayList<>();
        long highAttributions = 0;
        long highCorrect = 0;
        for (int i = 0; i < BAND_EDGES.length; i++) {
            double to = i == 0 ? 1.0 : BAND_EDGES[i - 1];
            long attributions = correct[i] + wrong[i];
            bands.add(new LabResult.Band(label(BAND_EDGES[i], i == 0), BAND_EDGES[i], to, correct[i], wrong[i],
                    attributions == 0 ? 0 : confidenceSum[i] / attributions,
                    attributions == 0 ? 0 : (double) correct[i] / attributions));
            if (BAND_EDGES[i] >= scenario.highConfidence() - 1e-9) {
                highAttributions += attributions;
                highCorrect += correct[i];
            }
        }
        long correctAll = Arrays.stream(correct).sum();
        long wrongAll = Arrays.stream(wrong).sum();
        LabResult.Quality quality = new LabResult.Quality(scenario.highConfidence(), highAttributions, highCorrect,
                highAttributions == 0 ? 1 : (double) highCorrect / highAttributions,
                callsTotal == 0 ? 0 : (double) highCorrect / callsTotal);
        long total = visits.size();
        return new LabResult(scenario, new LabResult.Sessions(total, fallbackSessions,
                total == 0 ? 0 : (double) fallbackSessions / total, reusedLeases), usage,
                new LabResult.Calls(callsTotal, correctAll, wrongAll, callsNone, callsFallback), bands, quality);
    }

    private static String label(double from, boolean top) {
        return top ? String.format(java.util.Locale.ROOT, "%.2f–1.00", from)
                : from == 0 ? "below 0.50" : String.format(java.util.Locale.ROOT, "%.2f–%.2f", from, nextEdge(from));
    }

    private static double nextEdge(double from) {
        for (int i = BAND_EDGES.length - 1; i > 0; i--) {
            if (BAND_EDGES[i] == from) {
                return BAND_EDGES[i - 1];
            }
        }
        return 1;
    }

    private static Instant instant(long millis) {
        return START.plusMillis(millis);
    }

    /** The simulated clock: stands wherever the event being handled happens. */
    private static final class SimClock extends Clock {
        Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
