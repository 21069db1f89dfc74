package io.calltrail.privacy;

import io.calltrail.account.Actor;
import io.calltrail.app.Json;
import io.calltrail.phone.PhoneNumber;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a caller from an account: every call keeps its times, numbers dialled and attribution (so reports count the
 * same), but loses the caller's number, keyed hash, mask and place; outcomes lose the hash; queued deliveries that
 * carry the number (or its SHA-256, as enhanced conversions send it) are dropped, and sent ones are scrubbed. Only
 * the erasure log keeps the keyed hash.
 */
public final class Erasure {
    private static final Logger log = LoggerFactory.getLogger(Erasure.class);

    private final Jdbi jdbi;
    private final CallerCrypto crypto;
    private final ErasureLog erasureLog;
    private final Clock clock;
    private final AuditLog audit;

    public Erasure(Jdbi jdbi, CallerCrypto crypto, ErasureLog erasureLog, Clock clock, AuditLog audit) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.crypto = crypto;
        this.erasureLog = erasureLog;
        this.clock = clock;
    }

    /** What was erased, by kind of row; {@code audit} records the erasure in the same transaction. */
    public Map<String, Integer> erase(long accountId, PhoneNumber caller, Audited audit) {
        String hash = crypto.hash(caller);
        erasureLog.append(new ErasureLog.Entry(accountId, hash));
        return jdbi.inTransaction(handle -> {
            Map<String, Integer> erased = scrub(handle, accountId, hash, forms(caller), List.of(CallerCrypto.mask(caller)));
            long entry = ErasureLog.insert(handle, new ErasureLog.Entry(accountId, hash), clock.instant(), Json.write(erased));
            audit.record(handle, entry, erased);
            return erased;
        });
    }

    /** Writes the audit entry of an erasure: the erasure log's entry id and the counts, never the number or its hash. */
    public interface Audited {
        void record(Handle handle, long erasureLogId, Map<String, Integer> erased);
    }

    /**
     * Erases again every caller of the erasure file whose hash a restored backup brought back; run at start-up.
     * Numbers are gone from the file too, so deliveries are scrubbed by hash-bearing rows only.
     */
    public int reapply() {
        int again = 0;
        for (ErasureLog.Entry entry : erasureLog.entries()) {
            boolean back = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT (SELECT COUNT(*) FROM phone_call WHERE caller_hash = :hash)
                                 + (SELECT COUNT(*) FROM outcome WHERE caller_hash = :hash)""")
                    .bind("hash", entry.callerHash()).mapTo(Integer.class).one() > 0
                    || !ErasureLog.erased(handle, entry.callerHash()));
            if (back) {
                jdbi.useTransaction(handle -> {
                    Map<String, Integer> erased = scrub(handle, entry.accountId(), entry.callerHash(), List.of(), List.of());
                    if (!ErasureLog.erased(handle, entry.callerHash())) {
                        ErasureLog.insert(handle, entry, clock.instant(), Json.write(erased));
                    }
                    if (audit != null) {
                        audit.record(handle, Actor.system(entry.accountId()), "privacy.erase", "erasure", null,
                                Map.of("reason", "erased again after the database brought the caller back", "erased", erased));
                    }
                });
                again++;
            }
        }
        if (again > 0) {
            log.warn("erased {} caller(s) again that the database had back (a restored backup?)", again);
        }
        return again;
    }

    private static Map<String, Integer> scrub(Handle handle, long accountId, String hash, List<String> forms, List<String> masks) {
        Map<String, Integer> erased = new LinkedHashMap<>();
        List<Long> calls = handle.createQuery("SELECT id FROM phone_call WHERE account_id = :account AND caller_hash = :hash")
                .bind("account", accountId).bind("hash", hash).mapTo(Long.class).list();
        erased.put("calls", calls.size());
        if (!calls.isEmpty()) {
            // Calltrail keeps no audio: the provider does. Its references go, counted, so the operator deletes them there.
            erased.put("recordings_at_provider", handle.createUpdate("""
                            UPDATE phone_call SET recording_ref = NULL, recording_url = NULL
                             WHERE id IN (<calls>) AND recording_ref IS NOT NULL""")
                    .bindList("calls", calls).execute());
            handle.createUpdate("""
                            UPDATE phone_call SET caller_sealed = NULL, caller_hash = NULL, caller_masked = NULL, caller_city = NULL,
                                                  caller_state = NULL, caller_country = NULL
                             WHERE id IN (<calls>)""")
                    .bindList("calls", calls).execute();
            erased.put("pending_exports", handle.createQuery("""
                            SELECT COUNT(*) FROM conversion c
                             WHERE c.call_id IN (<calls>)
                               AND NOT EXISTS (SELECT 1 FROM conversion_export e WHERE e.conversion_id = c.id
                                                  AND e.destination IN ('google-ads-calls', 'google-enhanced-leads', 'google-data-manager'))""")
                    .bindList("calls", calls).mapTo(Integer.class).one());
        } else {
            erased.put("pending_exports", 0);
        }
        erased.put("outcomes", handle.createUpdate("UPDATE outcome SET caller_hash = NULL WHERE account_id = :account AND caller_hash = :hash")
                .bind("account", accountId).bind("hash", hash).execute());
        int[] dropped = {0};
        int[] scrubbed = {0};
        // a queued delivery that carries the number is dropped; a sent one, or one that shows only the mask (webhook
        // events of the caller's calls), keeps its place with the text blanked
        forms.forEach(form -> scrubDeliveries(handle, accountId, form, true, dropped, scrubbed));
        masks.forEach(mask -> scrubDeliveries(handle, accountId, mask, false, dropped, scrubbed));
        erased.put("deliveries_dropped", dropped[0]);
        erased.put("deliveries_scrubbed", scrubbed[0]);
        return erased;
    }

    private static void scrubDeliveries(Handle handle, long accountId, String text, boolean dropPending, int[] dropped,
                                        int[] scrubbed) {
        List<Map<String, Object>> carrying = handle.createQuery("""
                        SELECT id, status, body FROM delivery WHERE account_id = :account AND body LIKE :pattern""")
                .bind("account", accountId).bind("pattern", "%" + text + "%").mapToMap().list();
        for (Map<String, Object> delivery : carrying) {
            long id = ((Number) delivery.get("id")).longValue();
            if (dropPending && "pending".equals(delivery.get("status"))) {
                handle.createUpdate("DELETE FROM delivery_attempt WHERE delivery_id = :id").bind("id", id).execute();
                dropped[0] += handle.createUpdate("DELETE FROM delivery WHERE id = :id").bind("id", id).execute();
            } else {
                handle.createUpdate("UPDATE delivery SET body = :body WHERE id = :id")
                        .bind("body", String.valueOf(delivery.get("body")).replace(text, "[erased]")).bind("id", id).execute();
                scrubbed[0]++;
            }
        }
    }

    /** The forms a number may take in a stored text: E.164 with and without its plus, national digits, and its SHA-256. */
    static List<String> forms(PhoneNumber caller) {
        String digits = caller.e164().substring(1);
        String national = caller.national().replaceAll("[^0-9]", "");
        return List.of(caller.sha256(), caller.e164(), digits, national);
    }


    /** When the caller was erased from the account, if ever. */
    public static Instant erasedAt(Handle handle, long accountId, String hash) {
        return handle.createQuery("SELECT MIN(erased_at) FROM erasure_log WHERE account_id = :account AND caller_hash = :hash")
                .bind("account", accountId).bind("hash", hash).mapTo(Instant.class).findOne().orElse(null);
    }
}
