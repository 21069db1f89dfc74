package io.calltrail.telephony;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Places a simulated call: the same signed webhooks, in the same order, that a Twilio number sends. */
@Command(name = "simulate-call", mixinStandardHelpOptions = true,
        description = "Send the signed webhooks of a call to a tracking number, as Twilio would.")
public final class SimulateCall implements Callable<Integer> {
    @Option(names = "--to", required = true, paramLabel = "E164", description = "The tracking number dialled.")
    String to;
    @Option(names = "--from", required = true, paramLabel = "E164", description = "The caller.")
    String from;
    @Option(names = "--duration", paramLabel = "S", defaultValue = "75", description = "Talk time in seconds (default 75).")
    int duration;
    @Option(names = "--answered", paramLabel = "true|false", defaultValue = "true", arity = "1",
            description = "Whether the business answers (default true).")
    boolean answered;
    @Option(names = "--base-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The server's public base URL, as the webhooks are signed for it (default http://127.0.0.1:8080).")
    String baseUrl;
    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "Auth token to sign with (default: CALLTRAIL_DEMO_AUTH_TOKEN, else ./data/demo-auth-token).")
    String authToken;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        String token = token();
        if (token == null) {
            System.err.println("no auth token: pass --auth-token, set CALLTRAIL_DEMO_AUTH_TOKEN, or run from the folder of serve --demo");
            return 2;
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        String childSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> call = new LinkedHashMap<>();
        call.put("AccountSid", "ACsimulated");
        call.put("ApiVersion", "2010-04-01");
        call.put("CallSid", callSid);
        call.put("CallStatus", "ringing");
        call.put("Direction", "inbound");
        call.put("From", from);
        call.put("To", to);
        call.put("Caller", from);
        call.put("Called", to);
        call.put("FromCountry", "US");

        HttpResponse<String> voice = post(base + "/telephony/twilio/voice", call, token);
        System.out.println("voice webhook: HTTP " + voice.statusCode());
        System.out.println(voice.body());
        Matcher dial = Pattern.compile("action=\"([^\"]+)\"").matcher(voice.body());
        Matcher status = Pattern.compile("statusCallback=\"([^\"]+)\"").matcher(voice.body());
        if (voice.statusCode() != 200 || !dial.find() || !status.find()) {
            System.err.println("the call was not forwarded");
            return 1;
        }
        String dialUrl = unescape(dial.group(1));
        String statusUrl = unescape(status.group(1));
        int sequence = 0;
        for (String leg : answered ? List.of("initiated", "ringing", "in-progress", "completed") : List.of("initiated", "ringing", "no-answer")) {
            Map<String, String> event = new LinkedHashMap<>(call);
            event.put("CallSid", childSid);
            event.put("ParentCallSid", callSid);
            event.put("CallStatus", leg);
            event.put("Direction", "outbound-dial");
            event.put("SequenceNumber", Integer.toString(sequence++));
            if (leg.equals("completed")) {
                event.put("CallDuration", Integer.toString(duration));
            }
            System.out.println("call-status " + leg + ": HTTP " + post(statusUrl, event, token).statusCode());
        }
        Map<String, String> result = new LinkedHashMap<>(call);
        result.put("CallStatus", "completed");
        result.put("DialCallSid", childSid);
        result.put("DialCallStatus", answered ? "completed" : "no-answer");
        result.put("DialCallDuration", Integer.toString(answered ? duration : 0));
        System.out.println("dial-status: HTTP " + post(dialUrl, result, token).statusCode());
        return 0;
    }

    private HttpResponse<String> post(String url, Map<String, String> form, String token) throws IOException, InterruptedException {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> {
            parameters.put(name, List.of(value));
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSignature.sign(token, url, parameters))
                .header("User-Agent", "TwilioProxy/1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws IOException {
        if (authToken != null) {
            return authToken;
        }
        String fromEnvironment = System.getenv("CALLTRAIL_DEMO_AUTH_TOKEN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        Path file = Path.of("data", "demo-auth-token");
        return Files.isReadable(file) ? Files.readString(file).strip() : null;
    }

    private static String unescape(String xml) {
        return xml.replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
    }
}
