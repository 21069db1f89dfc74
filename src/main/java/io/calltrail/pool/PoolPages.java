package io.calltrail.pool;

import io.calltrail.account.Account;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.web.Dashboard;
import io.calltrail.web.Readable;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's numbers page, read-only for everybody: each pool's size and use with a plain warning when it is too
 * small, then the tracking numbers and where they forward, and the business's own (target) numbers. Changes are made
 * on the set-up pages.
 */
public final class PoolPages {
    /** The periods the page offers, in days; the first is a day. */
    static final List<Integer> PERIODS = List.of(1, 7, 30, 90);
    static final int DEFAULT_DAYS = 7;

    private final Dashboard dashboard;
    private final Jdbi jdbi;
    private final PoolStore pools;
    private final PropertyStore properties;
    private final Clock clock;

    public PoolPages(Dashboard dashboard, Jdbi jdbi, PoolStore pools, PropertyStore properties, Clock clock) {
        this.dashboard = dashboard;
        this.jdbi = jdbi;
        this.pools = pools;
        this.properties = properties;
        this.clock = clock;
    }

    /** A pool as the page shows it. */
    public record PoolView(long id, String name, String property, int size, int inUse, int active, int lingering, int peak,
                           String peakAt, int exhaustions, int sessions, int fallbackSessions, String fallbackShare,
                           String fallbackNumber, String overflow, String leaseTimes, PoolAdvice advice, String adviceClass) {
    }

    /** A tracking number as the page shows it. */
    public record NumberView(String number, String label, String property, String use, boolean inPool, String provider,
                             String forwardsTo, boolean recording) {
    }

    /** A number of the business as the page shows it. */
    public record TargetView(String number, String label, String property) {
    }

    /** {@code GET /app/numbers[?days=7]}. */
    public void numbers(Context ctx) {
        Account account = Admin.account(ctx);
        int days = days(ctx.queryParam("days"));
        Instant now = clock.instant();
        // the period is [from, to): it ends just after now, so what happened this instant is in it
        Instant to = now.plusMillis(1);
        Instant from = now.minus(Duration.ofDays(days));
        Map<Long, Property> byId = properties.list(account.id()).stream()
                .collect(Collectors.toMap(Property::id, Function.identity()));
        boolean manyProperties = byId.size() > 1;

        Map<String, Object> model = new HashMap<>();
        jdbi.useTransaction(handle -> { // one snapshot; lets the lease scan fetch in batches
            List<Pool> accountPools = pools.pools(handle, account.id(), null);
            List<TrackingNumber> numbers = pools.numbers(handle, account.id(), null, null);
            Map<String, TrackingNumber> byE164 = numbers.stream().collect(Collectors.toMap(TrackingNumber::e164, Function.identity()));
            Map<Long, String> poolNames = new HashMap<>();
            List<PoolView> poolViews = new ArrayList<>();
            for (Pool pool : accountPools) {
                poolNames.put(pool.id(), pool.name());
                Property property = byId.get(pool.propertyId());
                ZoneId zone = property == null ? ZoneId.of("UTC") : ZoneId.of(property.timeZone());
                PoolStore.PoolStats stats = pools.stats(handle, pool, now, from, to);
                PoolStore.PoolUse use = pools.use(handle, pool, from, to);
                TrackingNumber fallback = pool.fallbackE164() == null ? null : byE164.get(pool.fallbackE164());
                PoolAdvice advice = PoolAdvice.of(pool, stats, use, new PoolAdvice.Fallback(pool.fallbackE164(),
                        fallback != null, fallback == null ? null : fallback.sourceName()));
                poolViews.add(new PoolView(pool.id(), pool.name(), property == null ? "" : property.name(), stats.size(),
                        stats.inUse() + stats.lingering(), stats.inUse(), stats.lingering(), use.peak(),
                        use.peakAt() == null ? "" : Readable.dateTime(use.peakAt(), zone), stats.exhaustions(), use.sessions(),
                        use.fallbackSessions(), PoolAdvice.share(use.fallbackSessions(), use.sessions()),
                        pool.fallbackE164() == null ? "" : Readable.phone(pool.fallbackE164()),
                        pool.overflowPolicy() == Pool.OverflowPolicy.REUSE_OLDEST
                                ? "give the number idle longest to the next visitor" : "show the fallback number",
                        minutes(pool.idleTimeoutSeconds()) + " after the visitor's last activity, then kept "
                                + minutes(pool.lingerSeconds()) + " for call backs",
                        advice, switch (advice.level()) {
                            case TOO_SMALL -> "warning";
                            case NEARLY_FULL -> "warning";
                            case ENOUGH -> "notice";
                            case UNUSED -> "hint";
                        }));
            }
            List<NumberView> numberViews = numbers.stream().map(number -> new NumberView(Readable.phone(number.e164()),
                    number.name(), propertyName(byId, number.propertyId()),
                    number.poolId() != null ? "Pool: " + poolNames.getOrDefault(number.poolId(), "#" + number.poolId())
                            : number.sourceName() != null ? "Source: " + number.sourceName() : "Not assigned yet",
                    number.poolId() != null, provider(number.provider()), Readable.phone(number.forwardTo()),
                    number.recordCalls())).toList();
            List<TargetView> targets = properties.targets(handle, account.id(), null).stream()
                    .map((TargetNumber target) -> new TargetView(Readable.phone(target.e164()), target.label(),
                            propertyName(byId, target.propertyId()))).toList();
            model.put("pools", poolViews);
            model.put("numbers", numberViews);
            model.put("targets", targets);
        });
        model.put("days", days);
        model.put("periods", PERIODS);
        model.put("manyProperties", manyProperties);
        dashboard.render(ctx, "numbers", model);
    }

    private static int days(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_DAYS;
        }
        try {
            int days = Integer.parseInt(raw.strip());
            if (PERIODS.contains(days)) {
                return days;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new ApiError(400, "invalid_query", "days", "days must be one of " + PERIODS.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")));
    }

    private static String propertyName(Map<Long, Property> byId, long propertyId) {
        Property property = byId.get(propertyId);
        return property == null ? "" : property.name();
    }

    /** {@code twilio} as {@code Twilio}, {@code signalwire} as {@code SignalWire}. */
    private static String provider(String provider) {
        if (provider == null || provider.isEmpty()) {
            return "";
        }
        return switch (provider) {
            case "signalwire" -> "SignalWire";
            case "freeswitch" -> "FreeSWITCH";
            default -> provider.substring(0, 1).toUpperCase(Locale.ROOT) + provider.substring(1);
        };
    }

    private static String minutes(int seconds) {
        int minutes = seconds / 60;
        return seconds % 60 != 0 ? seconds + " s" : minutes + " min";
    }
}
