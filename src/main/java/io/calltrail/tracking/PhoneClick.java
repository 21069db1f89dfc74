package io.calltrail.tracking;

import java.time.Instant;

/** A click on a phone link (a {@code tel_click} event), as stored. */
public record PhoneClick(long account, long property, String eventId, String sessionId, Instant occurredAt) {
}
