package io.calltrail.web;

import io.calltrail.account.Actor;
import io.calltrail.account.Membership;
import io.calltrail.account.Passwords;
import io.calltrail.account.User;
import io.calltrail.account.UserStore;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.ClientAddress;
import io.calltrail.privacy.AuditLog;
import io.calltrail.web.WebSessions.SignedIn;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Sign-in, sign-out, one-time links, password changes and switching between one's accounts. */
public final class SignInHandlers {
    // Before sign-in there is no session to hold a CSRF token: a random cookie, echoed by the form, stands in.
    static final String FORM_COOKIE = "calltrail_form";

    private final Jdbi jdbi;
    private final UserStore users;
    private final Dashboard dashboard;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean trustForwardedHeaders;
    private final Throttle perEmail;
    private final Throttle perAddress;

    public SignInHandlers(Jdbi jdbi, UserStore users, Dashboard dashboard, AuditLog audit, Clock clock, boolean trustForwardedHeaders) {
        this.jdbi = jdbi;
        this.users = users;
        this.dashboard = dashboard;
        this.audit = audit;
        this.clock = clock;
        this.trustForwardedHeaders = trustForwardedHeaders;
        this.perEmail = new Throttle(5, Duration.ofMinutes(15), clock);
        this.perAddress = new Throttle(30, Duration.ofMinutes(15), clock);
    }

    public void home(Context ctx) {
        ctx.redirect(Dashboard.PAGES);
    }

    public void signInPage(Context ctx) {
        Dashboard.securityHeaders(ctx);
        showSignIn(ctx, 200, "", null, ctx.queryParam("next"));
    }

    public void signIn(Context ctx) {
        Dashboard.securityHeaders(ctx);
        requireFormCookie(ctx);
        String email = UserStore.normalEmail(Optional.ofNullable(ctx.formParam("email")).orElse(""));
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String next = ctx.formParam("next");
        String address = ClientAddress.of(ctx, trustForwardedHeaders);
        Optional<Duration> wait = perEmail.wait("email:" + email).or(() -> perAddress.wait("address:" + address));
        if (wait.isPresent()) {
            long minutes = Math.max(1, (wait.get().toSeconds() + 59) / 60);
            showSignIn(ctx, 429, email, "Too many failed attempts. Try again in " + minutes + " minute" + (minutes == 1 ? "" : "s")
                    + ", or ask an owner for a sign-in link.", next);
            return;
        }
        Optional<UserStore.Credentials> credentials = email.isEmpty() ? Optional.empty() : users.credentials(email);
        boolean ok = Passwords.matches(password, credentials.map(UserStore.Credentials::passwordHash).orElse(null));
        List<Membership> memberships = ok ? users.memberships(credentials.get().user().id()) : List.of();
        if (!ok || memberships.isEmpty()) {
            perEmail.failed("email:" + email);
            perAddress.failed("address:" + address);
            showSignIn(ctx, 401, email, "That email and password do not match.", next);
            return;
        }
        perEmail.succeeded("email:" + email);
        User user = credentials.get().user();
        String token = jdbi.inTransaction(handle -> dashboard.sessions().open(handle, user.id(), memberships.get(0).accountId()));
        dashboard.setSessionCookie(ctx, token);
        ctx.redirect(localPath(next));
    }

    public void linkPage(Context ctx) {
        Dashboard.securityHeaders(ctx);
        // Looking does not use the link: mail scanners open links too. Choosing a password does.
        Optional<User> user = jdbi.withHandle(handle -> users.link(handle, Tokens.hash(ctx.pathParam("token")), clock.instant()))
                .flatMap(link -> users.user(link.userId()));
        if (user.isEmpty()) {
            dashboard.errorPage(ctx, 404, "This sign-in link has expired or has been used. Ask an owner of your account for a new one.");
            return;
        }
        showChoosePassword(ctx, 200, user.get(), null);
    }

    public void useLink(Context ctx) {
        Dashboard.securityHeaders(ctx);
        requireFormCookie(ctx);
        String tokenHash = Tokens.hash(ctx.pathParam("token"));
        Optional<UserStore.Link> link = jdbi.withHandle(handle -> users.link(handle, tokenHash, clock.instant()));
        Optional<User> user = link.flatMap(found -> users.user(found.userId()));
        if (user.isEmpty()) {
            dashboard.errorPage(ctx, 404, "This sign-in link has expired or has been used. Ask an owner of your account for a new one.");
            return;
        }
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        Optional<String> problem = Passwords.weakness(password, user.get().email())
                .or(() -> password.equals(ctx.formParam("confirm")) ? Optional.empty() : Optional.of("the two passwords differ"));
        if (problem.isPresent()) {
            showChoosePassword(ctx, 422, user.get(), "Choose another password: " + problem.get() + ".");
            return;
        }
        String hash = Passwords.hash(password);
        String token = jdbi.inTransaction(handle -> {
            if (!users.useLink(handle, tokenHash, clock.instant())) {
                throw ApiError.notFound("sign-in link");
            }
            users.setPassword(handle, user.get().id(), hash, clock.instant());
            dashboard.sessions().closeAll(handle, user.get().id());
            String opened = dashboard.sessions().open(handle, user.get().id(), link.get().accountId());
            audit.record(handle, Actor.user(user.get().id(), user.get().email(), link.get().accountId(), null, false,
                    ClientAddress.of(ctx, trustForwardedHeaders)), "user.password_set", "user", Long.toString(user.get().id()));
            return opened;
        });
        dashboard.setSessionCookie(ctx, token);
        ctx.redirect(Dashboard.PAGES);
    }

    public void signOut(Context ctx) {
        dashboard.sessions().close(Dashboard.signedIn(ctx).tokenHash());
        dashboard.clearSessionCookie(ctx);
        ctx.redirect("/sign-in");
    }

    public void passwordPage(Context ctx) {
        dashboard.render(ctx, "password", Map.of());
    }

    public void changePassword(Context ctx) {
        SignedIn me = Dashboard.signedIn(ctx);
        String current = Optional.ofNullable(ctx.formParam("current")).orElse("");
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String problem = null;
        if (!Passwords.matches(current, users.passwordHash(me.userId()).orElse(null))) {
            problem = "Your current password is not right.";
        } else {
            problem = Passwords.weakness(password, me.email()).map(why -> "Choose another password: " + why + ".")
                    .or(() -> password.equals(ctx.formParam("confirm")) ? Optional.empty() : Optional.of("The two new passwords differ."))
                    .orElse(null);
        }
        if (problem != null) {
            ctx.status(422);
            dashboard.render(ctx, "password", Map.of("error", problem));
            return;
        }
        String hash = Passwords.hash(password);
        jdbi.useTransaction(handle -> {
            users.setPassword(handle, me.userId(), hash, clock.instant());
            dashboard.sessions().closeOthers(handle, me.userId(), me.tokenHash());
            audit.record(handle, Admin.actor(ctx), "user.password_change", "user", Long.toString(me.userId()));
        });
        dashboard.render(ctx, "password", Map.of("done", true));
    }

    public void switchAccount(Context ctx) {
        SignedIn me = Dashboard.signedIn(ctx);
        long account;
        try {
            account = Long.parseLong(Optional.ofNullable(ctx.formParam("account")).orElse(""));
        } catch (NumberFormatException e) {
            throw ApiError.notFound("account");
        }
        users.membership(me.userId(), account).orElseThrow(() -> ApiError.notFound("account"));
        dashboard.sessions().switchAccount(me.tokenHash(), account);
        ctx.redirect(Dashboard.PAGES);
    }

    private void showSignIn(Context ctx, int status, String email, String error, String next) {
        Map<String, Object> model = new HashMap<>();
        model.put("email", email);
        model.put("next", localPath(next));
        model.put("formToken", formToken(ctx));
        if (error != null) {
            model.put("error", error);
        }
        ctx.status(status);
        dashboard.render(ctx, "sign-in", model);
    }

    private void showChoosePassword(Context ctx, int status, User user, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("user", user);
        model.put("formToken", formToken(ctx));
        model.put("minLength", Passwords.MIN_LENGTH);
        if (error != null) {
            model.put("error", error);
        }
        ctx.status(status);
        dashboard.render(ctx, "choose-password", model);
    }

    private String formToken(Context ctx) {
        String token = ctx.cookie(FORM_COOKIE);
        if (token == null || token.length() < 32) {
            token = Tokens.random();
            ctx.cookie(dashboard.cookie(FORM_COOKIE, token, -1, ctx));
        }
        return token;
    }

    private static void requireFormCookie(Context ctx) {
        Dashboard.requireCsrf(ctx, ctx.cookie(FORM_COOKIE));
    }

    /** Only a path of this dashboard: never an open redirect to somewhere else. */
    static String localPath(String next) {
        if (next != null && (next.equals(Dashboard.PAGES) || next.startsWith(Dashboard.PAGES + "/") || next.startsWith(Dashboard.PAGES + "?"))
                && !next.contains("//") && !next.contains("\\")) {
            return next;
        }
        return Dashboard.PAGES;
    }
}
