package io.calltrail.tracking;

import java.time.Instant;

/** A visit as stored: who (first-party visitor id, only with consent), when, and where it came from. */
public record VisitSession(
        String id,
        long accountId,
        long propertyId,
        String visitorId,
        Instant startedAt,
        Instant lastSeenAt,
        Touch touch,
        Consent consent) {
}
