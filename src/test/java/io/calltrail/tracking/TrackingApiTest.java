package io.calltrail.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Account;
import io.calltrail.pool.Pool;
import io.calltrail.property.Property;
import io.calltrail.store.Database;
import io.calltrail.testing.Fixtures;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.tracking.SourceRule.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The public tracking API end to end over HTTP, on H2 and PostgreSQL. */
class TrackingApiTest {
    static final String TARGET = "+15125550100";
    static final String FALLBACK = "+17375559999";
    static final String YELP = "+17375558888";
    static final String ORIGIN = "https://www.example.com";

    private TestServer server;
    private MutableClock clock;
    private Property property;
    private Pool pool;
    private String apiKey;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind, Map<String, String> settings) {
        clock = MutableClock.at("2026-05-04T15:00:00Z");
        server = TestServer.start(kind, clock, settings);
        Fixtures fixtures = new Fixtures(server.database());
        Account account = fixtures.account("Plumber");
        apiKey = fixtures.apiKey(account);
        property = fixtures.property(account, "site");
        fixtures.target(property, TARGET);
        pool = fixtures.pool(property, 3, 100, Pool.OverflowPolicy.FALLBACK, 1800, 1800, FALLBACK);
        long yelp = fixtures.staticNumber(property, YELP, "Yelp listing").id();
        fixtures.rule(property, 10, List.of(new Condition(Condition.Field.CLICK_ID, Condition.Operator.PRESENT, "gclid")),
                SourceRule.Action.POOL, pool.id(), null);
        fixtures.rule(property, 20, List.of(new Condition(Condition.Field.UTM_SOURCE, Condition.Operator.EQUALS, "yelp")),
                SourceRule.Action.NUMBER, null, yelp);
        fixtures.rule(property, 30, List.of(new Condition(Condition.Field.REFERRER_DOMAIN, Condition.Operator.EQUALS, "yelp.com")),
                SourceRule.Action.NUMBER, null, yelp);
    }

    private void start(Database.Kind kind) {
        start(kind, Map.of());
    }

    private JsonNode open(String session, String url, String consent, String... headers) {
        String body = "{\"property\":\"site\",\"session\":" + (session == null ? "null" : "\"" + session + "\"")
                + ",\"url\":\"" + url + "\",\"referrer\":null" + (consent == null ? "" : ",\"consent\":" + consent) + "}";
        TestClient.Answer answer = server.post("/v1/sessions", body, headers);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static String shown(JsonNode opened) {
        return opened.get("numbers").isEmpty() ? null : opened.get("numbers").get(0).get("tracking").asText();
    }

    private static final String GRANTED = "{\"ad_storage\":\"granted\",\"analytics_storage\":\"granted\"}";
    private static final String DENIED = "{\"ad_storage\":\"denied\",\"analytics_storage\":\"denied\"}";

    private int count(String sql) {
        return server.database().jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(Integer.class).one());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void sessionKeepsItsNumberOnEveryPageWhileActive(Database.Kind kind) {
        start(kind);
        JsonNode first = open(null, "https://www.example.com/?gclid=abc", GRANTED);
        assertThat(first.get("numbers").get(0).get("target").asText()).isEqualTo(TARGET);
        assertThat(shown(first)).isEqualTo("+17375550100");
        assertThat(first.get("ttl").asInt()).isEqualTo(1800);
        clock.advance(Duration.ofMinutes(20));
        JsonNode again = open(first.get("session").asText(), "https://www.example.com/contact", GRANTED);
        assertThat(again.get("session").asText()).isEqualTo(first.get("session").asText());
        assertThat(shown(again)).isEqualTo("+17375550100");
        assertThat(count("SELECT COUNT(*) FROM lease")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void activityIsWrittenAtMostOnceAMinutePerSession(Database.Kind kind) {
        start(kind);
        String session = open(null, "https://www.example.com/?gclid=abc", GRANTED).get("session").asText();
        String lastSeen = "SELECT COUNT(*) FROM visit_session WHERE last_seen_at = :at";
        java.time.Instant opened = clock.instant();
        clock.advance(Duration.ofSeconds(40));
        assertThat(shown(open(session, "https://www.example.com/a", GRANTED))).isEqualTo("+17375550100");
        assertThat(count(lastSeen, opened)).isEqualTo(1);
        assertThat(count("SELECT requests FROM visit_session")).isEqualTo(1);
        // a change of consent is written at once
        open(session, "https://www.example.com/b", DENIED);
        assertThat(count("SELECT requests FROM visit_session")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(61));
        assertThat(shown(open(session, "https://www.example.com/c", DENIED))).isEqualTo("+17375550100");
        assertThat(count(lastSeen, clock.instant())).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM lease WHERE idle_until = :at", clock.instant().plusSeconds(1800))).isEqualTo(1);
    }

    private int count(String sql, java.time.Instant at) {
        return server.database().jdbi().withHandle(handle -> handle.createQuery(sql).bind("at", at).mapTo(Integer.class).one());
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void expiredSessionStartsANewVisitOfTheSameVisitor(Database.Kind kind) {
        start(kind);
        String first = open(null, "https://www.example.com/?gclid=abc", GRANTED).get("session").asText();
        clock.advance(Duration.ofMinutes(31));
        String second = open(first, "https://www.example.com/", GRANTED).get("session").asText();
        assertThat(second).isNotEqualTo(first);
        String visitor = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT visitor_id FROM visit_session WHERE id = :id").bind("id", second).mapTo(String.class).one());
        assertThat(visitor).isEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void consentlessVisitorIsRecognisedWithinTheDayByKeyedHashOnly(Database.Kind kind) {
        start(kind);
        JsonNode first = open(null, "https://www.example.com/?gclid=abc", DENIED);
        clock.advance(Duration.ofMinutes(5));
        JsonNode again = open(null, "https://www.example.com/services", DENIED);
        assertThat(again.get("session").asText()).isEqualTo(first.get("session").asText());
        assertThat(shown(again)).isEqualTo(shown(first));
        // another browser on the same address is another visitor
        JsonNode other = open(null, "https://www.example.com/?gclid=xyz", DENIED, "User-Agent", TestClient.BROWSER + " Edg/156");
        assertThat(other.get("session").asText()).isNotEqualTo(first.get("session").asText());
        // no first-party id is kept without consent, and the hash is the only link
        assertThat(count("SELECT COUNT(*) FROM visit_session WHERE visitor_id IS NOT NULL")).isZero();
        assertThat(count("SELECT COUNT(*) FROM visit_session WHERE visitor_hash IS NOT NULL")).isEqualTo(2);
        // two days later the salt is gone and the hashes are unlinked
        clock.advance(Duration.ofHours(49));
        open(null, "https://www.example.com/", DENIED);
        new io.calltrail.privacy.VisitorHasher(server.database().jdbi(), clock).purgeOldSalts();
        assertThat(count("SELECT COUNT(*) FROM visitor_salt")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM visit_session WHERE visitor_hash IS NOT NULL")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void globalPrivacyControlIsRecordedAndDeniedAdStorageKeepsNoClickIds(Database.Kind kind) {
        start(kind);
        String body = "{\"property\":\"site\",\"url\":\"https://www.example.com/?gclid=Cj0abc&utm_source=google\","
                + "\"consent\":{\"ad_storage\":\"denied\",\"analytics_storage\":\"granted\"},\"gpc\":true}";
        JsonNode opened = server.post("/v1/sessions", body).json();
        assertThat(shown(opened)).as("the click id still chooses the number").isEqualTo("+17375550100");
        var row = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT gpc, gclid, utm_source, landing_url FROM visit_session").mapToMap().one());
        assertThat(row.get("landing_url")).isEqualTo("https://www.example.com/?utm_source=google");
        assertThat(row.get("gpc")).isEqualTo(true);
        assertThat(row.get("gclid")).isNull();
        assertThat(row.get("utm_source")).isEqualTo("google");
        assertThat(server.post("/v1/sessions", "{\"property\":\"site\",\"gpc\":\"yes\"}").status()).isEqualTo(422);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void requestWithStorageConsentAndNoSessionIsANewVisitor(Database.Kind kind) {
        start(kind);
        String first = open(null, "https://www.example.com/?gclid=a", GRANTED).get("session").asText();
        String second = open(null, "https://www.example.com/?gclid=a", GRANTED).get("session").asText();
        assertThat(second).isNotEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void sourceRulesPickPoolStaticNumberOrNothing(Database.Kind kind) {
        start(kind);
        assertThat(shown(open(null, "https://www.example.com/?utm_source=yelp&utm_medium=listing", GRANTED))).isEqualTo(YELP);
        assertThat(shown(open(null, "https://www.example.com/?gclid=Cj0", GRANTED))).isEqualTo("+17375550100");
        assertThat(open(null, "https://www.example.com/", GRANTED).get("numbers")).isEmpty();
        String body = "{\"property\":\"site\",\"url\":\"https://www.example.com/\",\"referrer\":\"https://m.yelp.com/biz/x\",\"consent\":" + GRANTED + "}";
        assertThat(shown(server.post("/v1/sessions", body).json())).isEqualTo(YELP);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void firstTouchKeepsTheVisitorsFirstSourceOnLaterVisits(Database.Kind kind) {
        start(kind);
        assertThat(server.api("PATCH", "/api/v1/properties/" + property.id(), apiKey, "{\"attribution_model\":\"first_touch\"}").status())
                .isEqualTo(200);
        String first = open(null, "https://www.example.com/?utm_source=yelp", GRANTED).get("session").asText();
        clock.advance(Duration.ofHours(3));
        JsonNode later = open(first, "https://www.example.com/", GRANTED);
        assertThat(later.get("session").asText()).isNotEqualTo(first);
        assertThat(shown(later)).isEqualTo(YELP);

        server.api("PATCH", "/api/v1/properties/" + property.id(), apiKey, "{\"attribution_model\":\"last_touch\"}");
        clock.advance(Duration.ofHours(3));
        assertThat(open(later.get("session").asText(), "https://www.example.com/", GRANTED).get("numbers")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void botsAreShownTheFallbackAndLeaseNothing(Database.Kind kind) {
        start(kind);
        JsonNode bot = open(null, "https://www.example.com/?gclid=abc", null, "User-Agent",
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        assertThat(bot.get("session").isNull()).isTrue();
        assertThat(shown(bot)).isEqualTo(FALLBACK);
        assertThat(count("SELECT COUNT(*) FROM lease")).isZero();
        assertThat(count("SELECT COUNT(*) FROM visit_session")).isZero();
        assertThat(server.get("/metrics").body()).contains("calltrail_tracking_refused_total{reason=\"bot\"} 1.0");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void rateLimitStopsOneAddressFromDrainingThePool(Database.Kind kind) {
        start(kind, Map.of("tracking.rateLimitPerMinute", "3"));
        for (int i = 0; i < 3; i++) {
            open(null, "https://www.example.com/?gclid=" + i, GRANTED);
        }
        TestClient.Answer limited = server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"https://www.example.com/?gclid=z\",\"consent\":" + GRANTED + "}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("20");
        assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
        assertThat(count("SELECT COUNT(*) FROM lease")).isEqualTo(3);
        clock.advance(Duration.ofSeconds(21));
        open(null, "https://www.example.com/", GRANTED);
        assertThat(server.get("/metrics").body()).contains("calltrail_tracking_refused_total{reason=\"rate_limited\"} 1.0");
    }

    private int loadedEvents() {
        assertThat(server.server().awaitEventsLoaded(Duration.ofSeconds(10))).isTrue();
        return count("SELECT COUNT(*) FROM tracking_event");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void eventsAreStoredOnceAndBatchesAllOrNothing(Database.Kind kind) {
        start(kind);
        String session = open(null, "https://www.example.com/?gclid=abc", GRANTED).get("session").asText();
        String click = UUID.randomUUID().toString();
        String event = "{\"type\":\"tel_click\",\"id\":\"" + click + "\",\"property\":\"site\",\"session\":\"" + session
                + "\",\"url\":\"https://www.example.com/\",\"number\":\"(737) 555-0100\",\"at\":1777906800000}";
        TestClient.Answer stored = server.post("/v1/events", event, "Content-Type", "text/plain;charset=UTF-8", "Origin", ORIGIN);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(stored.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(loadedEvents()).isEqualTo(1);
        var row = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT type, session_id, number_clicked, url FROM tracking_event").mapToMap().one());
        assertThat(row).containsEntry("type", "tel_click").containsEntry("session_id", session)
                .containsEntry("number_clicked", "(737) 555-0100").containsEntry("url", "https://www.example.com/");
        // the browser retried: absorbed
        assertThat(server.post("/v1/events", event, "Content-Type", "text/plain").status()).isEqualTo(200);
        assertThat(loadedEvents()).isEqualTo(1);
        String view = "{\"type\":\"page_view\",\"id\":\"" + UUID.randomUUID() + "\",\"property\":\"site\",\"session\":\"" + session
                + "\",\"url\":\"https://www.example.com/about\",\"at\":1777906801000}";
        String broken = "{\"type\":\"page_view\",\"id\":\"not-a-uuid\",\"property\":\"site\",\"session\":\"" + session + "\",\"at\":1777906802000}";
        TestClient.Answer refused = server.post("/v1/events", "[" + view + "," + broken + "]", "Content-Type", "text/plain");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("field").asText()).isEqualTo("events[1].id");
        assertThat(loadedEvents()).isEqualTo(1);
        TestClient.Answer batch = server.post("/v1/events", "[" + view + "," + event + "]", "Content-Type", "text/plain");
        assertThat(batch.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(loadedEvents()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void concurrentRetriesOfOneEventStoreItOnce(Database.Kind kind) throws Exception {
        start(kind);
        String session = open(null, "https://www.example.com/?gclid=abc", GRANTED).get("session").asText();
        String event = "{\"type\":\"cta_click\",\"id\":\"" + UUID.randomUUID() + "\",\"property\":\"site\",\"session\":\"" + session
                + "\",\"at\":1777906800000}";
        var threads = java.util.concurrent.Executors.newFixedThreadPool(16);
        var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
        for (int i = 0; i < 50; i++) {
            answers.add(threads.submit(() -> server.post("/v1/events", event, "Content-Type", "text/plain").status()));
        }
        for (var answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }
        threads.shutdown();
        assertThat(loadedEvents()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void ampGetsALeasedNumberInAmpFormat(Database.Kind kind) {
        start(kind);
        TestClient.Answer answer = server.get("/v1/amp/site?url=https%3A%2F%2Fwww.example.com%2F%3Fgclid%3Damp&__amp_source_origin="
                + "https%3A%2F%2Fwww.example.com", "Origin", "https://www-example-com.cdn.ampproject.org");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("phoneNumber").asText()).isEqualTo("+17375550100");
        assertThat(answer.json().get("formattedPhoneNumber").asText()).isEqualTo("(737) 555-0100");
        assertThat(answer.header("AMP-Access-Control-Allow-Source-Origin")).isEqualTo("https://www.example.com");
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo("https://www-example-com.cdn.ampproject.org");
        // a page without an ad click shows the business's own number
        TestClient.Answer plain = server.get("/v1/amp/site", "User-Agent", TestClient.BROWSER + " other");
        assertThat(plain.json().get("phoneNumber").asText()).isEqualTo(TARGET);
        assertThat(plain.json().get("formattedPhoneNumber").asText()).isEqualTo("(512) 555-0100");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void corsAllowsOnlyThePropertysDomains(Database.Kind kind) {
        start(kind);
        TestClient.Answer preflight = server.send("OPTIONS", "/v1/sessions", null, "Origin", ORIGIN,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        String body = "{\"property\":\"site\",\"url\":\"https://www.example.com/\"}";
        TestClient.Answer allowed = server.post("/v1/sessions", body, "Origin", "http://localhost:3000");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
        TestClient.Answer foreign = server.post("/v1/sessions", body, "Origin", "https://example.com.evil.net");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().get("error").asText()).isEqualTo("foreign_origin");
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void metricsShowRequestsPoolUseAndLeases(Database.Kind kind) throws Exception {
        start(kind);
        open(null, "https://www.example.com/?gclid=abc", GRANTED);
        for (int i = 0; i < 3; i++) {
            open(null, "https://www.example.com/?gclid=" + i, GRANTED);
        }
        // The fourth visit found the pool's three numbers taken: on record with its session, which was answered.
        String lastSession = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT id FROM visit_session WHERE gclid = '2'").mapTo(String.class).one());
        List<String> exhaustedSessions = server.database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT session_id FROM pool_exhaustion WHERE pool_id = :pool").bind("pool", pool.id())
                .mapTo(String.class).list());
        assertThat(exhaustedSessions).containsExactly(lastSession);
        // requests are timed once answered: wait until the fourth one is on the books
        String metrics = "";
        for (int i = 0; i < 50 && !metrics.contains("route=\"/v1/sessions\",status=\"200\"} 4"); i++) {
            Thread.sleep(20);
            metrics = server.get("/metrics").body();
        }
        assertThat(metrics).contains("calltrail_http_requests_seconds_count{method=\"POST\",route=\"/v1/sessions\",status=\"200\"} 4");
        assertThat(metrics).contains("calltrail_leases_total{kind=\"new\",pool=\"" + pool.id() + "\"} 3.0");
        assertThat(metrics).contains("calltrail_pool_exhaustions_total{pool=\"" + pool.id() + "\"} 1.0");
        assertThat(metrics).contains("calltrail_pool_numbers{");
    }
}
