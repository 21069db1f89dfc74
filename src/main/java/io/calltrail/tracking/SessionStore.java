package io.calltrail.tracking;

import io.calltrail.store.JdbcBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for visit sessions and what each was shown. */
final class SessionStore {
    private static final RowMapper<VisitSession> SESSION = (rs, ctx) -> new VisitSession(
            rs.getString("id"), rs.getLong("account_id"), rs.getLong("property_id"), rs.getString("visitor_id"),
            rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("last_seen_at").toInstant(),
            new Touch(rs.getString("landing_url"), rs.getString("referrer"), rs.getString("referrer_domain"),
                    rs.getString("utm_source"), rs.getString("utm_medium"), rs.getString("utm_campaign"),
                    rs.getString("utm_term"), rs.getString("utm_content"), rs.getString("gclid"),
                    rs.getString("gbraid"), rs.getString("wbraid"), rs.getString("msclkid"), rs.getString("fbclid")),
            new Consent(rs.getString("consent_ad_storage"), rs.getString("consent_analytics_storage"),
                    rs.getString("consent_ad_user_data"), rs.getString("consent_ad_personalization")));
    private static final String COLUMNS = """
            id, account_id, property_id, visitor_id, started_at, last_seen_at, landing_url, referrer, referrer_domain,
            utm_source, utm_medium, utm_campaign, utm_term, utm_content, gclid, gbraid, wbraid, msclkid, fbclid,
            consent_ad_storage, consent_analytics_storage, consent_ad_user_data, consent_ad_personalization
            """;

    /** What a session shows in place of one target number. */
    record Assignment(long targetNumberId, Kind kind, String shownE164, Long poolId, Long trackingNumberId, Long leaseId) {
    }

    enum Kind { LEASE, STATIC, FALLBACK }

    Optional<VisitSession> session(Handle handle, long propertyId, String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM visit_session WHERE id = :id AND property_id = :property")
                .bind("id", id)
                .bind("property", propertyId)
                .map(SESSION)
                .findOne();
    }

    /** The latest session of this consentless visitor today (the hash changes with the daily salt). */
    Optional<VisitSession> byVisitorHash(Handle handle, long propertyId, String visitorHash, Instant activeSince) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM visit_session WHERE property_id = :property AND visitor_hash = :hash AND last_seen_at > :since
                        ORDER BY last_seen_at DESC LIMIT 1""")
                .bind("property", propertyId)
                .bind("hash", visitorHash)
                .bind("since", activeSince)
                .map(SESSION)
                .findOne();
    }

    /** The visitor's first session, whose touch first-touch attribution uses. */
    Optional<VisitSession> firstOfVisitor(Handle handle, long propertyId, String visitorId) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM visit_session WHERE property_id = :property AND visitor_id = :visitor
                        ORDER BY started_at LIMIT 1""")
                .bind("property", propertyId)
                .bind("visitor", visitorId)
                .map(SESSION)
                .findOne();
    }

    /** The property's latest visit (its landing page and last activity), which says the snippet runs on the site. */
    Optional<io.calltrail.property.InstallationCheck.Sighting> latest(Handle handle, long accountId, long propertyId) {
        return handle.createQuery("""
                        SELECT last_seen_at, landing_url FROM visit_session
                         WHERE account_id = :account AND property_id = :property
                         ORDER BY started_at DESC LIMIT 1""")
                .bind("account", accountId)
                .bind("property", propertyId)
                .map((rs, ctx) -> new io.calltrail.property.InstallationCheck.Sighting(rs.getTimestamp("last_seen_at").toInstant(), rs.getString("landing_url")))
                .findOne();
    }

    /** Inserts new sessions and what each shows, one prepared statement per table for them all. */
    void insertAll(Handle handle, List<SessionWriter.NewSession> sessions) {
        JdbcBatch.run(handle, INSERT_SESSION, sessions, (row, created) -> {
            VisitSession session = created.session();
            Touch touch = session.touch();
            Consent consent = session.consent();
            row.string(session.id()).number(session.accountId()).number(session.propertyId()).string(session.visitorId())
                    .string(created.visitorHash()).instant(session.startedAt()).instant(session.startedAt())
                    .string(touch.landingUrl()).string(touch.referrer()).string(touch.referrerDomain())
                    .string(touch.utmSource()).string(touch.utmMedium()).string(touch.utmCampaign()).string(touch.utmTerm())
                    .string(touch.utmContent()).string(touch.gclid()).string(touch.gbraid()).string(touch.wbraid())
                    .string(touch.msclkid()).string(touch.fbclid())
                    .string(consent.adStorage()).string(consent.analyticsStorage()).string(consent.adUserData())
                    .string(consent.adPersonalization()).bool(created.gpc()).string(created.gaClientId());
        });
        List<Map.Entry<VisitSession, Assignment>> shown = new ArrayList<>();
        for (SessionWriter.NewSession created : sessions) {
            created.assignments().forEach(assignment -> shown.add(Map.entry(created.session(), assignment)));
        }
        JdbcBatch.run(handle, INSERT_ASSIGNMENT, shown, (row, entry) -> {
            Assignment assignment = entry.getValue();
            row.string(entry.getKey().id()).number(assignment.targetNumberId()).number(entry.getKey().accountId())
                    .string(assignment.kind().name()).string(assignment.shownE164()).number(assignment.poolId())
                    .number(assignment.trackingNumberId()).number(assignment.leaseId());
        });
    }

    private static final String INSERT_SESSION = """
            INSERT INTO visit_session (id, account_id, property_id, visitor_id, visitor_hash, started_at, last_seen_at,
                   requests, landing_url, referrer, referrer_domain, utm_source, utm_medium, utm_campaign, utm_term,
                   utm_content, gclid, gbraid, wbraid, msclkid, fbclid, consent_ad_storage,
                   consent_analytics_storage, consent_ad_user_data, consent_ad_personalization, gpc, ga_client_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private static final String INSERT_ASSIGNMENT = """
            INSERT INTO session_number (session_id, target_number_id, account_id, kind, shown_e164, pool_id,
                                        tracking_number_id, lease_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    /** Marks activity; consent may change during a visit and is kept current. */
    void touch(Handle handle, String sessionId, Instant now, Consent consent, String gaClientId) {
        handle.createUpdate("""
                        UPDATE visit_session SET last_seen_at = :now, requests = requests + 1,
                               consent_ad_storage = COALESCE(:adStorage, consent_ad_storage),
                               consent_analytics_storage = COALESCE(:analyticsStorage, consent_analytics_storage),
                               consent_ad_user_data = COALESCE(:adUserData, consent_ad_user_data),
                               consent_ad_personalization = COALESCE(:adPersonalization, consent_ad_personalization),
                               ga_client_id = COALESCE(:ga, ga_client_id)
                         WHERE id = :id""")
                .bind("now", now)
                .bind("ga", gaClientId)
                .bind("adStorage", consent.adStorage())
                .bind("analyticsStorage", consent.analyticsStorage())
                .bind("adUserData", consent.adUserData())
                .bind("adPersonalization", consent.adPersonalization())
                .bind("id", sessionId)
                .execute();
    }

    List<Assignment> assignments(Handle handle, String sessionId) {
        return handle.createQuery("""
                        SELECT target_number_id, kind, shown_e164, pool_id, tracking_number_id, lease_id
                          FROM session_number WHERE session_id = :session""")
                .bind("session", sessionId)
                .map((rs, ctx) -> new Assignment(rs.getLong("target_number_id"), Kind.valueOf(rs.getString("kind")),
                        rs.getString("shown_e164"), (Long) rs.getObject("pool_id", Long.class),
                        rs.getObject("tracking_number_id", Long.class), rs.getObject("lease_id", Long.class)))
                .list();
    }

    /** Records what a known session shows for one target, replacing what it showed before. */
    void saveAssignment(Handle handle, long accountId, String sessionId, Assignment assignment) {
        int updated = handle.createUpdate("""
                        UPDATE session_number SET kind = :kind, shown_e164 = :shown, pool_id = :pool,
                               tracking_number_id = :number, lease_id = :lease
                         WHERE session_id = :session AND target_number_id = :target""")
                .bindMap(assignmentValues(accountId, sessionId, assignment))
                .execute();
        if (updated == 0) {
            // A concurrent twin request may insert first; the primary key refuses the second, which retries.
            handle.createUpdate("""
                            INSERT INTO session_number (session_id, target_number_id, account_id, kind, shown_e164, pool_id,
                                                        tracking_number_id, lease_id)
                            VALUES (:session, :target, :account, :kind, :shown, :pool, :number, :lease)""")
                    .bindMap(assignmentValues(accountId, sessionId, assignment))
                    .execute();
        }
    }

    private static java.util.Map<String, Object> assignmentValues(long accountId, String sessionId, Assignment assignment) {
        java.util.Map<String, Object> values = new java.util.HashMap<>();
        values.put("session", sessionId);
        values.put("target", assignment.targetNumberId());
        values.put("account", accountId);
        values.put("kind", assignment.kind().name());
        values.put("shown", assignment.shownE164());
        values.put("pool", assignment.poolId());
        values.put("number", assignment.trackingNumberId());
        values.put("lease", assignment.leaseId());
        return values;
    }

    /** Which of these ids are sessions of the property (events must name one). */
    List<String> existing(Handle handle, long propertyId, Collection<String> ids) {
        return handle.createQuery("SELECT id FROM visit_session WHERE property_id = :property AND id IN (<ids>)")
                .bind("property", propertyId)
                .bindList("ids", List.copyOf(ids))
                .mapTo(String.class)
                .list();
    }
}
