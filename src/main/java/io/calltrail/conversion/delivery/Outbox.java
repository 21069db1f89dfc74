package io.calltrail.conversion.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Queues outbound POSTs in the caller's transaction (a transactional outbox): what a rolled-back change
 * would have announced is never sent, and what was committed is sent at least once by the
 * {@link Deliverer}, whichever instance runs it.
 */
public final class Outbox {
    /** Largest body a delivery may carry, in characters (the column's size). */
    public static final int MAX_BODY = 1_000_000;

    private final DeliveryStore store = new DeliveryStore();
    private final Clock clock;

    public Outbox(Clock clock) {
        this.clock = clock;
    }

    /**
     * Queues one POST of {@code body} (JSON) to {@code url}, due at once.
     *
     * @param kind     picks the {@link Authorizer} that signs it at send time
     * @param targetId the endpoint or destination row it goes to, if any (for its history and its deletion)
     * @return the delivery's id
     */
    public long enqueue(Handle handle, long accountId, String kind, Long targetId, URI url, String eventType, String body) {
        if (kind == null || kind.isBlank() || kind.length() > 32) {
            throw new IllegalArgumentException("a delivery's kind is 1 to 32 characters");
        }
        if (eventType == null || eventType.isBlank() || eventType.length() > 64) {
            throw new IllegalArgumentException("a delivery's event type is 1 to 64 characters");
        }
        if (url == null || !url.isAbsolute() || url.getHost() == null
                || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                || url.toString().length() > 2048) {
            throw new IllegalArgumentException("a delivery goes to an absolute http or https URL of at most 2048 characters");
        }
        if (body == null || body.length() > MAX_BODY) {
            throw new IllegalArgumentException("a delivery's body is at most " + MAX_BODY + " characters, got "
                    + (body == null ? "none" : body.getBytes(StandardCharsets.UTF_8).length + " bytes"));
        }
        return store.insert(handle, accountId, kind, targetId, url, eventType, body, clock.instant());
    }

    /** The newest deliveries to one target (of {@code status}, or any when null), each with its attempts. */
    public List<DeliveryReport> recent(Handle handle, long accountId, String kind, long targetId, DeliveryReport.Status status,
                                       int limit) {
        return store.recent(handle, accountId, kind, targetId, status, limit);
    }

    /** A target moved: its pending deliveries go to the new URL. Returns how many. */
    public int retarget(Handle handle, long accountId, String kind, long targetId, URI url) {
        return store.retarget(handle, accountId, kind, targetId, url);
    }

    /** A target is gone: its deliveries, sent or not, and their attempts are deleted. Returns how many. */
    public int forget(Handle handle, long accountId, String kind, long targetId) {
        return store.forget(handle, accountId, kind, targetId);
    }
}
