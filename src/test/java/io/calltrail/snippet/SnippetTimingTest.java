package io.calltrail.snippet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.calltrail.account.Account;
import io.calltrail.pool.Pool;
import io.calltrail.pool.PoolStore;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Browser;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Anti-flicker against an unresponsive server, and how fast the demo page gets its numbers. */
class SnippetTimingTest {

    @Test
    void antiFlickerShowsTheOriginalNumberSoonWhenTheServerDoesNotAnswer() throws Exception {
        String script;
        try (TestServer server = TestServer.start(Database.Kind.H2, MutableClock.at("2026-01-01T00:00:00Z"), Map.of())) {
            Fixtures fixtures = new Fixtures(server.database());
            Account account = fixtures.account("A");
            Property property = fixtures.property(account, "aflicker");
            fixtures.target(property, "+15125550100");
            var patched = server.api("PATCH", "/api/v1/properties/" + property.id(), fixtures.apiKey(account), "{\"anti_flicker\":true}");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            script = server.get("/s/aflicker.js").body();
        }
        assertThat(script).contains("\"a\":true");
        // The page's host also "serves" the tracking API, but never answers it: worse than a stopped server.
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        String page = """
                <!doctype html><html><head><script>
                window.errors = []; window.addEventListener('error', function (e) { errors.push(String(e.message)); });
                (function watch() {
                  var p = document.getElementById('n');
                  if (p) {
                    var hidden = getComputedStyle(p).visibility === 'hidden';
                    if (hidden && window.hiddenAt == null) window.hiddenAt = performance.now();
                    if (!hidden && window.hiddenAt != null && window.shownAt == null) window.shownAt = performance.now();
                  }
                  if (window.shownAt == null) requestAnimationFrame(watch);
                })();
                </script><script async src="/ct/s/aflicker.js"></script></head>
                <body><p id="n">Call (512) 555-0100 today</p></body></html>""";
        host.createContext("/page", exchange -> send(exchange, 200, "text/html", page));
        host.createContext("/ct/s/aflicker.js", exchange -> send(exchange, 200, "application/javascript", script));
        host.createContext("/ct/v1/", exchange -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(exchange, 503, "application/json", "{}");
        });
        // a stopped server: the connection is dropped without an answer
        host.createContext("/gone/s/aflicker.js", exchange -> send(exchange, 200, "application/javascript", script));
        host.createContext("/gone/v1/", exchange -> exchange.close());
        host.createContext("/gone-page", exchange -> send(exchange, 200, "text/html", page.replace("/ct/s/", "/gone/s/")));
        host.start();
        try (Browser browser = Browser.start()) {
            browser.driver().get("http://127.0.0.1:" + host.getAddress().getPort() + "/page");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(4)).until(driver -> browser.js("return window.shownAt") != null);
            double hiddenFor = ((Number) browser.js("return window.shownAt - window.hiddenAt")).doubleValue();
            System.out.printf("anti-flicker: number hidden for %.0f ms while the server did not answer%n", hiddenFor);
            // revealed by the snippet's own 300 ms limit, long before the unanswered request gives up (5 s)
            assertThat(hiddenFor).isLessThan(2_000);
            assertThat(browser.js("return document.getElementById('n').textContent")).isEqualTo("Call (512) 555-0100 today");
            assertThat(browser.js("return window.errors")).asList().isEmpty();

            browser.driver().get("http://127.0.0.1:" + host.getAddress().getPort() + "/gone-page");
            // the refused request may end the hiding between two frames, so wait for the visible state itself
            new WebDriverWait(browser.driver(), Duration.ofSeconds(4)).until(driver -> Boolean.TRUE.equals(browser.js(
                    "return !!(window.calltrail && calltrail.loaded) && performance.now() > 400"
                            + " && getComputedStyle(document.getElementById('n')).visibility === 'visible'")));
            Object shownAt = browser.js("return window.shownAt == null ? null : window.shownAt - window.hiddenAt");
            System.out.println("anti-flicker: with the server gone the number showed again "
                    + (shownAt == null ? "within one frame" : "after " + Math.round(((Number) shownAt).doubleValue()) + " ms"));
            assertThat(browser.js("return document.getElementById('n').textContent")).isEqualTo("Call (512) 555-0100 today");
            assertThat(browser.js("return window.errors")).asList().isEmpty();
        } finally {
            host.stop(0);
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Prints the median time from DOMContentLoaded to all numbers swapped; measures, asserts nothing about speed. */
    @Test
    void demoPageSwapTimeFromDomContentLoaded() {
        try (TestServer server = TestServer.start(Database.Kind.H2, Clock.systemUTC(), Map.of("demo", "true", "tracking.rateLimitPerMinute", "0"));
             Browser browser = Browser.start()) {
            long pool = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM pool").mapTo(Long.class).one());
            Pool demoPool = server.database().jdbi().withHandle(handle -> new PoolStore().pool(handle,
                    handle.createQuery("SELECT account_id FROM pool").mapTo(Long.class).one(), pool).orElseThrow());
            server.database().jdbi().useTransaction(handle -> {
                for (int i = 0; i < 30; i++) {
                    new PoolStore().insertNumber(handle, new TrackingNumber(0, demoPool.accountId(), demoPool.propertyId(),
                            String.format("+1737555%04d", 2000 + i), "extra " + i, "twilio", "+15125550100", pool, null, Instant.now(), null, TrackingNumber.CallerId.CALLER));
                }
            });
            String url = server.client().uri("/demo/?gclid=timing&consent=granted").toString();
            List<Double> first = new ArrayList<>();
            List<Double> resumed = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                browser.js("try { localStorage.clear(); } catch (e) {} document.cookie = '_calltrail=;path=/;max-age=0';");
                first.add(load(browser, url));
                resumed.add(load(browser, url));
            }
            first.remove(0); // the first load of all also warms up the server
            resumed.remove(0);
            System.out.printf("DOMContentLoaded to swapped on the demo page: median %.1f ms on a first visit, %.1f ms with the session open (20 loads each)%n",
                    median(first), median(resumed));
        }
    }

    private static double load(Browser browser, String url) {
        browser.driver().get(url);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                browser.js("return window.calltrail && window.calltrail.swappedAt && window.calltrail.swappedAt()") != null);
        return ((Number) browser.js("return calltrail.swappedAt() - performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"))
                .doubleValue();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
