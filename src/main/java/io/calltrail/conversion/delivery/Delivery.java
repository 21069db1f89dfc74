package io.calltrail.conversion.delivery;

import java.net.URI;
import java.time.Instant;

/**
 * One queued POST as its {@link Authorizer} sees it at send time.
 *
 * @param kind      who signs it: {@code webhook}, {@code ga4}, ...
 * @param targetId  the endpoint or destination row it goes to, if any
 * @param attempt   the number of the attempt being made now, from 1
 */
public record Delivery(long id, long accountId, String kind, Long targetId, URI url, String eventType, int attempt,
                       Instant createdAt) {
}
