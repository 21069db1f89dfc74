package io.calltrail.conversion;

import io.calltrail.tracking.PhoneClick;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Turns completed calls, phone-link clicks and outcomes into conversions by their property's actions, in the
 * transaction that brought the news; a conversion is recorded once per action and key, restated when its value
 * changes and retracted when the rules no longer make it.
 */
public final class Conversions {
    /** Told of every conversion created or changed, in the same transaction (webhooks queue their deliveries there). */
    public interface Publisher {
        Publisher NONE = (handle, accountId, type, data) -> { };

        void publish(Handle handle, long accountId, String type, Map<String, Object> data);
    }

    private final ConversionStore store = new ConversionStore();
    private final FactStore facts = new FactStore();
    private final Clock clock;
    private final Publisher publisher;

    public Conversions(Clock clock, Publisher publisher) {
        this.clock = clock;
        this.publisher = publisher;
    }

    /** A call has ended: outcomes waiting for it are matched, then every call action is evaluated. */
    public void onCallCompleted(Handle handle, long callId) {
        facts.matchWaitingOutcomes(handle, callId, clock.instant());
        evaluateCall(handle, callId);
    }

    /** Evaluates every call action of the call's property against what is known of the call now. */
    public void evaluateCall(Handle handle, long callId) {
        Optional<FactStore.Call> call = facts.call(handle, callId);
        if (call.isEmpty()) {
            return;
        }
        for (ConversionAction action : store.actions(handle, call.get().account(), call.get().property())) {
            if (action.kind() == ConversionAction.Kind.CALL) {
                apply(handle, action, call.get().facts().callId(), null, call.get().facts().visit().sessionId(),
                        ConversionRules.evaluate(action, call.get().facts()));
            }
        }
    }

    /** Phone-link clicks just stored: every tel_click action of their property is evaluated. */
    public void onPhoneClicks(Handle handle, List<PhoneClick> clicks) {
        Map<Long, List<ConversionAction>> byProperty = new LinkedHashMap<>();
        for (PhoneClick click : clicks) {
            List<ConversionAction> actions = byProperty.computeIfAbsent(click.property(),
                    property -> store.actions(handle, click.account(), property).stream()
                            .filter(action -> action.kind() == ConversionAction.Kind.TEL_CLICK).toList());
            if (actions.isEmpty()) {
                continue;
            }
            ConversionRules.ClickFacts facts = new ConversionRules.ClickFacts(click.eventId(), click.occurredAt(),
                    this.facts.visit(handle, click.account(), click.sessionId()));
            for (ConversionAction action : actions) {
                apply(handle, action, null, click.eventId(), click.sessionId(), ConversionRules.evaluate(action, facts));
            }
        }
    }

    /**
     * Records what one evaluation decided: a new conversion, a restated one, or (no decision) the retraction of
     * what this call or click had made before under the action.
     */
    void apply(Handle handle, ConversionAction action, Long callId, String eventId, String sessionId,
               Optional<ConversionRules.Decision> decision) {
        Instant now = clock.instant();
        if (decision.isEmpty()) {
            for (long id : facts.madeBy(handle, action.id(), callId, eventId)) {
                store.retract(handle, id, action.ruleVersion(), now);
                publish(handle, action, id, "conversion.updated");
            }
            return;
        }
        ConversionRules.Decision made = decision.get();
        Optional<ConversionStore.Existing> existing = store.existing(handle, action.id(), made.dedupeKey());
        if (existing.isEmpty()) {
            store.insert(handle, action, callId, eventId, sessionId, made, now)
                    .ifPresent(id -> publish(handle, action, id, "conversion.created"));
            return;
        }
        ConversionStore.Existing known = existing.get();
        boolean same = Objects.equals(known.callId(), callId) || callId == null;
        boolean changed = known.retracted() || !made.sameAmount(known.value(), known.currency());
        if (same && changed) {
            store.restate(handle, known.id(), made, action.ruleVersion(), now);
            publish(handle, action, known.id(), "conversion.updated");
        }
    }


    private void publish(Handle handle, ConversionAction action, long conversionId, String type) {
        facts.conversionView(handle, conversionId).ifPresent(view -> {
            view.put("action_name", action.name());
            publisher.publish(handle, action.accountId(), type, view);
        });
    }
}
