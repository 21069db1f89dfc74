package io.calltrail.telephony;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL that reads calls back, for the API and the dashboard: the account's calls through one set of filters, and one
 * call with what it rests on (the visit and its events, the lease, its conversions and CRM outcomes). Callers are
 * read masked only; the sealed number is for {@link CallerReveal} alone.
 */
public final class CallQueries {
    /** Every call column the API shows (never the sealed caller or its hash). */
    private static final String API_COLUMNS = """
            c.id, c.property_id, c.tracking_number_id, c.provider, c.provider_call_id, c.dialled_e164, c.forwarded_to,
            c.caller_masked, c.caller_city, c.caller_state, c.caller_country, c.started_at, c.answered_at, c.ended_at,
            c.ring_seconds, c.talk_seconds, c.status, c.first_time_caller, c.first_call_id, c.attribution, c.confidence,
            c.attribution_reason, c.session_id, c.source_name, c.recording_ref
            """;
    private static final String SUMMARY_COLUMNS = """
            c.id, c.property_id, c.started_at, c.answered_at, c.caller_masked, c.dialled_e164, n.name AS number_name,
            c.ring_seconds, c.talk_seconds, c.status, c.first_time_caller, c.attribution, c.confidence, c.source_name,
            s.utm_source, s.referrer_domain, s.utm_campaign
            """;
    /**
     * The filters, every one optional. A source is named as reports name it ({@code SourceName}): the static number's
     * source, else the visit's utm_source, else its referrer's domain, else {@code (direct)}; unattributed calls are
     * {@code (not attributable)}. A call is converted while one of its conversions stands (is not retracted).
     */
    private static final String FILTERED = """
             FROM phone_call c
             LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
             LEFT JOIN tracking_number n ON n.id = c.tracking_number_id AND n.account_id = c.account_id
            WHERE c.account_id = :account
              AND (CAST(:property AS BIGINT) IS NULL OR c.property_id = :property)
              AND c.started_at >= :from AND c.started_at < :to
              AND (CAST(:status AS VARCHAR(16)) IS NULL OR c.status = :status)
              AND (CAST(:answered AS BOOLEAN) IS NULL
                   OR (CAST(:answered AS BOOLEAN) AND c.answered_at IS NOT NULL)
                   OR (NOT CAST(:answered AS BOOLEAN) AND c.answered_at IS NULL))
              AND (CAST(:attribution AS VARCHAR(16)) IS NULL OR c.attribution = :attribution)
              AND (CAST(:attributable AS BOOLEAN) IS NULL
                   OR (CAST(:attributable AS BOOLEAN) AND c.attribution <> 'none')
                   OR (NOT CAST(:attributable AS BOOLEAN) AND c.attribution = 'none'))
              AND (CAST(:converted AS BOOLEAN) IS NULL
                   OR (CAST(:converted AS BOOLEAN) AND EXISTS (SELECT 1 FROM conversion v WHERE v.call_id = c.id
                           AND v.account_id = c.account_id AND v.retracted_at IS NULL))
                   OR (NOT CAST(:converted AS BOOLEAN) AND NOT EXISTS (SELECT 1 FROM conversion v WHERE v.call_id = c.id
                           AND v.account_id = c.account_id AND v.retracted_at IS NULL)))
              AND (CAST(:source AS VARCHAR(256)) IS NULL
                   OR (LOWER(:source) = '(not attributable)' AND c.attribution = 'none')
                   OR (c.attribution <> 'none'
                       AND LOWER(COALESCE(c.source_name, s.utm_source, s.referrer_domain, '(direct)')) = LOWER(:source)))
              AND (c.started_at < :beforeAt OR (c.started_at = :beforeAt AND c.id < :beforeId))
            """;
    private static final Instant END_OF_TIME = Instant.parse("9999-01-01T00:00:00Z");

    /**
     * Which calls to list; null means "any".
     *
     * @param status      the provider's status as stored (completed, no-answer, busy, ...)
     * @param answered    answered (true) or not answered (false)
     * @param attribution the method: lease, linger, static_source or none
     * @param attributable attributed in any way (true) or not attributable (false)
     * @param converted   with a standing conversion (true) or without (false)
     * @param source      the source's name as reports show it, case-insensitively
     */
    public record Filter(Long propertyId, Instant from, Instant to, String status, Boolean answered, String attribution,
                         Boolean attributable, Boolean converted, String source) {
        public Filter {
            from = from == null ? Instant.EPOCH : from;
            to = to == null ? END_OF_TIME : to;
        }

        public static Filter any() {
            return new Filter(null, null, null, null, null, null, null, null, null);
        }
    }

    /** Where a page of the list ends: the next page holds calls older than this one. */
    public record Cursor(Instant startedAt, long id) {
    }

    /** A call as the list shows it. */
    public record Summary(long id, long propertyId, Instant startedAt, Instant answeredAt, String callerMasked, String dialled,
                          String numberName, Integer ringSeconds, Integer talkSeconds, String status, boolean firstTimeCaller,
                          String attribution, BigDecimal confidence, String sourceName, String utmSource, String referrerDomain,
                          String utmCampaign) {
    }

    /** A conversion a call made. */
    public record Conversion(long callId, String actionName, BigDecimal value, String currency, Instant convertedAt,
                             Instant retractedAt) {
    }

    /** Everything about one call but its visit, with the lease that tied it to the visit (if any). */
    public record Detail(long id, long propertyId, String propertyName, String timeZone, Long trackingNumberId, String numberName,
                         String provider, String dialled, String forwardedTo, String callerMasked, boolean callerStored,
                         String callerCity, String callerState, String callerCountry, Instant startedAt, Instant answeredAt,
                         Instant endedAt, Integer ringSeconds, Integer talkSeconds, String status, boolean firstTimeCaller,
                         Long firstCallId, String attribution, BigDecimal confidence, String reason, String sessionId,
                         String sourceName, String recordingRef, String recordingUrl, LeaseSpan lease) {
    }

    /** When the lease of the number that tied a call to a visit began, its holder was last active, and it ended. */
    public record LeaseSpan(Instant leasedAt, Instant lastSeenAt, Instant idleUntil, Instant lingerUntil, Instant releasedAt) {
    }

    /** Earlier calls from the same caller (found by the keyed hash). */
    public record History(int earlierCalls, Instant firstCallAt) {
    }

    /** The visit a call was attributed to. */
    public record Visit(String id, Instant startedAt, Instant lastSeenAt, String landingUrl, String referrer,
                        String referrerDomain, String utmSource,
                        String utmMedium, String utmCampaign, String utmTerm, String utmContent, String gclid, String gbraid,
                        String wbraid, String msclkid, String fbclid) {
    }

    /** A page view or click of the visit. */
    public record Event(String type, String url, String numberClicked, Instant occurredAt) {
    }

    /** A result a CRM reported for the call. */
    public record Outcome(String externalId, String status, BigDecimal value, String currency, Instant occurredAt) {
    }

    /** A call's caller as stored: sealed (null once removed, or when the call had no caller id) and masked. */
    record StoredCaller(String sealed, String masked) {
    }

    /** For {@link CallerReveal} only: the sealed caller of the account's call {@code id}. */
    Optional<StoredCaller> storedCaller(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT caller_sealed, caller_masked FROM phone_call WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId)
                .map((rs, ctx) -> new StoredCaller(rs.getString("caller_sealed"), rs.getString("caller_masked")))
                .findOne();
    }

    /** The API's list: every column, newest first, at most {@code limit}. */
    public List<Map<String, Object>> apiList(Handle handle, long accountId, Filter filter, int limit) {
        return bindFilter(handle.createQuery("SELECT " + API_COLUMNS + FILTERED + " ORDER BY c.started_at DESC, c.id DESC LIMIT :limit"),
                accountId, filter, null)
                .bind("limit", limit)
                .mapToMap().list();
    }

    /** A page of the list, newest first: up to {@code limit} calls older than {@code after} (from the newest when null). */
    public List<Summary> page(Handle handle, long accountId, Filter filter, Cursor after, int limit) {
        return bindFilter(handle.createQuery("SELECT " + SUMMARY_COLUMNS + FILTERED
                        + " ORDER BY c.started_at DESC, c.id DESC LIMIT :limit"), accountId, filter, after)
                .bind("limit", limit)
                .map((rs, ctx) -> new Summary(rs.getLong("id"), rs.getLong("property_id"), instant(rs, "started_at"),
                        instant(rs, "answered_at"), rs.getString("caller_masked"), rs.getString("dialled_e164"),
                        rs.getString("number_name"), rs.getObject("ring_seconds", Integer.class),
                        rs.getObject("talk_seconds", Integer.class), rs.getString("status"), rs.getBoolean("first_time_caller"),
                        rs.getString("attribution"), rs.getBigDecimal("confidence"), rs.getString("source_name"),
                        rs.getString("utm_source"), rs.getString("referrer_domain"), rs.getString("utm_campaign")))
                .list();
    }

    /** Where the account's call {@code id} sits in the list, to continue a page after it. */
    public Optional<Cursor> cursor(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT id, started_at FROM phone_call WHERE id = :id AND account_id = :account")
                .bind("id", id).bind("account", accountId)
                .map((rs, ctx) -> new Cursor(instant(rs, "started_at"), rs.getLong("id")))
                .findOne();
    }

    /** The source names of the account's calls (as reports name them), for a filter to pick from. */
    public List<String> sources(Handle handle, long accountId, Long propertyId) {
        return handle.createQuery("""
                        SELECT DISTINCT CASE WHEN c.attribution = 'none' THEN '(not attributable)'
                                             ELSE COALESCE(c.source_name, s.utm_source, s.referrer_domain, '(direct)') END AS name
                          FROM phone_call c
                          LEFT JOIN visit_session s ON s.id = c.session_id AND s.account_id = c.account_id
                         WHERE c.account_id = :account AND (CAST(:property AS BIGINT) IS NULL OR c.property_id = :property)
                         ORDER BY name""")
                .bind("account", accountId).bind("property", propertyId)
                .mapTo(String.class).list();
    }

    /** The conversions of these calls, oldest first. */
    public List<Conversion> conversions(Handle handle, long accountId, List<Long> callIds) {
        if (callIds.isEmpty()) {
            return List.of();
        }
        return handle.createQuery("""
                        SELECT v.call_id, a.name AS action_name, v.conversion_value, v.currency, v.converted_at, v.retracted_at
                          FROM conversion v JOIN conversion_action a ON a.id = v.action_id AND a.account_id = v.account_id
                         WHERE v.account_id = :account AND v.call_id IN (<calls>)
                         ORDER BY v.converted_at, v.id""")
                .bind("account", accountId).bindList("calls", callIds)
                .map((rs, ctx) -> new Conversion(rs.getLong("call_id"), rs.getString("action_name"),
                        rs.getBigDecimal("conversion_value"), rs.getString("currency"), instant(rs, "converted_at"),
                        instant(rs, "retracted_at")))
                .list();
    }

    /** The API's view of one call: every column, its visit and the visit's events. */
    public Optional<Map<String, Object>> apiCall(Handle handle, long accountId, long id) {
        return handle.createQuery("SELECT " + API_COLUMNS + """
                        , c.recording_url FROM phone_call c WHERE c.id = :id AND c.account_id = :account""")
                .bind("id", id).bind("account", accountId).mapToMap().findOne()
                .map(row -> {
                    Map<String, Object> answer = new LinkedHashMap<>(row);
                    Object session = row.get("session_id");
                    if (session != null) {
                        answer.put("session", handle.createQuery("""
                                        SELECT id, started_at, last_seen_at, landing_url, referrer, utm_source, utm_medium, utm_campaign,
                                               utm_term, utm_content, gclid, gbraid, wbraid, msclkid, fbclid
                                          FROM visit_session WHERE id = :session AND account_id = :account""")
                                .bind("session", session).bind("account", accountId).mapToMap().findOne().orElse(null));
                        answer.put("events", handle.createQuery("""
                                        SELECT type, url, number_clicked, occurred_at FROM tracking_event
                                         WHERE session_id = :session AND account_id = :account ORDER BY occurred_at""")
                                .bind("session", session).bind("account", accountId).mapToMap().list());
                    }
                    return answer;
                });
    }

    /** One of the account's calls, with its property, its number and the lease that tied it to a visit. */
    public Optional<Detail> detail(Handle handle, long accountId, long id) {
        return handle.createQuery("""
                        SELECT c.id, c.property_id, p.name AS property_name, p.time_zone, c.tracking_number_id, n.name AS number_name,
                               c.provider, c.dialled_e164, c.forwarded_to, c.caller_masked, c.caller_sealed, c.caller_city,
                               c.caller_state, c.caller_country, c.started_at, c.answered_at, c.ended_at, c.ring_seconds,
                               c.talk_seconds, c.status, c.first_time_caller, c.first_call_id, c.attribution, c.confidence,
                               c.attribution_reason, c.session_id, c.source_name, c.recording_ref, c.recording_url,
                               l.id AS lease_id, l.leased_at, l.last_seen_at, l.idle_until, l.linger_until, l.released_at
                          FROM phone_call c
                          JOIN property p ON p.id = c.property_id AND p.account_id = c.account_id
                          LEFT JOIN tracking_number n ON n.id = c.tracking_number_id AND n.account_id = c.account_id
                          LEFT JOIN lease l ON l.id = c.lease_id AND l.account_id = c.account_id
                         WHERE c.id = :id AND c.account_id = :account""")
                .bind("id", id).bind("account", accountId)
                .map((rs, ctx) -> new Detail(rs.getLong("id"), rs.getLong("property_id"), rs.getString("property_name"),
                        rs.getString("time_zone"), rs.getObject("tracking_number_id", Long.class), rs.getString("number_name"),
                        rs.getString("provider"), rs.getString("dialled_e164"), rs.getString("forwarded_to"),
                        rs.getString("caller_masked"), rs.getString("caller_sealed") != null, rs.getString("caller_city"),
                        rs.getString("caller_state"), rs.getString("caller_country"), instant(rs, "started_at"),
                        instant(rs, "answered_at"), instant(rs, "ended_at"), rs.getObject("ring_seconds", Integer.class),
                        rs.getObject("talk_seconds", Integer.class), rs.getString("status"), rs.getBoolean("first_time_caller"),
                        rs.getObject("first_call_id", Long.class), rs.getString("attribution"), rs.getBigDecimal("confidence"),
                        rs.getString("attribution_reason"), rs.getString("session_id"), rs.getString("source_name"),
                        rs.getString("recording_ref"), rs.getString("recording_url"),
                        rs.getObject("lease_id") == null ? null : new LeaseSpan(instant(rs, "leased_at"), instant(rs, "last_seen_at"),
                                instant(rs, "idle_until"), instant(rs, "linger_until"), instant(rs, "released_at"))))
                .findOne();
    }

    /** How often the caller of call {@code id} called before it, and when first (none when the caller is unknown). */
    public History history(Handle handle, long accountId, long id) {
        return handle.createQuery("""
                        SELECT COUNT(e.id) AS earlier, MIN(e.started_at) AS first_at
                          FROM phone_call c
                          JOIN phone_call e ON e.account_id = c.account_id AND e.caller_hash = c.caller_hash
                                           AND e.started_at < c.started_at
                         WHERE c.id = :id AND c.account_id = :account""")
                .bind("id", id).bind("account", accountId)
                .map((rs, ctx) -> new History(rs.getInt("earlier"), instant(rs, "first_at")))
                .one();
    }

    public Optional<Visit> visit(Handle handle, long accountId, String sessionId) {
        return handle.createQuery("""
                        SELECT id, started_at, last_seen_at, landing_url, referrer, referrer_domain, utm_source, utm_medium,
                               utm_campaign, utm_term, utm_content, gclid, gbraid, wbraid, msclkid, fbclid
                          FROM visit_session WHERE id = :session AND account_id = :account""")
                .bind("session", sessionId).bind("account", accountId)
                .map((rs, ctx) -> new Visit(rs.getString("id"), instant(rs, "started_at"), instant(rs, "last_seen_at"),
                        rs.getString("landing_url"), rs.getString("referrer"), rs.getString("referrer_domain"),
                        rs.getString("utm_source"), rs.getString("utm_medium"), rs.getString("utm_campaign"), rs.getString("utm_term"), rs.getString("utm_content"), rs.getString("gclid"),
                        rs.getString("gbraid"), rs.getString("wbraid"), rs.getString("msclkid"), rs.getString("fbclid")))
                .findOne();
    }

    /** The visit's page views and clicks, oldest first. */
    public List<Event> events(Handle handle, long accountId, String sessionId) {
        return handle.createQuery("""
                        SELECT type, url, number_clicked, occurred_at FROM tracking_event
                         WHERE session_id = :session AND account_id = :account ORDER BY occurred_at, id""")
                .bind("session", sessionId).bind("account", accountId)
                .map((rs, ctx) -> new Event(rs.getString("type"), rs.getString("url"), rs.getString("number_clicked"),
                        instant(rs, "occurred_at")))
                .list();
    }

    /** What the CRM said of the call, oldest first. */
    public List<Outcome> outcomes(Handle handle, long accountId, long callId) {
        return handle.createQuery("""
                        SELECT external_id, status, outcome_value, currency, occurred_at FROM outcome
                         WHERE account_id = :account AND call_id = :call ORDER BY occurred_at, id""")
                .bind("account", accountId).bind("call", callId)
                .map((rs, ctx) -> new Outcome(rs.getString("external_id"), rs.getString("status"),
                        rs.getBigDecimal("outcome_value"), rs.getString("currency"), instant(rs, "occurred_at")))
                .list();
    }

    private static Query bindFilter(Query query, long accountId, Filter filter, Cursor after) {
        return query.bind("account", accountId)
                .bind("property", filter.propertyId())
                .bind("from", filter.from())
                .bind("to", filter.to())
                .bind("status", filter.status())
                .bind("answered", filter.answered())
                .bind("attribution", filter.attribution())
                .bind("attributable", filter.attributable())
                .bind("converted", filter.converted())
                .bind("source", filter.source())
                .bind("beforeAt", after == null ? END_OF_TIME : after.startedAt())
                .bind("beforeId", after == null ? Long.MAX_VALUE : after.id());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
