package io.calltrail.tracking;

import java.time.Instant;

/** A page_view, tel_click or cta_click beacon, with the id the browser made for it. */
public record TrackingEvent(String id, String type, String sessionId, String url, String number, Instant occurredAt) {
}
