package io.calltrail.telephony;

import io.calltrail.app.ApiError;
import io.calltrail.phone.PhoneNumber;
import io.calltrail.privacy.CallerCrypto;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio-compatible webhooks (Twilio, SignalWire). Every request is checked against its signature
 * before anything else; the voice webhook answers from the in-memory routing table and records the
 * call through the durable spool, so a caller is connected even while the database is down.
 */
public final class TelephonyHandlers {
    private static final Logger log = LoggerFactory.getLogger(TelephonyHandlers.class);
    private static final int RING_TIMEOUT_SECONDS = 30;
    private static final String UNKNOWN_NUMBER =
            "Sorry, this number is not in service. Please check the number and try again.";

    private final RoutingTable routes;
    private final CallRecorder recorder;
    private final CallerCrypto crypto;
    private final Clock clock;
    private final java.util.function.Supplier<String> publicUrl;

    public TelephonyHandlers(RoutingTable routes, CallRecorder recorder, CallerCrypto crypto, Clock clock,
                             java.util.function.Supplier<String> publicUrl) {
        this.routes = routes;
        this.recorder = recorder;
        this.crypto = crypto;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    public void voice(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        Optional<RoutingTable.Route> found = Optional.ofNullable(first(form, "To")).flatMap(routes::byNumber);
        if (found.isEmpty()) {
            log.warn("call to a number that is not a tracking number: {}", first(form, "To"));
            twiml(ctx, Twiml.say(UNKNOWN_NUMBER));
            return;
        }
        RoutingTable.Route route = found.get();
        verify(ctx, route, form);
        String sid = required(form, "CallSid");
        String caller = first(form, "From");
        Optional<PhoneNumber> parsed = PhoneNumber.parse(caller, first(form, "FromCountry") == null ? "US" : first(form, "FromCountry"));
        CallRecorder.Start start = new CallRecorder.Start(route.provider(), sid, route.accountId(), route.propertyId(),
                route.numberId(), route.e164(), route.forwardTo(),
                parsed.map(number -> crypto.encrypt(route.accountId(), number)).orElse(null),
                parsed.map(crypto::hash).orElse(null),
                parsed.map(CallerCrypto::mask).orElse(caller == null ? null : "withheld"),
                clip(first(form, "FromCity")), clip(first(form, "FromState")), clip(first(form, "FromCountry")),
                clock.millis());
        // Fail open: the caller is connected at once, whether or not (and before) the call is on disk.
        recorder.recordAfterwards(new CallRecorder.Fact(start, null, null));
        String query = "?n=" + route.numberId();
        String base = publicUrl.get();
        twiml(ctx, Twiml.dial(route.forwardTo(), base + "/telephony/twilio/dial-status" + query,
                base + "/telephony/twilio/call-status" + query, RING_TIMEOUT_SECONDS,
                route.showTrackingNumber() ? route.e164() : null,
                route.whisper() == null ? null : base + "/telephony/twilio/whisper" + query,
                route.recordCalls()
                        ? new Twiml.Recording(route.recordingAnnouncement(), base + "/telephony/twilio/recording-status" + query)
                        : null));
    }

    /**
     * The provider's report of a finished recording (numbers with recording on only). Only its reference is kept:
     * the recording's id and the provider's URL for it. Calltrail never fetches or stores audio.
     */
    public void recordingStatus(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        RoutingTable.Route route = routeFromQuery(ctx);
        verify(ctx, route, form);
        String status = first(form, "RecordingStatus");
        if (status == null || status.equals("completed")) {
            String call = callSid(form);
            String url = first(form, "RecordingUrl");
            if (url != null && (url.length() > 2048 || !(url.startsWith("https://") || url.startsWith("http://")))) {
                throw ApiError.invalid("RecordingUrl", "RecordingUrl must be an http(s) URL of at most 2048 characters");
            }
            boolean stored = recorder.record(new CallRecorder.Fact(null, null, new CallRecorder.Recording(route.provider(), call,
                    route.accountId(), required(form, "RecordingSid"), url, clock.millis())));
            if (!stored) {
                throw new ApiError(503, "unavailable", null, "the recording reference could not be stored; retry");
            }
        }
        ctx.status(204);
    }

    /** Played to the business when it answers: the number's whisper, so staff know where the call came from. */
    public void whisper(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        RoutingTable.Route route = routeFromQuery(ctx);
        verify(ctx, route, form);
        twiml(ctx, route.whisper() == null ? Twiml.empty() : Twiml.say(route.whisper()));
    }

    /** The {@code <Dial>} action: how the forwarded leg ended. */
    public void dialStatus(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        RoutingTable.Route route = routeFromQuery(ctx);
        verify(ctx, route, form);
        String status = required(form, "DialCallStatus");
        recorder.record(new CallRecorder.Fact(null, new CallRecorder.Status(route.provider(), required(form, "CallSid"),
                route.accountId(), "dial:" + status, status, integer(form, "DialCallDuration"), clock.millis()), null));
        twiml(ctx, Twiml.empty());
    }

    /** Status callbacks of the forwarded leg; they may come twice or out of order. */
    public void callStatus(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        RoutingTable.Route route = routeFromQuery(ctx);
        verify(ctx, route, form);
        String parent = callSid(form);
        String status = required(form, "CallStatus");
        String sequence = first(form, "SequenceNumber");
        recorder.record(new CallRecorder.Fact(null, new CallRecorder.Status(route.provider(), parent, route.accountId(),
                "status:" + status + (sequence == null ? "" : ":" + sequence), status, integer(form, "CallDuration"),
                clock.millis()), null));
        ctx.status(204);
    }

    /** The provider's fallback URL: static forwarding, needing neither this table's freshness nor the database. */
    public void fallback(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.notFound("tracking number");
        }
        Optional<RoutingTable.Route> route = routes.byId(id);
        if (route.isEmpty()) {
            twiml(ctx, Twiml.say(UNKNOWN_NUMBER));
            return;
        }
        verify(ctx, route.get(), ctx.formParamMap());
        twiml(ctx, Twiml.forward(route.get().forwardTo()));
    }

    private RoutingTable.Route routeFromQuery(Context ctx) {
        try {
            return routes.byId(Long.parseLong(ctx.queryParam("n")))
                    .orElseThrow(() -> new ApiError(404, "unknown_number", "n", "no tracking number with this id"));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "invalid_query", "n", "n must name the tracking number");
        }
    }

    /** 403 before any write when the signature does not match, or when another provider account sent it. */
    private void verify(Context ctx, RoutingTable.Route route, Map<String, List<String>> form) {
        String signature = ctx.header("X-Twilio-Signature");
        if (signature == null) {
            signature = ctx.header("X-SignalWire-Signature");
        }
        String url = publicUrl.get() + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        if (!TwilioSignature.valid(route.authToken(), url, form, signature)) {
            throw new ApiError(403, "invalid_signature", "X-Twilio-Signature", "the request signature does not match");
        }
        if (route.providerAccountSid() != null && !route.providerAccountSid().equals(first(form, "AccountSid"))) {
            throw new ApiError(403, "foreign_provider_account", "AccountSid", "the request comes from another provider account");
        }
    }

    private static void twiml(Context ctx, String xml) {
        ctx.contentType("application/xml; charset=utf-8").result(xml);
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0).strip();
    }

    /** The caller's call: a callback about the forwarded leg names it as its parent. */
    private static String callSid(Map<String, List<String>> form) {
        String parent = first(form, "ParentCallSid");
        return parent != null ? parent : required(form, "CallSid");
    }

    private static String required(Map<String, List<String>> form, String name) {
        String value = first(form, name);
        if (value == null || value.length() > 64) {
            throw ApiError.invalid(name, name + " is required (at most 64 characters)");
        }
        return value;
    }

    private static Integer integer(Map<String, List<String>> form, String name) {
        String value = first(form, name);
        if (value == null) {
            return null;
        }
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw ApiError.invalid(name, name + " must be a whole number of seconds");
        }
    }

    private static String clip(String value) {
        return value == null ? null : value.length() > 64 ? value.substring(0, 64) : value;
    }
}
