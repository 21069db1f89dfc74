package io.calltrail.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calltrail.account.Role;
import io.calltrail.store.Database;
import io.calltrail.testing.MutableClock;
import io.calltrail.testing.TestClient;
import io.calltrail.testing.TestServer;
import io.calltrail.testing.WebUser;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The set-up pages over HTTP, as a signed-in browser uses them, on H2 and PostgreSQL. */
class SetupPagesTest {
    private static final Pattern SECRET = Pattern.compile("<pre class=\"secret\" id=\"[a-z]+\">([^<]+)</pre>");

    private TestServer server;
    private MutableClock clock;
    private String ownerKey;
    private long account;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Kind kind) {
        clock = MutableClock.at("2026-06-01T12:00:00Z");
        server = TestServer.start(kind, clock, Map.of());
        ownerKey = server.ownerKey();
        account = server.ownerAccountId();
    }

    private WebUser admin() {
        return WebUser.signedIn(server, "ana@example.com", account, Role.ADMIN);
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    /** Posts a form and expects POST/redirect/GET; answers where it redirects to. */
    private static String saved(WebUser user, String path, Map<String, String> form) {
        TestClient.Answer answer = user.post(path, form);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(303);
        return answer.header("Location");
    }

    private static long lastId(String location) {
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private JsonNode api(String path) {
        TestClient.Answer answer = server.api("GET", path, ownerKey, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private long propertyByApi(String key, String publicKey) {
        TestClient.Answer created = server.api("POST", "/api/v1/properties", key, "{\"name\":\"Plumbing\",\"public_key\":\"" + publicKey
                + "\",\"domains\":[\"example.com\"],\"country\":\"US\",\"time_zone\":\"America/Chicago\",\"currency\":\"USD\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private static Map<String, String> propertyForm(String name, String publicKey) {
        return form("name", name, "domains", "example.com, www.example.com", "country", "US", "time_zone", "America/Chicago",
                "currency", "USD", "attribution_model", "last_touch", "consent_mode", "required", "session_timeout_seconds", "1800",
                "public_key", publicKey);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anAdminSetsUpASiteThroughTheFormsAndTheApiSeesIt(Database.Kind kind) {
        start(kind);
        WebUser ana = admin();
        assertThat(ana.get("/app/setup").body()).contains("href=\"/app/setup/properties\"", "Getting started");
        assertThat(ana.get("/app/setup/properties/new").status()).isEqualTo(200);

        String propertyPage = saved(ana, "/app/setup/properties", propertyForm("Hill Country Plumbing", "hill-country"));
        long property = lastId(propertyPage);
        String shown = ana.get(propertyPage).body();
        assertThat(shown).contains("Property “Hill Country Plumbing” added",
                "&lt;script src=&quot;http://127.0.0.1:" + server.server().port() + "/s/hill-country.js&quot; async&gt;&lt;/script&gt;",
                "<button type=\"button\" data-copy=\"#snippet\" hidden>Copy</button>", "readonly");
        assertThat(ana.get(propertyPage).body()).as("a notice is shown once").doesNotContain("added");
        assertThat(ana.get("/app/setup/properties").body()).contains("Hill Country Plumbing", "example.com, www.example.com");
        JsonNode fromApi = api("/api/v1/properties/" + property);
        assertThat(fromApi.get("domains")).extracting(JsonNode::asText).containsExactly("example.com", "www.example.com");
        assertThat(fromApi.get("time_zone").asText()).isEqualTo("America/Chicago");

        saved(ana, "/app/setup/target-numbers", form("property_id", Long.toString(property), "number", "(512) 555-0100", "label", "Main line"));
        assertThat(ana.get("/app/setup/target-numbers").body()).contains("+1 512-555-0100", "Main line", "Hill Country Plumbing");
        assertThat(api("/api/v1/target-numbers?property=" + property).get(0).get("e164").asText()).isEqualTo("+15125550100");

        String poolPage = saved(ana, "/app/setup/pools", form("property_id", Long.toString(property), "name", "Google Ads",
                "idle_timeout_seconds", "900", "linger_seconds", "600", "overflow_policy", "reuse-oldest", "fallback_number", "(512) 555-0199"));
        long pool = lastId(poolPage);
        for (String number : List.of("+1 737 555 0101", "(737) 555-0102")) {
            String back = saved(ana, "/app/setup/tracking-numbers", form("property_id", Long.toString(property), "number", number,
                    "forward_to", "512-555-0100", "pool_id", Long.toString(pool), "provider", "twilio", "caller_id", "caller",
                    "source_name", "", "whisper", "", "recording_announcement", "This call may be recorded."));
            assertThat(back).isEqualTo(poolPage);
        }
        assertThat(ana.get(poolPage).body()).contains("+1 737-555-0101", "+1 737-555-0102");
        JsonNode poolFromApi = api("/api/v1/pools/" + pool);
        assertThat(poolFromApi.get("idle_timeout_seconds").asInt()).isEqualTo(900);
        assertThat(poolFromApi.get("linger_seconds").asInt()).isEqualTo(600);
        assertThat(poolFromApi.get("overflow_policy").asText()).isEqualTo("reuse-oldest");
        assertThat(poolFromApi.get("fallback_e164").asText()).isEqualTo("+15125550199");
        assertThat(api("/api/v1/tracking-numbers?pool=" + pool)).hasSize(2);

        saved(ana, "/app/setup/source-rules", form("property_id", Long.toString(property), "name", "Google Ads clicks", "ordinal", "",
                "conditions[0].field", "", "conditions[0].operator", "", "conditions[0].value", "",
                "conditions[1].field", "click_id", "conditions[1].operator", "present", "conditions[1].value", "gclid",
                "target_number_id", "", "action", "pool", "pool_id", Long.toString(pool), "tracking_number_id", ""));
        assertThat(ana.get("/app/setup/source-rules").body()).contains("Google Ads clicks", "gclid is present", "a number from the pool Google Ads");
        JsonNode rule = api("/api/v1/source-rules?property=" + property).get(0);
        assertThat(rule.get("conditions")).hasSize(1);
        assertThat(rule.get("conditions").get(0).get("value").asText()).isEqualTo("gclid");
        assertThat(rule.get("action").asText()).isEqualTo("pool");
        assertThat(rule.get("pool_id").asLong()).isEqualTo(pool);

        saved(ana, "/app/setup/conversion-actions", form("property_id", Long.toString(property), "name", "Qualified call", "kind", "call",
                "min_talk_seconds", "90", "answered_only", "true", "attribution_methods", "lease, linger", "min_confidence", "0",
                "counting", "one", "click_window_days", "30", "value", "45.50", "currency", "", "value_source", "fixed",
                "outcome_statuses", "qualified, won", "sources_included", "", "sources_excluded", "", "google_conversion_id", "",
                "export_min_confidence", "0.9"));
        assertThat(ana.get("/app/setup/conversion-actions").body()).contains("Qualified call", "answered calls, 90 s or longer",
                "45.50 USD");
        JsonNode action = api("/api/v1/conversion-actions?property=" + property).get(0);
        assertThat(action.get("min_talk_seconds").asInt()).isEqualTo(90);
        assertThat(action.get("answered_only").asBoolean()).isTrue();
        assertThat(action.get("first_time_only").asBoolean()).isFalse();
        assertThat(action.get("attribution_methods")).extracting(JsonNode::asText).containsExactly("lease", "linger");
        assertThat(action.get("counting").asText()).isEqualTo("one");
        assertThat(action.get("value").decimalValue()).isEqualByComparingTo("45.50");
        assertThat(action.get("currency").asText()).as("the property's currency").isEqualTo("USD");

        // every change is in the audit log, made by the signed-in user
        long anaId = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM app_user WHERE email = 'ana@example.com'")
                .mapTo(Long.class).one());
        JsonNode entries = api("/api/v1/audit?actor=" + java.net.URLEncoder.encode("user:" + anaId, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(entries).extracting(entry -> entry.get("target_type").asText())
                .contains("property", "target_number", "pool", "tracking_number", "source_rule", "conversion_action");
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("actor").asText()).isEqualTo("user:" + anaId + " (ana@example.com)");
            assertThat(entry.get("actor_role").asText()).isEqualTo("admin");
        });
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void editPagesShowTheCurrentSettingsAndSaveOnlyWhatChanged(Database.Kind kind) {
        start(kind);
        long property = propertyByApi(ownerKey, "site");
        long target = server.api("POST", "/api/v1/target-numbers", ownerKey, "{\"property_id\":" + property
                + ",\"number\":\"+15125550100\",\"label\":\"Main line\"}").json().get("id").asLong();
        long pool = server.api("POST", "/api/v1/pools", ownerKey, "{\"property_id\":" + property + ",\"name\":\"Ads\"}").json().get("id").asLong();
        long number = server.api("POST", "/api/v1/tracking-numbers", ownerKey, "{\"property_id\":" + property
                + ",\"number\":\"+17375550101\",\"forward_to\":\"+15125550100\",\"pool_id\":" + pool + "}").json().get("id").asLong();
        long yelp = server.api("POST", "/api/v1/tracking-numbers", ownerKey, "{\"property_id\":" + property
                + ",\"number\":\"+17375550199\",\"forward_to\":\"+15125550100\",\"source_name\":\"Yelp listing\"}").json().get("id").asLong();
        long rule = server.api("POST", "/api/v1/source-rules", ownerKey, "{\"property_id\":" + property + ",\"name\":\"Yelp\","
                + "\"conditions\":[{\"field\":\"utm_source\",\"value\":\"yelp\"}],\"action\":\"number\",\"tracking_number_id\":" + yelp + "}")
                .json().get("id").asLong();
        long action = server.api("POST", "/api/v1/conversion-actions", ownerKey, "{\"property_id\":" + property + ",\"name\":\"Call\"}")
                .json().get("id").asLong();
        WebUser ana = admin();

        // every page answers, with what it is about
        Map<String, String> pages = Map.ofEntries(
                Map.entry("/app/setup/properties", "Plumbing"), Map.entry("/app/setup/properties/" + property, "value=\"America/Chicago\""),
                Map.entry("/app/setup/target-numbers", "Main line"), Map.entry("/app/setup/target-numbers/new?property=" + property, "Add a target number"),
                Map.entry("/app/setup/target-numbers/" + target, "value=\"+1 512-555-0100\""),
                Map.entry("/app/setup/pools", "Ads"), Map.entry("/app/setup/pools/new", "value=\"1800\""),
                Map.entry("/app/setup/pools/" + pool, "+1 737-555-0101"),
                Map.entry("/app/setup/tracking-numbers", "Source: Yelp listing"),
                Map.entry("/app/setup/tracking-numbers/new?pool=" + pool, "<option value=\"" + pool + "\" selected>"),
                Map.entry("/app/setup/tracking-numbers/" + yelp, "value=\"Yelp listing\""),
                Map.entry("/app/setup/source-rules", "utm_source equals yelp"), Map.entry("/app/setup/source-rules/new", "Add a source rule"),
                Map.entry("/app/setup/source-rules/" + rule, "name=\"conditions[0].value\" value=\"yelp\""),
                Map.entry("/app/setup/conversion-actions", "answered calls, 60 s or longer"),
                Map.entry("/app/setup/conversion-actions/new", "value=\"60\""),
                Map.entry("/app/setup/conversion-actions/" + action, "a phone call (this cannot change)"),
                Map.entry("/app/setup/credentials", "Add or replace a credential"), Map.entry("/app/setup/api-keys", "Make a key"),
                Map.entry("/app/setup/webhooks", "No webhook yet"), Map.entry("/app/setup/webhooks/new", "call.completed"));
        pages.forEach((path, expected) -> {
            TestClient.Answer page = ana.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains(expected);
        });

        // recording turned on through the form: saved, and audit-logged as a recording change of its own
        ana.get("/app/setup/tracking-numbers/" + number);
        saved(ana, "/app/setup/tracking-numbers/" + number, form("number", "+1 737-555-0101", "forward_to", "+1 512-555-0100",
                "name", "Ads 1", "provider", "twilio", "pool_id", Long.toString(pool), "source_name", "", "whisper", "Google Ads call",
                "caller_id", "tracking", "record_calls", "true", "recording_announcement", "Calls are recorded for training."));
        JsonNode saved = api("/api/v1/tracking-numbers/" + number);
        assertThat(saved.get("record_calls").asBoolean()).isTrue();
        assertThat(saved.get("whisper").asText()).isEqualTo("Google Ads call");
        assertThat(saved.get("caller_id").asText()).isEqualTo("tracking");
        assertThat(api("/api/v1/audit?action=recording.change").get(0).get("details").get("recording_announcement").asText())
                .isEqualTo("Calls are recorded for training.");
        // taken out of its pool and bound to a source instead
        saved(ana, "/app/setup/tracking-numbers/" + number, form("number", "+1 737-555-0101", "forward_to", "+1 512-555-0100",
                "pool_id", "", "source_name", "Flyer", "caller_id", "caller"));
        JsonNode moved = api("/api/v1/tracking-numbers/" + number);
        assertThat(moved.get("pool_id").isNull()).isTrue();
        assertThat(moved.get("source_name").asText()).isEqualTo("Flyer");
        assertThat(moved.get("record_calls").asBoolean()).as("an unticked box").isFalse();

        // a rule's conditions are replaced by the rows sent; the rest stays
        saved(ana, "/app/setup/source-rules/" + rule, form("name", "Yelp", "ordinal", "5", "action", "number",
                "tracking_number_id", Long.toString(yelp), "target_number_id", Long.toString(target), "pool_id", "",
                "conditions[0].field", "referrer_domain", "conditions[0].operator", "equals", "conditions[0].value", "yelp.com",
                "conditions[1].field", "", "conditions[1].operator", "", "conditions[1].value", ""));
        JsonNode changed = api("/api/v1/source-rules/" + rule);
        assertThat(changed.get("ordinal").asInt()).isEqualTo(5);
        assertThat(changed.get("target_number_id").asLong()).isEqualTo(target);
        assertThat(changed.get("conditions")).hasSize(1);
        assertThat(changed.get("conditions").get(0).get("field").asText()).isEqualTo("referrer_domain");
        // a condition the API refuses is shown in its own row
        TestClient.Answer badRow = ana.post("/app/setup/source-rules/" + rule, form("name", "Yelp", "action", "number",
                "tracking_number_id", Long.toString(yelp), "conditions[0].field", "utm_source", "conditions[0].operator", "equals",
                "conditions[0].value", "yelp", "conditions[1].field", "click_id", "conditions[1].operator", "contains", "conditions[1].value", "gclid"));
        assertThat(badRow.status()).isEqualTo(422);
        assertThat(badRow.body()).contains("a click_id condition is &#39;present&#39;", "name=\"conditions[1].value\" value=\"gclid\"");

        // the conversion action's kind cannot change; its rules can
        saved(ana, "/app/setup/conversion-actions/" + action, form("name", "Call", "kind", "tel_click", "min_talk_seconds", "30",
                "attribution_methods", "lease", "min_confidence", "0.5", "counting", "every", "click_window_days", "30",
                "value_source", "fixed", "outcome_statuses", "qualified", "export_min_confidence", "0.9", "first_time_only", "true"));
        JsonNode actionNow = api("/api/v1/conversion-actions/" + action);
        assertThat(actionNow.get("kind").asText()).isEqualTo("call");
        assertThat(actionNow.get("min_talk_seconds").asInt()).isEqualTo(30);
        assertThat(actionNow.get("first_time_only").asBoolean()).isTrue();
        assertThat(actionNow.get("answered_only").asBoolean()).isFalse();
        assertThat(actionNow.get("rule_version").asInt()).isEqualTo(2);

        // a property still in use is not deleted: the page says why
        TestClient.Answer inUse = ana.post("/app/setup/properties/" + property + "/delete", Map.of());
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body()).contains("cannot delete: the property still has");
        // what nothing refers to goes
        assertThat(saved(ana, "/app/setup/source-rules/" + rule + "/delete", Map.of())).isEqualTo("/app/setup/source-rules");
        assertThat(server.api("GET", "/api/v1/source-rules/" + rule, ownerKey, null).status()).isEqualTo(404);
        assertThat(ana.get("/app/setup/source-rules").body()).contains("Source rule “Yelp” deleted.");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aRefusedFormComesBackWithTheMessageByItsFieldAndTheInputKept(Database.Kind kind) {
        start(kind);
        long property = propertyByApi(ownerKey, "site");
        WebUser ana = admin();
        ana.get("/app/setup/target-numbers/new");
        TestClient.Answer refused = ana.post("/app/setup/target-numbers", form("property_id", Long.toString(property),
                "number", "555-12", "label", "Sales line"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body()).contains("<label class=\"field-error\">Number", "class=\"field-message\">number &#39;555-12&#39; is not a valid phone number for country US",
                "value=\"555-12\"", "value=\"Sales line\"", "<option value=\"" + property + "\" selected>", "Not saved.");
        assertThat(api("/api/v1/target-numbers")).isEmpty();

        TestClient.Answer badZone = ana.post("/app/setup/properties", propertyForm("Second site", "").entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        entry -> entry.getKey().equals("time_zone") ? "Mars/Olympus" : entry.getValue())));
        assertThat(badZone.status()).isEqualTo(422);
        assertThat(badZone.body()).contains("time_zone &#39;Mars/Olympus&#39; is not an IANA time zone", "value=\"Second site\"",
                "value=\"example.com, www.example.com\"", "value=\"Mars/Olympus\"");

        // a conflict keeps its status: the number is taken
        long pool = server.api("POST", "/api/v1/pools", ownerKey, "{\"property_id\":" + property + ",\"name\":\"Ads\"}").json().get("id").asLong();
        server.api("POST", "/api/v1/tracking-numbers", ownerKey, "{\"property_id\":" + property
                + ",\"number\":\"+17375550101\",\"forward_to\":\"+15125550100\",\"pool_id\":" + pool + "}");
        TestClient.Answer taken = ana.post("/app/setup/tracking-numbers", form("property_id", Long.toString(property),
                "number", "+1 737 555 0101", "forward_to", "512 555 0100", "pool_id", ""));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.body()).contains("is already a tracking number", "value=\"+1 737 555 0101\"");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void viewersGet403OnEverySetupPageAndAdminsOnUsers(Database.Kind kind) {
        start(kind);
        long property = propertyByApi(ownerKey, "site");
        WebUser viewer = WebUser.signedIn(server, "vic@example.com", account, Role.VIEWER);
        assertThat(viewer.get("/app").body()).doesNotContain("href=\"/app/setup\"");
        for (String path : List.of("/app/setup", "/app/setup/properties", "/app/setup/properties/new", "/app/setup/properties/" + property,
                "/app/setup/pools", "/app/setup/tracking-numbers/new", "/app/setup/source-rules", "/app/setup/conversion-actions",
                "/app/setup/credentials", "/app/setup/api-keys", "/app/setup/users", "/app/setup/webhooks")) {
            TestClient.Answer answer = viewer.get(path);
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.body()).as(path).contains("Not allowed");
        }
        viewer.get("/app");
        for (String path : List.of("/app/setup/properties", "/app/setup/properties/" + property, "/app/setup/properties/" + property + "/delete",
                "/app/setup/api-keys", "/app/setup/credentials", "/app/setup/users")) {
            assertThat(viewer.post(path, propertyForm("Taken over", "taken")).status()).as(path).isEqualTo(403);
        }
        assertThat(api("/api/v1/properties")).hasSize(1);
        assertThat(api("/api/v1/properties/" + property).get("name").asText()).isEqualTo("Plumbing");

        WebUser ana = admin();
        assertThat(ana.get("/app/setup/users").status()).as("users are for owners").isEqualTo(403);
        assertThat(ana.get("/app/setup").body()).doesNotContain("href=\"/app/setup/users\"");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void aPostWithoutTheCsrfTokenIsRefused(Database.Kind kind) {
        start(kind);
        WebUser ana = admin();
        ana.get("/app/setup/properties/new");
        TestClient.Answer forged = ana.postRaw("/app/setup/properties", propertyForm("Forged", "forged"));
        assertThat(forged.status()).isEqualTo(403);
        Map<String, String> wrong = new HashMap<>(propertyForm("Forged", "forged"));
        wrong.put("_csrf", "not-the-token");
        assertThat(ana.postRaw("/app/setup/properties", wrong).status()).isEqualTo(403);
        assertThat(api("/api/v1/properties")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anotherAccountsIdsAnswer404(Database.Kind kind) {
        start(kind);
        String other = server.api("POST", "/api/v1/accounts", ownerKey, "{\"name\":\"Client\"}").json().get("api_key").get("secret").asText();
        long property = propertyByApi(other, "client-site");
        long target = server.api("POST", "/api/v1/target-numbers", other, "{\"property_id\":" + property + ",\"number\":\"+15125550100\"}")
                .json().get("id").asLong();
        long pool = server.api("POST", "/api/v1/pools", other, "{\"property_id\":" + property + ",\"name\":\"Ads\"}").json().get("id").asLong();
        long number = server.api("POST", "/api/v1/tracking-numbers", other, "{\"property_id\":" + property
                + ",\"number\":\"+17375550101\",\"forward_to\":\"+15125550100\",\"pool_id\":" + pool + "}").json().get("id").asLong();
        long rule = server.api("POST", "/api/v1/source-rules", other, "{\"property_id\":" + property
                + ",\"name\":\"All\",\"action\":\"pool\",\"pool_id\":" + pool + "}").json().get("id").asLong();
        long action = server.api("POST", "/api/v1/conversion-actions", other, "{\"property_id\":" + property + ",\"name\":\"Call\"}")
                .json().get("id").asLong();

        WebUser ana = admin();
        Map<String, Long> theirs = Map.of("properties", property, "target-numbers", target, "pools", pool, "tracking-numbers", number,
                "source-rules", rule, "conversion-actions", action);
        ana.get("/app/setup");
        theirs.forEach((kindOf, id) -> {
            String path = "/app/setup/" + kindOf + "/" + id;
            assertThat(ana.get(path).status()).as(path).isEqualTo(404);
            assertThat(ana.post(path, form("name", "Mine now", "number", "+15125550111")).status()).as(path).isEqualTo(404);
            assertThat(ana.post(path + "/delete", Map.of()).status()).as(path).isEqualTo(404);
        });
        // nor can a form point at them
        TestClient.Answer borrowed = ana.post("/app/setup/target-numbers", form("property_id", Long.toString(property), "number", "+15125550122"));
        assertThat(borrowed.status()).isEqualTo(422);
        assertThat(borrowed.body()).contains("no property " + property + " in this account");
        assertThat(server.api("GET", "/api/v1/properties/" + property, other, null).json().get("name").asText()).isEqualTo("Plumbing");
        assertThat(server.api("GET", "/api/v1/source-rules/" + rule, other, null).json().get("name").asText()).isEqualTo("All");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void providerTokensAndApiKeysAreShownOnceAndNeverAgain(Database.Kind kind) {
        start(kind);
        WebUser ana = admin();
        ana.get("/app/setup/credentials");
        String token = "tok-0123456789abcdef-first";
        assertThat(saved(ana, "/app/setup/credentials", form("provider", "twilio", "account_sid", "AC0042", "auth_token", token)))
                .isEqualTo("/app/setup/credentials");
        String listed = ana.get("/app/setup/credentials").body();
        assertThat(listed).contains("AC0042", "••••••••", "Replace token").doesNotContain(token);
        TestClient.Answer tooShort = ana.post("/app/setup/credentials", form("provider", "twilio", "auth_token", "tiny-tok-9"));
        assertThat(tooShort.status()).isEqualTo(422);
        assertThat(tooShort.body()).contains("auth_token must be at least 16 characters").doesNotContain("tiny-tok-9");
        String replacement = "tok-0123456789abcdef-second";
        saved(ana, "/app/setup/credentials", form("provider", "twilio", "account_sid", "AC0042", "auth_token", replacement));
        assertThat(ana.get("/app/setup/credentials").body()).doesNotContain(token).doesNotContain(replacement);
        assertThat(api("/api/v1/audit?action=credential.change")).extracting(entry -> entry.get("details").get("operation").asText())
                .containsExactly("replace", "create");

        ana.get("/app/setup/api-keys");
        TestClient.Answer created = ana.post("/app/setup/api-keys", form("name", "CRM upload", "role", "viewer"));
        assertThat(created.status()).isEqualTo(201);
        Matcher shown = SECRET.matcher(created.body());
        assertThat(shown.find()).as(created.body()).isTrue();
        String secret = shown.group(1);
        assertThat(server.api("GET", "/api/v1/account", secret, null).status()).as("the key works").isEqualTo(200);
        String keys = ana.get("/app/setup/api-keys").body();
        String prefix = server.api("GET", "/api/v1/api-keys", ownerKey, null).json().findValuesAsText("prefix").stream()
                .filter(secret::startsWith).findFirst().orElseThrow();
        assertThat(keys).contains("CRM upload", prefix + "…").doesNotContain(secret);

        // an admin may not make owner keys: the form says so
        TestClient.Answer ownerKeyRefused = ana.post("/app/setup/api-keys", form("name", "Mine", "role", "owner"));
        assertThat(ownerKeyRefused.status()).isEqualTo(403);
        assertThat(ownerKeyRefused.body()).contains("only an owner key may create owner keys", "value=\"Mine\"");

        long keyId = -1;
        for (JsonNode key : server.api("GET", "/api/v1/api-keys", ownerKey, null).json()) {
            if (key.get("name").asText().equals("CRM upload")) {
                keyId = key.get("id").asLong();
            }
        }
        saved(ana, "/app/setup/api-keys/" + keyId + "/revoke", Map.of());
        assertThat(server.api("GET", "/api/v1/account", secret, null).status()).as("revoked").isEqualTo(401);
        assertThat(ana.get("/app/setup/api-keys").body()).contains("revoked").doesNotContain(secret);
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void theInstallationCheckSaysNotSeenThenWhenAndWhere(Database.Kind kind) {
        start(kind);
        long property = propertyByApi(ownerKey, "site");
        WebUser ana = admin();
        String page = "/app/setup/properties/" + property;
        assertThat(ana.get(page).body()).contains("Not seen yet: paste the tag");

        TestClient.Answer opened = server.post("/v1/sessions", "{\"property\":\"site\",\"url\":\"https://example.com/pricing?gclid=abc\","
                + "\"referrer\":null}", "Origin", "https://example.com");
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(3));
        String seen = ana.get(page).body();
        assertThat(seen).contains("Seen <time datetime=\"2026-06-01T12:00:00Z\">3 minutes ago</time> on example.com/pricing.")
                .doesNotContain("gclid=abc").doesNotContain("Not seen yet");

        clock.advance(Duration.ofDays(9)); // long enough for the dashboard session to end too: sign in again
        assertThat(WebUser.signedIn(server, "bo@example.com", account, Role.ADMIN).get(page).body()).contains("Last seen <time datetime=\"2026-06-01T12:00:00Z\">9 days ago</time>");
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void anOwnerInvitesAUserWhoseLinkLetsThemChooseAPasswordAndSignIn(Database.Kind kind) {
        start(kind);
        JsonNode client = server.api("POST", "/api/v1/accounts", ownerKey, "{\"name\":\"Client\"}").json();
        long clientAccount = client.get("account").get("id").asLong();
        WebUser olga = WebUser.signedIn(server, "olga@example.com", clientAccount, Role.OWNER);
        assertThat(olga.get("/app/setup/users").body()).contains("olga@example.com");

        TestClient.Answer invited = olga.post("/app/setup/users", form("email", "Ben@Example.com", "name", "Ben", "role", "admin"));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        Matcher shown = SECRET.matcher(invited.body());
        assertThat(shown.find()).as(invited.body()).isTrue();
        String link = shown.group(1);
        assertThat(link).startsWith("http://127.0.0.1:" + server.server().port() + "/sign-in/link/");
        assertThat(olga.get("/app/setup/users").body()).contains("ben@example.com", "invited").doesNotContain(link);

        WebUser ben = new WebUser(server);
        String path = link.substring(link.indexOf("/sign-in/"));
        assertThat(ben.get(path).body()).contains("Choose a password for <strong>ben@example.com</strong>");
        TestClient.Answer chosen = ben.post(path, form("password", "a long enough passphrase", "confirm", "a long enough passphrase"));
        assertThat(chosen.status()).as(chosen.body()).isEqualTo(302);
        assertThat(ben.get("/app/setup").status()).isEqualTo(200);
        assertThat(ben.get(path).status()).as("the link works once").isEqualTo(404);
        assertThat(new WebUser(server).signIn("ben@example.com", "a long enough passphrase").status()).isEqualTo(302);

        long benId = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM app_user WHERE email = 'ben@example.com'")
                .mapTo(Long.class).one());
        olga.get("/app/setup/users");
        assertThat(saved(olga, "/app/setup/users/" + benId, form("role", "viewer"))).isEqualTo("/app/setup/users");
        assertThat(ben.get("/app/setup").status()).as("a viewer now").isEqualTo(403);

        // a new sign-in link for a member, shown once
        TestClient.Answer relinked = olga.post("/app/setup/users/" + benId + "/link", Map.of());
        assertThat(relinked.status()).isEqualTo(200);
        assertThat(SECRET.matcher(relinked.body()).find()).isTrue();

        // the account keeps an owner
        long olgaId = server.database().jdbi().withHandle(handle -> handle.createQuery("SELECT id FROM app_user WHERE email = 'olga@example.com'")
                .mapTo(Long.class).one());
        olga.get("/app/setup/users");
        TestClient.Answer demoted = olga.post("/app/setup/users/" + olgaId, form("role", "admin"));
        assertThat(demoted.status()).isEqualTo(409);
        assertThat(demoted.body()).contains("the account needs at least one owner");
        TestClient.Answer removed = olga.post("/app/setup/users/" + olgaId + "/remove", Map.of());
        assertThat(removed.status()).isEqualTo(409);

        saved(olga, "/app/setup/users/" + benId + "/remove", Map.of());
        assertThat(ben.get("/app").status()).as("signed out of the account").isEqualTo(302);

        // the operator account's users are not this owner's
        long operatorOwner = server.database().jdbi().withHandle(handle -> handle.createQuery(
                "SELECT user_id FROM membership WHERE account_id = :account").bind("account", account).mapTo(Long.class).list().get(0));
        assertThat(olga.post("/app/setup/users/" + operatorOwner, form("role", "viewer")).status()).isEqualTo(404);

        JsonNode audit = server.api("GET", "/api/v1/audit?action=settings.change", client.get("api_key").get("secret").asText(), null).json();
        assertThat(audit).extracting(entry -> entry.get("details").get("operation").asText()).contains("invite", "update", "remove");
        assertThat(audit).allSatisfy(entry -> assertThat(entry.get("actor").asText()).endsWith("(olga@example.com)"));
    }

    @ParameterizedTest
    @EnumSource(Database.Kind.class)
    void webhooksShowTheirSecretOnceAndEditsKeepTheRest(Database.Kind kind) {
        start(kind);
        WebUser ana = admin();
        ana.get("/app/setup/webhooks/new");
        TestClient.Answer created = ana.post("/app/setup/webhooks", form("url", "https://crm.example.com/hook?token=abc",
                "events", "call.completed", "active", "true"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Matcher shown = SECRET.matcher(created.body());
        assertThat(shown.find()).isTrue();
        String secret = shown.group(1);
        long id = api("/api/v1/webhooks").get(0).get("id").asLong();
        String listed = ana.get("/app/setup/webhooks").body();
        assertThat(listed).contains("https://crm.example.com/hook?…").doesNotContain(secret).doesNotContain("token=abc");
        assertThat(ana.get("/app/setup/webhooks/" + id).body()).doesNotContain(secret);

        TestClient.Answer refused = ana.post("/app/setup/webhooks/" + id, form("url", "ftp://crm.example.com/", "events", "call.completed"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body()).contains("url must be an absolute http:// or https:// URL", "value=\"ftp://crm.example.com/\"");

        saved(ana, "/app/setup/webhooks/" + id, form("url", "https://crm.example.com/hook", "events", "call.completed, conversion.created"));
        JsonNode webhook = api("/api/v1/webhooks/" + id);
        assertThat(webhook.get("events")).extracting(JsonNode::asText).containsExactly("call.completed", "conversion.created");
        assertThat(webhook.get("active").asBoolean()).as("an unticked box").isFalse();

        TestClient.Answer rotated = ana.post("/app/setup/webhooks/" + id + "/rotate-secret", Map.of());
        Matcher again = SECRET.matcher(rotated.body());
        assertThat(again.find()).isTrue();
        assertThat(again.group(1)).isNotEqualTo(secret);
    }
}
