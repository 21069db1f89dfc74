package io.calltrail.conversion;

import io.calltrail.tracking.SourceName;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Decides, without I/O, whether a completed call or a phone-link click converts under an action, how it counts and what it is worth. */
public final class ConversionRules {
    private ConversionRules() {
    }

    /** The visit a call or click belongs to, as the rules see it; {@code source} is the name source rules match. */
    public record Visit(String sessionId, Instant startedAt, String clickId, String clickIdType, String source) {
        public static final Visit NONE = new Visit(null, null, null, null, null);
    }

    /** The newest outcome the CRM reported for a call. */
    public record OutcomeFact(long id, String status, BigDecimal value, String currency, Instant occurredAt) {
    }

    /** What the rules need to know of a completed call. */
    public record CallFacts(long callId, Instant startedAt, Instant endedAt, boolean answered, int talkSeconds,
                            boolean firstTimeCaller, String attribution, double confidence, Visit visit, OutcomeFact outcome) {
    }

    /** What the rules need to know of a click on a phone link. */
    public record ClickFacts(String eventId, Instant occurredAt, Visit visit) {
    }

    /** A conversion to record: {@code dedupeKey} makes it count once under its action. */
    public record Decision(String dedupeKey, String clickId, String clickIdType, Instant convertedAt, BigDecimal value,
                           String currency, Long outcomeId) {

        /** Whether a conversion stored with this value and currency is worth what this decision says (no restatement). */
        public boolean sameAmount(BigDecimal storedValue, String storedCurrency) {
            boolean sameValue = storedValue == null ? value == null : value != null && storedValue.compareTo(value) == 0;
            return sameValue && java.util.Objects.equals(storedCurrency, currency);
        }
    }

    public static Optional<Decision> evaluate(ConversionAction action, CallFacts call) {
        if (action.kind() != ConversionAction.Kind.CALL
                || action.answeredOnly() && !call.answered()
                || call.talkSeconds() < action.minTalkSeconds()
                || action.firstTimeOnly() && !call.firstTimeCaller()
                || !action.attributionMethods().contains(call.attribution())
                || call.confidence() < action.minConfidence().doubleValue()
                || !sourceCounts(action, call.visit().source())
                || clickTooOld(action, call.visit(), call.startedAt())) {
            return Optional.empty();
        }
        OutcomeFact outcome = call.outcome();
        Instant convertedAt = call.endedAt() != null ? call.endedAt() : call.startedAt();
        BigDecimal value = action.value();
        String currency = action.currency();
        Long outcomeId = null;
        if (action.valueSource() == ConversionAction.ValueSource.OUTCOME) {
            if (outcome == null || !action.outcomeStatuses().contains(outcome.status().toLowerCase(Locale.ROOT))) {
                return Optional.empty();
            }
            convertedAt = outcome.occurredAt();
        }
        if (outcome != null && outcome.value() != null) { // the CRM knows better what the call was worth
            value = outcome.value();
            currency = outcome.currency() != null ? outcome.currency() : action.currency();
            outcomeId = outcome.id();
        }
        String key = key(action, call.visit(), "call:" + call.callId());
        return Optional.of(new Decision(key, call.visit().clickId(), call.visit().clickIdType(), convertedAt, value, currency, outcomeId));
    }

    public static Optional<Decision> evaluate(ConversionAction action, ClickFacts click) {
        if (action.kind() != ConversionAction.Kind.TEL_CLICK
                || !sourceCounts(action, click.visit().source())
                || clickTooOld(action, click.visit(), click.occurredAt())) {
            return Optional.empty();
        }
        String key = key(action, click.visit(), "tel_click:" + click.eventId());
        return Optional.of(new Decision(key, click.visit().clickId(), click.visit().clickIdType(), click.occurredAt(),
                action.value(), action.currency(), null));
    }

    private static boolean sourceCounts(ConversionAction action, String source) {
        String name = SourceName.orDirect(source).toLowerCase(Locale.ROOT);
        if (!action.sourcesIncluded().isEmpty() && !action.sourcesIncluded().contains(name)) {
            return false;
        }
        return !action.sourcesExcluded().contains(name);
    }

    /** The ad click is older than the click-through window allows. */
    private static boolean clickTooOld(ConversionAction action, Visit visit, Instant at) {
        return visit.clickId() != null && visit.startedAt() != null
                && Duration.between(visit.startedAt(), at).compareTo(Duration.ofDays(action.clickWindowDays())) > 0;
    }

    private static String key(ConversionAction action, Visit visit, String every) {
        return switch (action.counting()) {
            case EVERY -> every;
            case ONE -> visit.clickId() != null ? "click:" + visit.clickIdType() + ":" + visit.clickId()
                    : visit.sessionId() != null ? "session:" + visit.sessionId() : every;
        };
    }
}
