package io.calltrail.account;

import java.time.Instant;

/** An API key as listed: the secret itself is shown once, at creation, and stored only as a hash. */
public record ApiKey(long id, long accountId, String name, String prefix, Instant createdAt, Instant revokedAt) {
}
