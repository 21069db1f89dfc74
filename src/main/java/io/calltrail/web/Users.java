package io.calltrail.web;

import io.calltrail.account.Actor;
import io.calltrail.account.Membership;
import io.calltrail.account.Role;
import io.calltrail.account.User;
import io.calltrail.account.UserStore;
import io.calltrail.app.ApiError;
import io.calltrail.privacy.AuditLog;
import io.calltrail.store.SqlErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Dashboard users: the owner made on first start, invitations, and one-time sign-in links (which is how a new
 * user chooses a password, and how an operator lets someone back in who forgot theirs).
 */
public final class Users {
    static final Duration LINK_LIFETIME = Duration.ofDays(3);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");

    private final Jdbi jdbi;
    private final UserStore store;
    private final AuditLog audit;
    private final Clock clock;

    public Users(Jdbi jdbi, UserStore store, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public UserStore store() {
        return store;
    }

    /** On start: makes the owner user of the operator account when there is no user yet. */
    public void ensureOwner(long operatorAccountId, String email) {
        Instant now = clock.instant();
        try {
            jdbi.useTransaction(handle -> {
                if (!store.anyUser(handle)) {
                    User owner = store.insertUser(handle, email, "Owner", now);
                    store.addMembership(handle, owner.id(), operatorAccountId, Role.OWNER, true, now);
                }
            });
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) {
                throw e; // else another instance made the owner at the same moment
            }
        }
    }

    /** A one-time sign-in path into {@code accountId} for this user, for as long as it has not chosen a password. */
    public Optional<String> firstSignIn(String email, long accountId) {
        return jdbi.inTransaction(handle -> {
            Optional<User> user = store.byEmail(handle, email);
            if (user.isEmpty() || user.get().hasPassword() || store.membership(handle, user.get().id(), accountId).isEmpty()) {
                return Optional.<String>empty();
            }
            return Optional.of(linkPath(handle, user.get().id(), accountId));
        });
    }

    /** Makes the user a member of {@code accountId} (the demo account, say) unless it already is. */
    public void ensureMember(String email, long accountId, Role role) {
        jdbi.useTransaction(handle -> store.byEmail(handle, email).ifPresent(user -> {
            if (store.membership(handle, user.id(), accountId).isEmpty()) {
                store.addMembership(handle, user.id(), accountId, role, role == Role.OWNER, clock.instant());
            }
        }));
    }

    /** A new one-time sign-in path for an existing user (the {@code sign-in-link} command); empty for an unknown email. */
    public Optional<String> linkFor(String email) {
        return jdbi.inTransaction(handle -> {
            Optional<User> user = store.byEmail(handle, email);
            if (user.isEmpty()) {
                return Optional.<String>empty();
            }
            List<Long> memberships = store.accountIds(handle, user.get().id());
            if (memberships.isEmpty()) {
                return Optional.<String>empty();
            }
            return Optional.of(linkPath(handle, user.get().id(), memberships.get(0)));
        });
    }

    /** What an invitation made: the user, and the one-time link to pass on when the user has no password yet. */
    public record Invitation(User user, Optional<String> linkPath) {
    }

    /**
     * Adds someone to the acting owner's account. A new email becomes a user with a one-time link; an existing user
     * (an agency colleague, say) just becomes a member, and signs in as before.
     */
    public Invitation invite(Actor actor, String rawEmail, String rawName, Role role, boolean canReveal) {
        String email = UserStore.normalEmail(rawEmail == null ? "" : rawEmail);
        if (!EMAIL.matcher(email).matches()) {
            throw ApiError.invalid("email", "email '" + rawEmail + "' is not an email address");
        }
        String name = rawName == null || rawName.isBlank() ? email : rawName.strip();
        if (name.length() > 200) {
            throw ApiError.invalid("name", "name must be at most 200 characters");
        }
        Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            User user = store.byEmail(handle, email).orElse(null);
            boolean created = user == null;
            if (created) {
                user = store.insertUser(handle, email, name, now);
            } else if (store.membership(handle, user.id(), actor.accountId()).isPresent()) {
                throw ApiError.conflict("email", email + " is already a member of this account");
            }
            store.addMembership(handle, user.id(), actor.accountId(), role, canReveal, now);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("email", email);
            details.put("role", role.toString());
            details.put("can_reveal", canReveal);
            details.put("new_user", created);
            audit.settingsChange(handle, actor, "user", user.id(), "invite", details);
            return new Invitation(user, user.hasPassword() ? Optional.empty() : Optional.of(linkPath(handle, user.id(), actor.accountId())));
        });
    }

    /** Changes a member's role or reveal permission; an account always keeps one owner. */
    public void changeMember(Actor actor, long userId, Role role, boolean canReveal) {
        jdbi.useTransaction(handle -> {
            Membership before = store.membership(handle, userId, actor.accountId()).orElseThrow(() -> ApiError.notFound("user"));
            if (before.role() == Role.OWNER && role != Role.OWNER && store.countOwners(handle, actor.accountId()) <= 1) {
                throw ApiError.conflict("role", "the account needs at least one owner; make someone else owner first");
            }
            store.updateMembership(handle, userId, actor.accountId(), role, canReveal);
            audit.settingsChange(handle, actor, "user", userId, "update", Map.of(
                    "role", Map.of("from", before.role().toString(), "to", role.toString()),
                    "can_reveal", Map.of("from", before.canReveal(), "to", canReveal)));
        });
    }

    public void removeMember(Actor actor, long userId) {
        jdbi.useTransaction(handle -> {
            Membership before = store.membership(handle, userId, actor.accountId()).orElseThrow(() -> ApiError.notFound("user"));
            if (before.role() == Role.OWNER && store.countOwners(handle, actor.accountId()) <= 1) {
                throw ApiError.conflict("role", "the account needs at least one owner; make someone else owner first");
            }
            store.removeMembership(handle, userId, actor.accountId());
            audit.settingsChange(handle, actor, "user", userId, "remove", Map.of("role", before.role().toString()));
        });
    }

    /** A new link for a member who lost their way in (a forgotten password). */
    public String newLink(Actor actor, long userId) {
        return jdbi.inTransaction(handle -> {
            store.membership(handle, userId, actor.accountId()).orElseThrow(() -> ApiError.notFound("user"));
            audit.record(handle, actor, "user.sign_in_link", "user", Long.toString(userId));
            return linkPath(handle, userId, actor.accountId());
        });
    }

    private String linkPath(Handle handle, long userId, long accountId) {
        String token = Tokens.random();
        Instant now = clock.instant();
        // used and expired links sign no one in: they go when the next one is made
        store.deleteSpentLinks(handle, now);
        store.insertLink(handle, Tokens.hash(token), userId, accountId, now, now.plus(LINK_LIFETIME));
        return "/sign-in/link/" + token;
    }
}
