package io.calltrail.account;

import java.time.Instant;

/**
 * An API key as listed: the secret itself is shown once, at creation, and stored only as a hash. {@code role} says
 * what the key may do; {@code canReveal} whether it may see callers' full numbers.
 */
public record ApiKey(long id, long accountId, String name, String prefix, Instant createdAt, Instant revokedAt, Role role,
                     boolean canReveal) {
}
