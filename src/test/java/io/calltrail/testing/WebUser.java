package io.calltrail.testing;

import io.calltrail.account.Passwords;
import io.calltrail.account.Role;
import io.calltrail.account.UserStore;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A dashboard user in a browser-like HTTP client: keeps its cookies, sends the page's CSRF token with each form,
 * and does not follow redirects (tests look at them).
 */
public final class WebUser {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private final TestServer server;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf;

    public WebUser(TestServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Makes a user with this password as a member of the account, straight in the database. */
    public static void create(TestServer server, String email, String password, long accountId, Role role, boolean canReveal) {
        UserStore store = new UserStore(server.database().jdbi());
        String hash = Passwords.hash(password);
        server.database().jdbi().useTransaction(handle -> {
            var user = store.byEmail(handle, email).orElseGet(() -> store.insertUser(handle, email, email, Instant.now()));
            store.setPassword(handle, user.id(), hash, Instant.now());
            store.addMembership(handle, user.id(), accountId, role, canReveal, Instant.now());
        });
    }

    /** A new user of the account, signed in. */
    public static WebUser signedIn(TestServer server, String email, long accountId, Role role) {
        String password = "password for " + email;
        create(server, email, password, accountId, role, role == Role.OWNER);
        WebUser user = new WebUser(server);
        TestClient.Answer answer = user.signIn(email, password);
        if (answer.status() != 302) {
            throw new IllegalStateException("sign-in failed: " + answer.status() + " " + answer.body());
        }
        return user;
    }

    /** How the audit log names a user's changes made from the dashboard: {@code user:<id> (<email>)}. */
    public static String actor(TestServer server, String email) {
        long id = server.database().jdbi().withHandle(handle -> new UserStore(server.database().jdbi()).byEmail(handle, email))
                .orElseThrow().id();
        return "user:" + id + " (" + email + ")";
    }

    /** Opens the sign-in page and posts the form; answers the response (302 to the dashboard when it worked). */
    public TestClient.Answer signIn(String email, String password) {
        get("/sign-in");
        return post("/sign-in", Map.of("email", email, "password", password));
    }

    public TestClient.Answer get(String path) {
        TestClient.Answer answer = send(HttpRequest.newBuilder(server.uri(path)).GET());
        Matcher matcher = CSRF.matcher(answer.body());
        if (matcher.find()) {
            csrf = matcher.group(1);
        }
        return answer;
    }

    /** Posts a form with the CSRF token of the last page seen. */
    public TestClient.Answer post(String path, Map<String, String> form) {
        Map<String, String> withToken = new LinkedHashMap<>(form);
        if (csrf != null) {
            withToken.putIfAbsent("_csrf", csrf);
        }
        return postRaw(path, withToken);
    }

    /** Posts exactly these fields: no CSRF token unless given. */
    public TestClient.Answer postRaw(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public String csrf() {
        return csrf;
    }

    public HttpCookie cookie(String name) {
        return cookies.getCookieStore().get(URI.create("http://127.0.0.1/")).stream()
                .filter(cookie -> cookie.getName().equals(name)).findFirst()
                .orElse(cookies.getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(name)).findFirst().orElse(null));
    }

    private TestClient.Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new TestClient.Answer(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
