package io.calltrail.account;

/** A user's place in an account: its role there and whether it may reveal full caller numbers. */
public record Membership(long userId, long accountId, String accountName, Role role, boolean canReveal) {
}
