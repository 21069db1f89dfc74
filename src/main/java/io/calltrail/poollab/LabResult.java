package io.calltrail.poollab;

import java.util.List;

/** What one simulated run measured. */
public record LabResult(Scenario scenario, Sessions sessions, Usage usage, Calls calls, List<Band> bands,
                        Quality highConfidence) {

    /** Sessions, how many were shown the fallback number, and how many took a number by reuse-oldest overflow. */
    public record Sessions(long total, long fallback, double fallbackShare, long reused) {
    }

    /**
     * Numbers not free (held by an active session or lingering), sampled every simulated minute, next to what
     * the Poisson model of an unlimited pool expects.
     */
    public record Usage(double mean, int p99, int peak, Expectation poisson) {
    }

    /** Numbers busy in an unlimited pool: Poisson at every instant, with mean arrival rate × lease length. */
    public record Expectation(double mean, int p99) {
    }

    /**
     * Calls from pool sessions, by what attribution made of them: the caller's own session (correct), another
     * session (wrong), nobody (none), or only the pool's source because the caller was shown the fallback number.
     */
    public record Calls(long total, long correct, long wrong, long none, long fallbackOnly) {
    }

    /** Attributions whose confidence lies in [from, to): how many were right, and their mean confidence. */
    public record Band(String label, double from, double to, long correct, long wrong, double meanConfidence,
                       double shareCorrect) {
        public long attributions() {
            return correct + wrong;
        }
    }

    /**
     * The attributions at or above the threshold: precision (share of them that are right) and recall (share of
     * all calls that got one that is right).
     */
    public record Quality(double threshold, long attributions, long correct, double precision, double recall) {
    }
}
