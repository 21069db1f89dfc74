package io.calltrail.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL of the reports: what sessions, phone-link clicks, calls and conversions add up to per local day and origin,
 * read from the facts; the daily rollups that keep those sums for days that are over, with the counts each was made
 * from; and the state of the rollup job.
 */
final class ReportStore {
    /** Where a visit came from, over a visit aliased {@code s}; its landing page is its URL without query and fragment. */
    private static final String ORIGIN = """
            s.utm_source, s.referrer_domain, s.utm_medium, s.utm_campaign, s.utm_term,
            CASE WHEN POSITION('#' IN s.landing_url) > 0
                      AND (POSITION('?' IN s.landing_url) = 0 OR POSITION('#' IN s.landing_url) < POSITION('?' IN s.landing_url))
                 THEN SUBSTRING(s.landing_url FROM 1 FOR POSITION('#' IN s.landing_url) - 1)
                 WHEN POSITION('?' IN s.landing_url) > 0 THEN SUBSTRING(s.landing_url FROM 1 FOR POSITION('?' IN s.landing_url) - 1)
                 ELSE s.landing_url END AS landing_page""";
    private static final String GROUPS = """
            day_number, attributable, static_source, utm_source, referrer_domain, utm_medium, utm_campaign, utm_term, landing_page""";

    // The local day of an instant is floor((epoch seconds + offset) / 86400) for the UTC offset of its stretch of time
    // (see Period.stretches): both databases compute that alike, which their time zone functions do not. Whole seconds
    // first, then a division of integers: H2 divides decimals at a great precision, and slowly.
    private static final String SESSIONS = """
            SELECT <groups>, COUNT(*) AS sessions
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM s.started_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           1 AS attributable, CAST(NULL AS VARCHAR(200)) AS static_source, <origin>
                      FROM visit_session s
                     WHERE s.account_id = :account AND s.property_id = :property
                       AND s.started_at >= :start AND s.started_at < :end) fact
             GROUP BY <groups>""";
    private static final String TEL_CLICKS = """
            SELECT <groups>, COUNT(*) AS tel_clicks
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM e.occurred_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           1 AS attributable, CAST(NULL AS VARCHAR(200)) AS static_source, <origin>
                      FROM tracking_event e
                      LEFT JOIN visit_session s ON s.id = e.session_id AND s.account_id = e.account_id
                     WHERE e.account_id = :account AND e.property_id = :property AND e.type = 'tel_click'
                       AND e.occurred_at >= :start AND e.occurred_at < :end) fact
             GROUP BY <groups>""";
    private static final String CALLS = """
            SELECT <groups>, COUNT(*) AS calls, SUM(answered) AS answered, SUM(first_time) AS first_time, SUM(id) AS call_ids
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM c.started_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           CASE WHEN c.attribution = 'none' THEN 0 ELSE 1 END AS attributable, c.source_name AS static_source,
                           <origin>, CASE WHEN c.answered_at IS NULL THEN 0 ELSE 1 END AS answered,
                           CASE WHEN c.first_time_caller THEN 1 ELSE 0 END AS first_time, c.id
                      FROM phone_call c
                      LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                     WHERE c.account_id = :account AND c.property_id = :property
                       AND c.started_at >= :start AND c.started_at < :end) fact
             GROUP BY <groups>""";
    // A conversion counts on the day it was made, under the origin of its call (or of the visit of its click). Retracted
    // ones count nothing but are read too: their rows and value versions are part of what a rollup was made from.
    private static final String CONVERSIONS = """
            SELECT <groups>, currency, SUM(counted) AS conversions, SUM(counted_value) AS conversion_value,
                   COUNT(*) AS conversion_rows, SUM(value_version) AS conversion_versions, SUM(id) AS conversion_ids
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM cv.converted_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           CASE WHEN c.attribution = 'none' THEN 0 ELSE 1 END AS attributable, c.source_name AS static_source,
                           <origin>, cv.currency, cv.value_version, cv.id,
                           CASE WHEN cv.retracted_at IS NULL THEN 1 ELSE 0 END AS counted,
                           CASE WHEN cv.retracted_at IS NULL THEN cv.conversion_value END AS counted_value
                      FROM conversion cv
                      LEFT JOIN phone_call c ON c.id = cv.call_id AND c.account_id = cv.account_id
                      LEFT JOIN visit_session s ON s.id = cv.session_id AND s.account_id = cv.account_id
                     WHERE cv.account_id = :account AND cv.property_id = :property
                       AND cv.converted_at >= :start AND cv.converted_at < :end) fact
             GROUP BY <groups>, currency""";

    // The same counts as the rolled-up days keep (Check), straight from the facts: by day, and over a stretch of days.
    // Every report checks them, so they read indexes alone: by property only (the caller has made sure the property
    // is its account's), from indexes that hold every column they need.
    private static final String CHECK_TEL_CLICKS = """
            SELECT day_number, COUNT(*) AS tel_clicks
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM e.occurred_at)) AS BIGINT) + :offset) / 86400 AS day_number
                      FROM tracking_event e
                     WHERE e.property_id = :property AND e.type = 'tel_click' AND e.occurred_at >= :start AND e.occurred_at < :end) fact
             GROUP BY day_number""";
    private static final String CHECK_CALLS = """
            SELECT day_number, COUNT(*) AS calls, SUM(answered) AS answered, SUM(id) AS call_ids
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM c.started_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           CASE WHEN c.answered_at IS NULL THEN 0 ELSE 1 END AS answered, c.id
                      FROM phone_call c
                     WHERE c.property_id = :property AND c.started_at >= :start AND c.started_at < :end) fact
             GROUP BY day_number""";
    private static final String CHECK_CONVERSIONS = """
            SELECT day_number, COUNT(*) AS conversion_rows, SUM(value_version) AS conversion_versions, SUM(id) AS conversion_ids
              FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM cv.converted_at)) AS BIGINT) + :offset) / 86400 AS day_number,
                           cv.value_version, cv.id
                      FROM conversion cv
                     WHERE cv.property_id = :property AND cv.converted_at >= :start AND cv.converted_at < :end) fact
             GROUP BY day_number""";
    private static final String TOTAL_TEL_CLICKS = """
            SELECT COUNT(*) AS tel_clicks FROM tracking_event e
             WHERE e.property_id = :property AND e.type = 'tel_click' AND e.occurred_at >= :start AND e.occurred_at < :end""";
    private static final String TOTAL_CALLS = """
            SELECT COUNT(*) AS calls, SUM(CASE WHEN c.answered_at IS NULL THEN 0 ELSE 1 END) AS answered, SUM(c.id) AS call_ids
              FROM phone_call c
             WHERE c.property_id = :property AND c.started_at >= :start AND c.started_at < :end""";
    private static final String TOTAL_CONVERSIONS = """
            SELECT COUNT(*) AS conversion_rows, SUM(cv.value_version) AS conversion_versions, SUM(cv.id) AS conversion_ids
              FROM conversion cv
             WHERE cv.property_id = :property AND cv.converted_at >= :start AND cv.converted_at < :end""";

    /**
     * The counts a day's rollup was made from that can change after the day is over: a late click, a call that ends
     * (answered or not) or is imported later, a conversion made, restated or retracted (each raises its value
     * version). The sums of ids tell a call or conversion removed (by the purge) and another added apart.
     */
    record Check(long telClicks, long calls, long answered, long callIds, long conversionRows, long conversionVersions,
                 long conversionIds) {
        static final Check ZERO = new Check(0, 0, 0, 0, 0, 0, 0);

        Check plus(Check other) {
            return new Check(telClicks + other.telClicks, calls + other.calls, answered + other.answered, callIds + other.callIds,
                    conversionRows + other.conversionRows, conversionVersions + other.conversionVersions,
                    conversionIds + other.conversionIds);
        }
    }

    /** Where the facts of a stretch of days go, added up by day and origin. */
    interface Sink {
        void add(LocalDate day, Origin origin, Counts counts);

        /** The part of a day's check that the same rows make up (so a rollup and its check always agree). */
        default void check(LocalDate day, Check check) {
        }
    }

    /** Adds up the facts of {@code [start, end)} by local day in {@code zone} and origin. */
    void facts(Handle handle, long accountId, long propertyId, Instant start, Instant end, ZoneId zone, Sink sink) {
        for (Period.Stretch stretch : Period.stretches(start, end, zone)) {
            rows(handle, SESSIONS, accountId, propertyId, stretch)
                    .forEach(rs -> sink.add(day(rs), origin(rs), Counts.ofSessions(rs.getLong("sessions"))));
            rows(handle, TEL_CLICKS, accountId, propertyId, stretch).forEach(rs -> {
                long clicks = rs.getLong("tel_clicks");
                sink.add(day(rs), origin(rs), Counts.ofTelClicks(clicks));
                sink.check(day(rs), new Check(clicks, 0, 0, 0, 0, 0, 0));
            });
            rows(handle, CALLS, accountId, propertyId, stretch).forEach(rs -> {
                long calls = rs.getLong("calls");
                long answered = rs.getLong("answered");
                Origin origin = origin(rs);
                sink.add(day(rs), origin, Counts.ofCalls(calls, answered, rs.getLong("first_time"), origin.attributable() ? 0 : calls));
                sink.check(day(rs), new Check(0, calls, answered, rs.getLong("call_ids"), 0, 0, 0));
            });
            rows(handle, CONVERSIONS, accountId, propertyId, stretch).forEach(rs -> {
                sink.add(day(rs), origin(rs), Counts.ofConversions(rs.getLong("conversions"), rs.getString("currency"),
                        rs.getBigDecimal("conversion_value")));
                sink.check(day(rs), new Check(0, 0, 0, 0, rs.getLong("conversion_rows"), rs.getLong("conversion_versions"),
                        rs.getLong("conversion_ids")));
            });
        }
    }

    /** The check of every day of {@code [start, end)} that has facts, straight from the facts. */
    Map<LocalDate, Check> checks(Handle handle, long propertyId, Instant start, Instant end, ZoneId zone) {
        Map<LocalDate, Check> checks = new HashMap<>();
        for (Period.Stretch stretch : Period.stretches(start, end, zone)) {
            rows(handle, CHECK_TEL_CLICKS, null, propertyId, stretch)
                    .forEach(rs -> checks.merge(day(rs), new Check(rs.getLong("tel_clicks"), 0, 0, 0, 0, 0, 0), Check::plus));
            rows(handle, CHECK_CALLS, null, propertyId, stretch).forEach(rs -> checks.merge(day(rs),
                    new Check(0, rs.getLong("calls"), rs.getLong("answered"), rs.getLong("call_ids"), 0, 0, 0), Check::plus));
            rows(handle, CHECK_CONVERSIONS, null, propertyId, stretch).forEach(rs -> checks.merge(day(rs),
                    new Check(0, 0, 0, 0, rs.getLong("conversion_rows"), rs.getLong("conversion_versions"), rs.getLong("conversion_ids")),
                    Check::plus));
        }
        return checks;
    }

    /** The check of all the days of {@code [start, end)} together, straight from the facts: no day to work out per row. */
    Check total(Handle handle, long propertyId, Instant start, Instant end) {
        Check clicks = handle.createQuery(TOTAL_TEL_CLICKS).bind("property", propertyId)
                .bind("start", start).bind("end", end)
                .map((rs, ctx) -> new Check(rs.getLong("tel_clicks"), 0, 0, 0, 0, 0, 0)).one();
        Check calls = handle.createQuery(TOTAL_CALLS).bind("property", propertyId)
                .bind("start", start).bind("end", end)
                .map((rs, ctx) -> new Check(0, rs.getLong("calls"), rs.getLong("answered"), rs.getLong("call_ids"), 0, 0, 0)).one();
        Check conversions = handle.createQuery(TOTAL_CONVERSIONS).bind("property", propertyId)
                .bind("start", start).bind("end", end)
                .map((rs, ctx) -> new Check(0, 0, 0, 0, rs.getLong("conversion_rows"), rs.getLong("conversion_versions"),
                        rs.getLong("conversion_ids"))).one();
        return clicks.plus(calls).plus(conversions);
    }

    /** A row consumer that may throw what JDBC throws. */
    private interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    /** A query read row by row, streamed (PostgreSQL streams with a fetch size inside a transaction). */
    private record Rows(Query query) {
        void forEach(RowConsumer consumer) {
            query.setFetchSize(1000).map((rs, ctx) -> {
                consumer.accept(rs);
                return Boolean.TRUE;
            }).forEach(ignored -> { });
        }
    }

    /** A query over one stretch of time; {@code accountId} null for the checks, which filter by property alone. */
    private static Rows rows(Handle handle, String sql, Long accountId, long propertyId, Period.Stretch stretch) {
        Query query = handle.createQuery(sql).define("groups", GROUPS).define("origin", ORIGIN)
                .bind("property", propertyId).bind("offset", stretch.offsetSeconds())
                .bind("start", stretch.start()).bind("end", stretch.end());
        return new Rows(accountId == null ? query : query.bind("account", accountId));
    }

    private static LocalDate day(ResultSet rs) throws SQLException {
        return LocalDate.ofEpochDay(rs.getLong("day_number"));
    }

    private static Origin origin(ResultSet rs) throws SQLException {
        return new Origin(rs.getInt("attributable") == 1, rs.getString("static_source"), rs.getString("utm_source"),
                rs.getString("referrer_domain"), rs.getString("utm_medium"), rs.getString("utm_campaign"), rs.getString("utm_term"),
                rs.getString("landing_page"));
    }

    // ---- daily rollups

    /** One rolled-up row: a day, a value of a dimension, and what it adds up to. */
    record Rolled(LocalDate day, Dimension dimension, String value, Counts counts) {
    }

    /** The rolled-up rows of a dimension for the days {@code [from, to)}. */
    void rolled(Handle handle, long accountId, long propertyId, Dimension dimension, LocalDate from, LocalDate to,
                Consumer<Rolled> sink) {
        handle.createQuery("""
                        SELECT local_day, dimension_value, sessions, tel_clicks, calls, answered, first_time, not_attributable,
                               conversions
                          FROM report_day
                         WHERE property_id = :property AND dimension = :dimension AND local_day >= :from AND local_day < :to
                           AND account_id = :account""")
                .bind("account", accountId).bind("property", propertyId).bind("dimension", dimension.wire())
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> new Rolled(rs.getObject("local_day", LocalDate.class), dimension, rs.getString("dimension_value"),
                        new Counts(rs.getLong("sessions"), rs.getLong("tel_clicks"), rs.getLong("calls"), rs.getLong("answered"),
                                rs.getLong("first_time"), rs.getLong("not_attributable"), rs.getLong("conversions"), Map.of())))
                .forEach(sink);
        handle.createQuery("""
                        SELECT local_day, dimension_value, currency, conversion_value
                          FROM report_day_value
                         WHERE property_id = :property AND dimension = :dimension AND local_day >= :from AND local_day < :to
                           AND account_id = :account""")
                .bind("account", accountId).bind("property", propertyId).bind("dimension", dimension.wire())
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> new Rolled(rs.getObject("local_day", LocalDate.class), dimension, rs.getString("dimension_value"),
                        new Counts(0, 0, 0, 0, 0, 0, 0, Map.of(rs.getString("currency"), rs.getBigDecimal("conversion_value")))))
                .forEach(sink);
    }

    /** The checks the rolled-up days of {@code [from, to)} were made with; a day missing here is not rolled up. */
    Map<LocalDate, Check> rolledChecks(Handle handle, long accountId, long propertyId, LocalDate from, LocalDate to) {
        Map<LocalDate, Check> checks = new HashMap<>();
        handle.createQuery("""
                        SELECT local_day, tel_clicks, calls, answered, call_ids, conversion_rows, conversion_versions, conversion_ids
                          FROM report_rolled_day
                         WHERE property_id = :property AND local_day >= :from AND local_day < :to AND account_id = :account""")
                .bind("account", accountId).bind("property", propertyId).bind("from", from).bind("to", to)
                .map((rs, ctx) -> Map.entry(rs.getObject("local_day", LocalDate.class), new Check(rs.getLong("tel_clicks"),
                        rs.getLong("calls"), rs.getLong("answered"), rs.getLong("call_ids"), rs.getLong("conversion_rows"),
                        rs.getLong("conversion_versions"), rs.getLong("conversion_ids"))))
                .forEach(entry -> checks.put(entry.getKey(), entry.getValue()));
        return checks;
    }

    /** Replaces the rollups of these days with {@code rows}, each day with the check it was made with. */
    void replace(Handle handle, long accountId, long propertyId, Map<LocalDate, Check> days, Collection<Rolled> rows) {
        for (String table : List.of("report_day", "report_day_value")) {
            PreparedBatch delete = handle.prepareBatch("""
                    DELETE FROM <table> WHERE property_id = :property AND dimension = :dimension AND local_day = :day""")
                    .define("table", table);
            for (LocalDate day : days.keySet()) {
                for (Dimension dimension : Dimension.values()) {
                    delete.bind("property", propertyId).bind("dimension", dimension.wire()).bind("day", day).add();
                }
            }
            if (delete.size() > 0) {
                delete.execute();
            }
        }
        PreparedBatch deleteDays = handle.prepareBatch("DELETE FROM report_rolled_day WHERE property_id = :property AND local_day = :day");
        PreparedBatch insertDays = handle.prepareBatch("""
                INSERT INTO report_rolled_day (account_id, property_id, local_day, tel_clicks, calls, answered, call_ids,
                                               conversion_rows, conversion_versions, conversion_ids)
                VALUES (:account, :property, :day, :telClicks, :calls, :answered, :callIds, :rows, :versions, :conversionIds)""");
        days.forEach((day, check) -> {
            deleteDays.bind("property", propertyId).bind("day", day).add();
            insertDays.bind("account", accountId).bind("property", propertyId).bind("day", day).bind("telClicks", check.telClicks())
                    .bind("calls", check.calls()).bind("answered", check.answered()).bind("callIds", check.callIds())
                    .bind("rows", check.conversionRows()).bind("versions", check.conversionVersions())
                    .bind("conversionIds", check.conversionIds()).add();
        });
        if (!days.isEmpty()) {
            deleteDays.execute();
            insertDays.execute();
        }
        PreparedBatch counts = handle.prepareBatch("""
                INSERT INTO report_day (account_id, property_id, local_day, dimension, dimension_value, sessions, tel_clicks, calls,
                                        answered, first_time, not_attributable, conversions)
                VALUES (:account, :property, :day, :dimension, :value, :sessions, :telClicks, :calls, :answered, :firstTime,
                        :notAttributable, :conversions)""");
        PreparedBatch values = handle.prepareBatch("""
                INSERT INTO report_day_value (account_id, property_id, local_day, dimension, dimension_value, currency, conversion_value)
                VALUES (:account, :property, :day, :dimension, :value, :currency, :amount)""");
        for (Rolled row : rows) {
            Counts c = row.counts();
            counts.bind("account", accountId).bind("property", propertyId).bind("day", row.day())
                    .bind("dimension", row.dimension().wire()).bind("value", row.value()).bind("sessions", c.sessions())
                    .bind("telClicks", c.telClicks()).bind("calls", c.calls()).bind("answered", c.answered())
                    .bind("firstTime", c.firstTime()).bind("notAttributable", c.notAttributable())
                    .bind("conversions", c.conversions()).add();
            c.values().forEach((currency, amount) -> values.bind("account", accountId).bind("property", propertyId)
                    .bind("day", row.day()).bind("dimension", row.dimension().wire()).bind("value", row.value())
                    .bind("currency", currency).bind("amount", amount).add());
        }
        if (counts.size() > 0) {
            counts.execute();
        }
        if (values.size() > 0) {
            values.execute();
        }
    }

    /** Forgets every rollup of a property (its time zone changed, and with it its days). */
    void forget(Handle handle, long propertyId) {
        for (String table : List.of("report_day", "report_day_value", "report_rolled_day", "report_stale")) {
            handle.createUpdate("DELETE FROM <table> WHERE property_id = :property").define("table", table)
                    .bind("property", propertyId).execute();
        }
    }

    // ---- the rollup job's state per property

    /** How far a property is rolled up: every day up to {@code rolledThrough}, in {@code timeZone}. */
    record State(long propertyId, String timeZone, LocalDate rolledThrough, long version) {
    }

    Optional<State> state(Handle handle, long accountId, long propertyId) {
        return handle.createQuery("""
                        SELECT property_id, time_zone, rolled_through, version FROM report_rollup
                         WHERE property_id = :property AND account_id = :account""")
                .bind("property", propertyId).bind("account", accountId)
                .map((rs, ctx) -> new State(rs.getLong("property_id"), rs.getString("time_zone"),
                        rs.getObject("rolled_through", LocalDate.class), rs.getLong("version")))
                .findOne();
    }

    /** Starts keeping a property's rollups; does nothing when another instance did it first. */
    void start(Handle handle, long accountId, long propertyId, String timeZone, Instant now) {
        handle.createUpdate("""
                        INSERT INTO report_rollup (property_id, account_id, time_zone, rolled_through, version, updated_at)
                        SELECT CAST(:property AS BIGINT), CAST(:account AS BIGINT), CAST(:zone AS VARCHAR(64)), NULL, 0,
                               CAST(:now AS TIMESTAMP WITH TIME ZONE)
                         WHERE NOT EXISTS (SELECT 1 FROM report_rollup WHERE property_id = :property)""")
                .bind("property", propertyId).bind("account", accountId).bind("zone", timeZone).bind("now", now)
                .execute();
    }

    /**
     * Moves the state on from the version read, as a compare-and-set: empty when another instance moved it first. The
     * row stays locked until the transaction ends, so two instances never roll up one property at once.
     */
    Optional<State> advance(Handle handle, State from, String timeZone, LocalDate rolledThrough, Instant now) {
        int updated = handle.createUpdate("""
                        UPDATE report_rollup SET time_zone = :zone, rolled_through = :through, version = version + 1, updated_at = :now
                         WHERE property_id = :property AND version = :version""")
                .bind("zone", timeZone).bind("through", rolledThrough).bind("now", now)
                .bind("property", from.propertyId()).bind("version", from.version())
                .execute();
        return updated == 1 ? Optional.of(new State(from.propertyId(), timeZone, rolledThrough, from.version() + 1)) : Optional.empty();
    }

    /** A property as the rollup job sees it. */
    record PropertyZone(long accountId, long propertyId, String timeZone) {
    }

    List<PropertyZone> properties(Handle handle) {
        return handle.createQuery("SELECT account_id, id, time_zone FROM property ORDER BY id")
                .map((rs, ctx) -> new PropertyZone(rs.getLong("account_id"), rs.getLong("id"), rs.getString("time_zone")))
                .list();
    }

    /** When the property's first fact happened, if it has any. */
    Optional<Instant> firstFact(Handle handle, long accountId, long propertyId) {
        Instant first = null;
        for (String sql : List.of(
                "SELECT MIN(started_at) FROM visit_session WHERE account_id = :account AND property_id = :property",
                // Of the events, reports count phone-link clicks only.
                "SELECT MIN(occurred_at) FROM tracking_event WHERE property_id = :property AND type = 'tel_click' AND account_id = :account",
                "SELECT MIN(started_at) FROM phone_call WHERE account_id = :account AND property_id = :property",
                "SELECT MIN(converted_at) FROM conversion WHERE property_id = :property AND account_id = :account")) {
            Optional<Instant> found = handle.createQuery(sql).bind("account", accountId).bind("property", propertyId)
                    .map((rs, ctx) -> Optional.ofNullable(rs.getTimestamp(1)).map(java.sql.Timestamp::toInstant)).one();
            if (found.isPresent() && (first == null || found.get().isBefore(first))) {
                first = found.get();
            }
        }
        return Optional.ofNullable(first);
    }

    // ---- days found stale by a report, for the job to roll up again

    /** A day marked stale: the mark's id (to remove exactly the marks handled) and the day. */
    record Stale(long id, LocalDate day) {
    }

    void markStale(Handle handle, long accountId, long propertyId, Collection<LocalDate> days) {
        PreparedBatch batch = handle.prepareBatch(
                "INSERT INTO report_stale (account_id, property_id, local_day) VALUES (:account, :property, :day)");
        days.forEach(day -> batch.bind("account", accountId).bind("property", propertyId).bind("day", day).add());
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    List<Stale> stale(Handle handle, long accountId, long propertyId, int limit) {
        return handle.createQuery("""
                        SELECT id, local_day FROM report_stale WHERE property_id = :property AND account_id = :account
                         ORDER BY id LIMIT :limit""")
                .bind("account", accountId).bind("property", propertyId).bind("limit", limit)
                .map((rs, ctx) -> new Stale(rs.getLong("id"), rs.getObject("local_day", LocalDate.class)))
                .list();
    }

    Set<LocalDate> staleDays(Handle handle, long accountId, long propertyId) {
        return new TreeSet<>(handle.createQuery("""
                        SELECT DISTINCT local_day FROM report_stale WHERE property_id = :property AND account_id = :account""")
                .bind("account", accountId).bind("property", propertyId)
                .map((rs, ctx) -> rs.getObject("local_day", LocalDate.class))
                .list());
    }

    void forgetStale(Handle handle, Collection<Long> ids) {
        if (!ids.isEmpty()) {
            handle.createUpdate("DELETE FROM report_stale WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids)).execute();
        }
    }
}
