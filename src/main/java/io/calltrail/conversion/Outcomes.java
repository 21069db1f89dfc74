package io.calltrail.conversion;

import io.calltrail.app.ApiError;
import io.calltrail.privacy.CallerCrypto;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Stores outcomes from a CRM, matches each to the call it names, and re-evaluates that call's conversions, all in
 * one transaction: a batch is stored whole or not at all.
 */
public final class Outcomes {
    /** What an upload did: every outcome is accounted for, and the unmatched ones are kept for calls still to come. */
    public record Result(int received, int created, int updated, int unchanged, int matched, int unmatched, int unmatchedInAccount) {
    }

    private final OutcomeStore store = new OutcomeStore();
    private final Conversions conversions;
    private final CallerCrypto crypto;
    private final Clock clock;

    public Outcomes(Conversions conversions, CallerCrypto crypto, Clock clock) {
        this.conversions = conversions;
        this.crypto = crypto;
        this.clock = clock;
    }

    /** Stores a batch in the caller's transaction; an outcome naming another account's call is refused. */
    public Result upload(Handle handle, long accountId, List<Outcome> batch) {
        Instant now = clock.instant();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!seen.add(batch.get(i).externalId())) {
                throw ApiError.invalid("outcomes[" + i + "].external_id", "external_id '" + batch.get(i).externalId()
                        + "' appears twice in this batch");
            }
        }
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int matched = 0;
        Set<Long> touched = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            Outcome outcome = batch.get(i);
            if (outcome.callId() != null && !store.callExists(handle, accountId, outcome.callId())) {
                throw ApiError.invalid("outcomes[" + i + "].call_id", "no call " + outcome.callId() + " in this account");
            }
            String hash = outcome.caller() == null ? null : crypto.hash(outcome.caller());
            Optional<OutcomeStore.Stored> stored = store.byExternalId(handle, accountId, outcome.externalId());
            if (stored.isPresent() && stored.get().sameAs(outcome, hash)) {
                unchanged++;
                if (stored.get().callId() != null) {
                    matched++;
                }
                continue;
            }
            Long callId = match(handle, accountId, outcome, hash);
            if (stored.isEmpty()) {
                store.insert(handle, accountId, outcome, hash, callId, now);
                created++;
            } else {
                store.update(handle, stored.get().id(), outcome, hash, callId, now);
                updated++;
                if (stored.get().callId() != null) {
                    touched.add(stored.get().callId()); // the outcome may have left that call
                }
            }
            if (callId != null) {
                matched++;
                touched.add(callId);
            }
        }
        for (long callId : touched) {
            conversions.evaluateCall(handle, callId);
        }
        return new Result(batch.size(), created, updated, unchanged, matched, batch.size() - matched,
                store.unmatchedCount(handle, accountId));
    }

    /** The call an outcome belongs to: the newest call at or before it happened, else the first one after. */
    private Long match(Handle handle, long accountId, Outcome outcome, String hash) {
        if (outcome.callId() != null) {
            return outcome.callId();
        }
        List<OutcomeStore.Candidate> calls = outcome.clickId() != null
                ? store.callsByClick(handle, accountId, outcome.clickIdType(), outcome.clickId())
                : store.callsByCaller(handle, accountId, hash);
        OutcomeStore.Candidate chosen = null;
        for (OutcomeStore.Candidate call : calls) {
            if (!call.startedAt().isAfter(outcome.occurredAt()) || chosen == null) {
                chosen = call;
            }
        }
        return chosen == null ? null : chosen.id();
    }
}
