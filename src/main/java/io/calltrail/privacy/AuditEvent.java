package io.calltrail.privacy;

import java.time.Instant;

/** One audit log entry as stored; {@code details} is JSON text. */
public record AuditEvent(long id, long accountId, Instant occurredAt, String actor, String actorRole, String clientAddress,
                         String action, String targetType, String targetId, String details) {
}
