package io.calltrail.telephony;

import io.calltrail.privacy.CallerCrypto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each tracking number forwards, held in memory so the voice webhook never waits for the
 * database: reloaded when numbers change and periodically; a failed reload keeps the last table.
 */
public final class RoutingTable {
    private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private volatile Table table = new Table(Map.of(), Map.of());

    /**
     * One tracking number's route, with the credentials that sign its provider's webhooks, and whether its calls are
     * recorded (then callers first hear {@code recordingAnnouncement}).
     */
    public record Route(long numberId, long accountId, long propertyId, String e164, String forwardTo, String provider,
                        Long poolId, String sourceName, String providerAccountSid, String authToken, String whisper,
                        boolean showTrackingNumber, boolean recordCalls, String recordingAnnouncement) {
    }

    private record Table(Map<String, Route> byE164, Map<Long, Route> byId) {
    }

    public RoutingTable(Jdbi jdbi, CallerCrypto crypto) {
        this.jdbi = jdbi;
        this.crypto = crypto;
    }

    public Optional<Route> byNumber(String e164) {
        return Optional.ofNullable(table.byE164().get(e164));
    }

    public Optional<Route> byId(long numberId) {
        return Optional.ofNullable(table.byId().get(numberId));
    }

    /** Reloads the table; on failure keeps serving the previous one. */
    public void refresh() {
        try {
            List<Route> routes = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT n.id, n.account_id, n.property_id, n.e164, n.forward_to, n.provider, n.pool_id, n.source_name,
                                   n.whisper, n.caller_id, n.record_calls, n.recording_announcement, c.account_sid,
                                   c.auth_token_sealed
                              FROM tracking_number n
                              LEFT JOIN provider_credential c ON c.account_id = n.account_id AND c.provider = n.provider""")
                    .map((rs, ctx) -> new Route(rs.getLong("id"), rs.getLong("account_id"), rs.getLong("property_id"),
                            rs.getString("e164"), rs.getString("forward_to"), rs.getString("provider"),
                            rs.getObject("pool_id", Long.class), rs.getString("source_name"), rs.getString("account_sid"),
                            rs.getString("auth_token_sealed") == null ? null
                                    : crypto.unseal(rs.getLong("account_id"), "provider-token", rs.getString("auth_token_sealed")),
                            rs.getString("whisper"), "tracking".equals(rs.getString("caller_id")), rs.getBoolean("record_calls"),
                            rs.getString("recording_announcement")))
                    .list());
            Map<String, Route> byE164 = new HashMap<>();
            Map<Long, Route> byId = new HashMap<>();
            for (Route route : routes) {
                byE164.put(route.e164(), route);
                byId.put(route.numberId(), route);
            }
            table = new Table(Map.copyOf(byE164), Map.copyOf(byId));
        } catch (RuntimeException e) {
            log.warn("routing table not reloaded, still serving the previous one: {}", e.toString());
        }
    }
}
