package io.calltrail.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Traffic on the demo property of a server started with {@code demo=true}, made as a website and a phone system make
 * it: visits opened and events sent as the snippet does, calls to the demo's numbers through the provider's signed
 * webhooks, and calls to the main line imported from a call log. Each is stored before the method returns.
 */
public final class DemoTraffic {
    /** What the demo's consent banner grants when a visitor accepts. */
    public static final String AD_STORAGE = "{\"ad_storage\":\"granted\"}";
    /** The business's own number, which the demo's tracking numbers forward to. */
    public static final String MAIN_LINE = "+15125550100";
    /** The demo's static number for its Yelp listing. */
    public static final String YELP_NUMBER = "+15125550110";

    private final TestServer server;
    private final Clock clock;
    private final String origin;

    public DemoTraffic(TestServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.origin = server.client().uri("/").toString().replaceAll("/$", "");
    }

    /** A visit: its session id and the tracking number it was shown (null when it sees the business's own number). */
    public record Visit(String session, String number) {
    }

    /** The server's address, where the demo site's pages are. */
    public String origin() {
        return origin;
    }

    /** A visit to a page of the demo site ({@code /demo/?gclid=...}) from a referrer, or none, accepting ad storage. */
    public Visit visit(String path, String referrer) {
        return visit(path, referrer, AD_STORAGE, false);
    }

    /** A visit with this consent (the snippet's JSON object), from a browser that sends Global Privacy Control or not. */
    public Visit visit(String path, String referrer, String consent, boolean gpc) {
        JsonNode answer = server.post("/v1/sessions", "{\"property\":\"demo\",\"url\":\"" + origin + path + "\",\"referrer\":"
                        + (referrer == null ? "null" : "\"" + referrer + "\"") + (gpc ? ",\"gpc\":true" : "") + ",\"consent\":"
                        + consent + "}",
                "User-Agent", TestClient.BROWSER + " " + UUID.randomUUID()).json();
        JsonNode numbers = answer.get("numbers");
        return new Visit(answer.get("session").asText(), numbers.isEmpty() ? null : numbers.get(0).get("tracking").asText());
    }

    /** The visit views another page of the site, now. */
    public void pageView(Visit visit, String path) {
        event("page_view", visit, path, null);
    }

    /** The visit clicks the phone link of the number it was shown, on this page, now. */
    public void telClick(Visit visit, String path) {
        event("tel_click", visit, path, visit.number());
    }

    private void event(String type, Visit visit, String path, String number) {
        String event = "{\"type\":\"" + type + "\",\"id\":\"" + UUID.randomUUID() + "\",\"property\":\"demo\",\"session\":\""
                + visit.session() + "\",\"url\":\"" + origin + path + "\"" + (number == null ? "" : ",\"number\":\"" + number + "\"")
                + ",\"at\":" + clock.millis() + "}";
        assertThat(server.post("/v1/events", event, "Content-Type", "text/plain").status()).isEqualTo(200);
        assertThat(server.server().awaitEventsLoaded(Duration.ofSeconds(10))).isTrue();
    }

    /** A call to one of the demo's numbers, signed with the demo's provider token. */
    public void call(String to, String from, int seconds, boolean answered) {
        server.simulateCall(to, from, seconds, answered, server.server().demo().orElseThrow().authToken());
    }

    /** A call to the main line, answered after 5 s and talked 40 s, imported from the call log at {@code startedAt} (:00 s). */
    public void importMainLineCall(String caller, String startedAt) {
        String log = "caller,dialled,start,answer,end,talk_seconds\n" + caller + "," + MAIN_LINE + "," + startedAt + ","
                + startedAt.replace(":00Z", ":05Z") + "," + startedAt.replace(":00Z", ":45Z") + ",40\n";
        TestClient.Answer imported = server.send("POST", "/api/v1/calls/import?property=1&format=csv", log,
                "Authorization", "Bearer " + server.demoKey(), "Content-Type", "text/csv");
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().get("imported").asInt()).isEqualTo(1);
    }
}
