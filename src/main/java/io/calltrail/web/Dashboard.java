package io.calltrail.web;

import io.calltrail.account.Actor;
import io.calltrail.account.Membership;
import io.calltrail.account.UserStore;
import io.calltrail.app.Admin;
import io.calltrail.app.ApiError;
import io.calltrail.app.ClientAddress;
import io.calltrail.web.WebSessions.SignedIn;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's shell: who is signed in (from the session cookie), CSRF checks on every form, security headers,
 * and rendering pages with what every page shows (the user, the account and its switcher, the CSRF token).
 * Page handlers of every slice use {@link #signedIn}, {@link #render} and {@link #requireWriter}; the admin API's
 * {@link Admin#account} and {@link Admin#actor} work on pages too, so handlers share their checks.
 */
public final class Dashboard {
    public static final String PAGES = "/app";
    static final String SESSION_COOKIE = "calltrail_session";
    static final String SIGNED_IN = "calltrail.signedIn";
    private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final WebSessions sessions;
    private final UserStore users;
    private final Templates templates;
    private final boolean trustForwardedHeaders;
    private final boolean httpsOnly;

    public Dashboard(WebSessions sessions, UserStore users, Templates templates, boolean trustForwardedHeaders, URI publicUrl) {
        this.sessions = sessions;
        this.users = users;
        this.templates = templates;
        this.trustForwardedHeaders = trustForwardedHeaders;
        this.httpsOnly = "https".equals(publicUrl.getScheme());
    }

    /** Whether this request is for a dashboard page (HTML errors) rather than the API (JSON errors). */
    public static boolean isPage(Context ctx) {
        String path = ctx.path();
        return path.equals(PAGES) || path.startsWith(PAGES + "/") || path.startsWith("/sign-");
    }

    /** Runs before every page: signs the request in, or sends the browser to the sign-in page. */
    public void before(Context ctx) {
        securityHeaders(ctx);
        String token = ctx.cookie(SESSION_COOKIE);
        SignedIn signedIn = token == null ? null : sessions.find(token).orElse(null);
        if (signedIn == null) {
            if (SAFE.contains(ctx.method())) {
                String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                ctx.redirect("/sign-in?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                ctx.skipRemainingHandlers();
                return;
            }
            throw new ApiError(401, "unauthenticated", null, "your session has ended; sign in again");
        }
        if (!SAFE.contains(ctx.method())) {
            requireCsrf(ctx, signedIn.csrfToken());
        }
        ctx.attribute(SIGNED_IN, signedIn);
        Admin.signIn(ctx, new io.calltrail.account.Account(signedIn.accountId(), signedIn.accountName(),
                signedIn.operatorAccount(), null), Actor.user(signedIn.userId(), signedIn.email(), signedIn.accountId(),
                signedIn.role(), signedIn.canReveal(), ClientAddress.of(ctx, trustForwardedHeaders)));
    }

    static void securityHeaders(Context ctx) {
        // Nothing from elsewhere: no third-party request leaves a dashboard page, and no inline script runs.
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    static void requireCsrf(Context ctx, String expected) {
        String sent = ctx.header("X-CSRF-Token");
        if (sent == null) {
            sent = ctx.formParam("_csrf");
        }
        if (!Tokens.same(sent, expected)) {
            throw new ApiError(403, "csrf", "_csrf", "this form has expired or did not come from Calltrail; reload the page and try again");
        }
    }

    public static SignedIn signedIn(Context ctx) {
        SignedIn signedIn = ctx.attribute(SIGNED_IN);
        if (signedIn == null) {
            throw new ApiError(401, "unauthenticated", null, "sign in first");
        }
        return signedIn;
    }

    /** Set-up pages and every change: owners and admins only. */
    public static SignedIn requireWriter(Context ctx) {
        SignedIn signedIn = signedIn(ctx);
        if (!signedIn.canWrite()) {
            throw Admin.forbidden("your role in " + signedIn.accountName() + " is viewer: you can see reports and calls, "
                    + "but set-up needs an owner or admin");
        }
        return signedIn;
    }

    public static SignedIn requireOwner(Context ctx) {
        SignedIn signedIn = signedIn(ctx);
        if (!signedIn.isOwner()) {
            throw Admin.forbidden("only owners of " + signedIn.accountName() + " can do this");
        }
        return signedIn;
    }

    /** Renders a page with what every page needs: {@code me}, {@code accounts} (for the switcher), {@code csrf}, {@code path}. */
    public void render(Context ctx, String template, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        SignedIn signedIn = ctx.attribute(SIGNED_IN);
        if (signedIn != null) {
            all.put("me", signedIn);
            all.put("csrf", signedIn.csrfToken());
            List<Membership> accounts = users.memberships(signedIn.userId());
            all.put("accounts", accounts.size() > 1 ? accounts : List.of());
        }
        all.put("path", ctx.path());
        String[] parts = ctx.path().split("/");
        all.putIfAbsent("section", parts.length > 2 ? parts[2] : "overview");
        ctx.contentType("text/html; charset=utf-8").result(templates.render(template, all));
    }

    /** The page for an error on a dashboard request: 404 for what is not there (or not this account's), 403, 401... */
    public void errorPage(Context ctx, int status, String message) {
        securityHeaders(ctx);
        if (status == 401 && SAFE.contains(ctx.method())) {
            ctx.redirect("/sign-in");
            return;
        }
        ctx.status(status);
        render(ctx, "error", Map.of("status", status, "message", message == null ? "" : message,
                "title", switch (status) {
                    case 404 -> "Not found";
                    case 403 -> "Not allowed";
                    case 401 -> "Signed out";
                    case 429 -> "Too many attempts";
                    default -> status >= 500 ? "Something went wrong" : "That did not work";
                }));
    }

    void setSessionCookie(Context ctx, String token) {
        ctx.cookie(cookie(SESSION_COOKIE, token, (int) WebSessions.LIFETIME.toSeconds(), ctx));
    }

    void clearSessionCookie(Context ctx) {
        ctx.cookie(cookie(SESSION_COOKIE, "", 0, ctx));
    }

    /** HttpOnly, SameSite=Lax (a link from an email still signs in), Secure whenever Calltrail is reached over HTTPS. */
    Cookie cookie(String name, String value, int maxAgeSeconds, Context ctx) {
        return new Cookie(name, value, "/", maxAgeSeconds, secure(ctx), 0, true, null, null, SameSite.LAX);
    }

    boolean secure(Context ctx) {
        if (httpsOnly || "https".equals(ctx.scheme())) {
            return true;
        }
        return trustForwardedHeaders && "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    WebSessions sessions() {
        return sessions;
    }
}
