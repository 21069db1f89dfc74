package io.calltrail.snippet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.calltrail.account.Account;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.pool.TrackingNumber;
import io.calltrail.property.Property;
import io.calltrail.property.PropertyStore;
import io.calltrail.property.TargetNumber;
import io.calltrail.store.Database;
import io.calltrail.testing.Browser;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestServer;
import io.calltrail.tracking.SourceRule;
import io.calltrail.tracking.SourceRuleStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real-page conformance suite: real public business pages (read from the shared fixtures, never
 * copied here) loaded in Chromium with the snippet configured for each page's target numbers; swapped
 * text occurrences and tel: hrefs are counted against the manifest, and numbers that must not change
 * are checked. Writes target/real-pages-report.tsv.
 */
class RealPageConformanceTest {
    private static final double REQUIRED_SHARE = 0.95;

    /** Counts, in the page as it is now, how often each number appears in body text and in tel:/callto: hrefs. */
    private static final String COUNT = """
            var numbers = arguments[0], result = {};
            var SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TITLE|HEAD)$/;
            var INLINE = /^(A|ABBR|B|BDI|BDO|BR|CITE|DATA|DFN|EM|FONT|I|KBD|LABEL|MARK|NOBR|Q|S|SAMP|SMALL|SPAN|STRONG|SUB|SUP|TIME|TT|U|VAR|WBR)$/;
            function blockOf(n) { var e = n.parentNode; while (e && e !== document.body && INLINE.test(e.nodeName)) e = e.parentNode; return e; }
            function skipped(e) { for (; e && e !== document.body; e = e.parentNode) if (SKIP.test(e.nodeName)) return true; return false; }
            var texts = [], block = null, run = '', walker = document.createTreeWalker(document.body, 4), node;
            while ((node = walker.nextNode())) {
              if (skipped(node.parentNode)) { texts.push(run); run = ''; block = null; continue; }
              var b = blockOf(node);
              if (b !== block) { texts.push(run); run = ''; block = b; }
              run += node.nodeValue;
            }
            texts.push(run);
            var RUN = /\\+?\\(?\\d[\\d \\t\\u00a0\\u202f().\\-\\u2010-\\u2014\\/]{4,}\\d/g;
            // One occurrence per number as written: forms are tried longest first, matches never overlap.
            function count(text, forms) {
              var n = 0, m, sorted = forms.slice().sort(function (a, b) { return b.length - a.length; });
              RUN.lastIndex = 0;
              while ((m = RUN.exec(text))) {
                var slots = [], digits = '';
                for (var i = m.index; i < m.index + m[0].length; i++) if (/\\d/.test(text[i])) { slots.push(i); digits += text[i]; }
                for (var at = 0; at < digits.length;) {
                  var hit = 0;
                  if (at === 0 || slots[at] - slots[at - 1] > 1) {
                    sorted.some(function (f) {
                      var e = at + f.length;
                      if (digits.substr(at, f.length) === f && (e === slots.length || slots[e] - slots[e - 1] > 1)) { hit = f.length; return true; }
                      return false;
                    });
                  }
                  if (hit) { n++; at += hit; } else { at++; }
                }
              }
              return n;
            }
            Object.keys(numbers).forEach(function (e164) {
              var forms = numbers[e164], text = 0, href = 0;
              texts.forEach(function (t) { text += count(t, forms); });
              [].forEach.call(document.querySelectorAll('a[href]'), function (a) {
                var h = a.getAttribute('href') || '', m = /^\\s*(tel|callto):(\\/\\/)?/i.exec(h);
                if (!m) return;
                var raw = h.slice(m[0].length), d;
                try { d = decodeURIComponent(raw); } catch (x) { d = raw; }
                var digits = d.replace(/\\D/g, '').replace(/^00/, '');
                if (forms.indexOf(digits) >= 0) href++;
              });
              result[e164] = [text, href];
            });
            return result;
            """;

    record Row(String file, String country, List<String> targets, int text, int href, List<String> doNotSwap) {
    }

    record Outcome(Row row, int swappedText, int swappedHref, int wronglyChanged, int extra) {
    }

    @Test
    void realPagesAreSwappedAsTheManifestSays() throws Exception {
        Path dir = Path.of(System.getProperty("realPages.dir", "../shared/fixtures/real-pages"));
        Path manifest = Path.of(System.getProperty("realPages.manifest", dir.resolve("manifest.tsv").toString()));
        assumeTrue(Files.isRegularFile(manifest), "real-page suite skipped: no manifest at " + manifest.toAbsolutePath());
        List<Row> rows = readManifest(manifest);
        assertThat(rows).isNotEmpty();

        HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<Outcome> outcomes = new ArrayList<>();
        try (TestServer server = TestServer.start(Database.Kind.H2, MutableClock.at("2026-03-02T10:00:00Z"),
                Map.of("tracking.rateLimitPerMinute", "0"));
             Browser browser = Browser.start()) {
            Fixtures fixtures = new Fixtures(server.database());
            Account account = fixtures.account("Real pages");
            String snippetBase = server.client().uri("/s/").toString();
            pages.createContext("/", exchange -> {
                String[] parts = exchange.getRequestURI().getPath().split("/");
                Path file = parts.length == 4 ? dir.resolve(parts[3]) : null;
                if (file == null || !Files.isRegularFile(file) || !file.normalize().startsWith(dir.normalize())) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                byte[] bytes = Files.readAllBytes(file);
                if (parts[1].equals("with")) {
                    bytes = inject(bytes, "<script async src=\"" + snippetBase + parts[2] + ".js\"></script>");
                }
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            pages.start();
            String host = "http://127.0.0.1:" + pages.getAddress().getPort();

            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                String key = "real" + i;
                Map<String, String> tracking = configure(server, fixtures, account, key, row);
                Map<String, List<String>> watched = new LinkedHashMap<>();
                tracking.forEach((target, number) -> watched.put(number, forms(number)));
                row.doNotSwap().forEach(number -> watched.put(number, forms(number)));

                browser.driver().get(host + "/raw/" + key + "/" + row.file());
                Map<String, List<Long>> before = counts(browser, watched);
                browser.driver().get(host + "/with/" + key + "/" + row.file());
                boolean swapped = waitForSwap(browser);
                Map<String, List<Long>> after = counts(browser, watched);

                int text = 0;
                int href = 0;
                for (String number : tracking.values()) {
                    text += after.get(number).get(0).intValue();
                    href += after.get(number).get(1).intValue();
                }
                int wrong = 0;
                for (String number : row.doNotSwap()) {
                    wrong += (int) Math.max(0, before.get(number).get(0) + before.get(number).get(1)
                            - after.get(number).get(0) - after.get(number).get(1));
                }
                int extra = Math.max(0, text - row.text()) + Math.max(0, href - row.href());
                outcomes.add(new Outcome(row, text, href, wrong, extra));
                if (!swapped && row.text() + row.href() > 0) {
                    System.out.println("real pages: the snippet did not report a swap on " + row.file());
                }
            }
        } finally {
            pages.stop(0);
        }
        report(outcomes);
    }

    private static void report(List<Outcome> outcomes) throws IOException {
        StringBuilder tsv = new StringBuilder("file\texpected_text\tswapped_text\texpected_href\tswapped_href\twrongly_changed\n");
        int expected = 0;
        int swapped = 0;
        int wrong = 0;
        for (Outcome o : outcomes) {
            tsv.append(o.row().file()).append('\t').append(o.row().text()).append('\t').append(o.swappedText()).append('\t')
                    .append(o.row().href()).append('\t').append(o.swappedHref()).append('\t').append(o.wronglyChanged())
                    .append('\n');
            if (o.extra() > 0) {
                // e.g. content the page's own scripts render after load, which the manifest does not count
                System.out.printf("real pages: %s shows %d more tracking occurrence(s) than the manifest counts%n",
                        o.row().file(), o.extra());
            }
            expected += o.row().text() + o.row().href();
            swapped += Math.min(o.swappedText(), o.row().text()) + Math.min(o.swappedHref(), o.row().href());
            wrong += o.wronglyChanged();
        }
        Path report = Path.of("target", "real-pages-report.tsv");
        Files.createDirectories(report.getParent());
        Files.writeString(report, tsv.toString(), StandardCharsets.UTF_8);
        double share = expected == 0 ? 1 : (double) swapped / expected;
        System.out.printf("real pages: %d of %d expected occurrences swapped (%.1f %%), %d wrongly changed, over %d pages; see %s%n",
                swapped, expected, share * 100, wrong, outcomes.size(), report);
        System.out.print(tsv);
        assertThat(wrong).as("numbers changed that must not be (see %s)", report).isZero();
        assertThat(share).as("share of expected occurrences swapped (see %s)", report).isGreaterThanOrEqualTo(REQUIRED_SHARE);
    }

    /** Sets up a property for the page: each target number shown as a static tracking number of its own. */
    private static Map<String, String> configure(TestServer server, Fixtures fixtures, Account account, String key, Row row) {
        Map<String, String> tracking = new LinkedHashMap<>();
        server.database().jdbi().useTransaction(handle -> {
            Instant now = Instant.parse("2026-03-02T10:00:00Z");
            Property property = new PropertyStore(server.database().jdbi()).insert(handle, new Property(0, account.id(),
                    row.file(), key, List.of("127.0.0.1", "localhost"), row.country(), "UTC", "USD",
                    Property.AttributionModel.LAST_TOUCH, 1800, Property.ConsentMode.REQUIRED, false, now, now));
            int ordinal = 10;
            for (String target : row.targets()) {
                TargetNumber targetNumber = new PropertyStore(server.database().jdbi()).insertTarget(handle, account.id(),
                        property.id(), target, "target", now);
                String number = trackingNumberFor(target, row);
                TrackingNumber static_ = new io.calltrail.pool.PoolStore().insertNumber(handle, new TrackingNumber(0,
                        account.id(), property.id(), number, "tracking", "twilio", target, null, "Real-page test", now, null, TrackingNumber.CallerId.CALLER));
                new SourceRuleStore().insert(handle, new SourceRule(0, account.id(), property.id(), ordinal++, "all visits",
                        List.of(), targetNumber.id(), SourceRule.Action.NUMBER, null, static_.id(), now));
                tracking.put(target, number);
            }
        });
        return tracking;
    }

    /** A valid number of the same country and length, differing in its last digits, and on no list of the page. */
    private static final java.util.Set<String> USED = new java.util.HashSet<>();

    private static String trackingNumberFor(String target, Row row) {
        for (int suffix = 11; suffix < 99; suffix++) {
            String candidate = target.substring(0, target.length() - 2) + suffix;
            if (!candidate.equals(target) && !row.targets().contains(candidate) && !row.doNotSwap().contains(candidate)
                    && PhoneNumber.parse(candidate, row.country()).isPresent() && USED.add(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no tracking number found for " + target);
    }

    private static List<String> forms(String e164) {
        PhoneNumber number = new PhoneNumber(e164);
        String all = e164.substring(1);
        String nsn = all.substring(number.countryCode().length());
        List<String> forms = new ArrayList<>(List.of(all, nsn));
        if (!number.nationalPrefix().isEmpty() && !number.nationalPrefix().equals(number.countryCode())) {
            forms.add(number.nationalPrefix() + nsn);
        }
        return forms;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Long>> counts(Browser browser, Map<String, List<String>> numbers) {
        return (Map<String, List<Long>>) browser.js(COUNT, numbers);
    }

    private static boolean waitForSwap(Browser browser) {
        try {
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(driver ->
                    browser.js("return window.calltrail && window.calltrail.swappedAt && window.calltrail.swappedAt()") != null);
            return true;
        } catch (org.openqa.selenium.TimeoutException e) {
            return false;
        }
    }

    /** Puts the tag right after the opening head tag (or first in the document), leaving every other byte as it was. */
    private static byte[] inject(byte[] page, String tag) {
        String latin = new String(page, StandardCharsets.ISO_8859_1);
        Matcher head = Pattern.compile("<head[^>]*>", Pattern.CASE_INSENSITIVE).matcher(latin);
        int at = head.find() ? head.end() : 0;
        return (latin.substring(0, at) + tag + latin.substring(at)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Row> readManifest(Path manifest) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split("\t"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Map<String, String> cell = new LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < cells.length; i++) {
                cell.put(header.get(i), cells[i]);
            }
            Map<String, Integer> occurrences = new LinkedHashMap<>();
            for (String part : cell.get("occurrences").split(";")) {
                String[] kv = part.split("=");
                occurrences.put(kv[0].strip(), Integer.parseInt(kv[1].strip()));
            }
            String doNot = cell.getOrDefault("do_not_swap", "-").strip();
            rows.add(new Row(cell.get("file"), cell.get("country_code").strip().toUpperCase(Locale.ROOT),
                    List.of(cell.get("target_numbers").strip().split(";")), occurrences.getOrDefault("text", 0),
                    occurrences.getOrDefault("href", 0), doNot.equals("-") || doNot.isEmpty() ? List.of() : List.of(doNot.split(";"))));
        }
        return rows;
    }
}
