package io.calltrail.account;

import java.time.Instant;

/** A person who signs in to the dashboard; {@code hasPassword} is false until a one-time link has been used. */
public record User(long id, String email, String name, boolean hasPassword, Instant createdAt) {
}
