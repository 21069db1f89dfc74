package io.calltrail.account;

import java.time.Instant;

/** A tenant. The operator account (created on first start) may also create other accounts. */
public record Account(long id, String name, boolean operator, Instant createdAt) {
}
