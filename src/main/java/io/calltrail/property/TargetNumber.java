package io.calltrail.property;

import java.time.Instant;

/** A business number shown on the property's pages that the snippet replaces with a tracking number. */
public record TargetNumber(long id, long accountId, long propertyId, String e164, String label, Instant createdAt) {
}
