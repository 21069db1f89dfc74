package io.calltrail.conversion;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Decides, without I/O, whether a completed call converts under an action, and how it is counted. */
public final class ConversionRules {
    private ConversionRules() {
    }

    /** What the rules need to know of a completed call and of the visit it was attributed to. */
    public record CallFacts(long callId, Instant startedAt, Instant endedAt, boolean answered, int talkSeconds,
                            boolean firstTimeCaller, String attribution, double confidence, String sessionId,
                            Instant sessionStartedAt, String clickId, String clickIdType) {
    }

    /** A conversion to record: {@code dedupeKey} makes it count once under its action. */
    public record Decision(String dedupeKey, String clickId, String clickIdType) {
    }

    public static Optional<Decision> evaluate(ConversionAction action, CallFacts call) {
        if (action.kind() != ConversionAction.Kind.CALL) {
            return Optional.empty();
        }
        if (action.answeredOnly() && !call.answered()) {
            return Optional.empty();
        }
        if (call.talkSeconds() < action.minTalkSeconds()) {
            return Optional.empty();
        }
        if (action.firstTimeOnly() && !call.firstTimeCaller()) {
            return Optional.empty();
        }
        if (!action.attributionMethods().contains(call.attribution())) {
            return Optional.empty();
        }
        if (call.confidence() < action.minConfidence().doubleValue()) {
            return Optional.empty();
        }
        String clickId = call.clickId();
        if (clickId != null && call.sessionStartedAt() != null
                && Duration.between(call.sessionStartedAt(), call.startedAt()).compareTo(Duration.ofDays(action.clickWindowDays())) > 0) {
            return Optional.empty(); // the ad click is older than the click-through window
        }
        String key = switch (action.counting()) {
            case EVERY -> "call:" + call.callId();
            case ONE -> clickId != null ? "click:" + call.clickIdType() + ":" + clickId
                    : call.sessionId() != null ? "session:" + call.sessionId() : "call:" + call.callId();
        };
        return Optional.of(new Decision(key, clickId, call.clickIdType()));
    }
}
