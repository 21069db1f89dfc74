package io.calltrail.telephony;

import io.calltrail.web.Readable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;

/** An attribution in plain words, for the dashboard: its method, how far to trust it, and why the call went where it did. */
final class AttributionWords {
    private AttributionWords() {
    }

    static String method(String method) {
        return switch (method) {
            case "lease" -> "Visitor session (pool number)";
            case "linger" -> "Visitor session (pool number, kept after the visit)";
            case "static_source" -> "Source's own number";
            default -> "Not attributable";
        };
    }

    /** High, Medium or Low; empty for a call that is not attributed (there is nothing to trust). */
    static String level(String method, BigDecimal confidence) {
        if ("none".equals(method) || confidence == null) {
            return "";
        }
        double value = confidence.doubleValue();
        return value >= 0.9 ? "High" : value >= 0.5 ? "Medium" : "Low";
    }

    /** The badge class of a level: good, warn or bad. */
    static String badge(String level) {
        return switch (level) {
            case "High" -> "good";
            case "Medium" -> "warn";
            case "Low" -> "bad";
            default -> "";
        };
    }

    /** {@code 0.97}: the figure exports compare with their minimum. */
    static String figure(BigDecimal confidence) {
        return confidence == null ? "" : confidence.stripTrailingZeros().toPlainString();
    }

    /**
     * What the figure means: confidence is {@code 1 − 10 × (chance it is wrong)} (see {@link Confidence}), so 0.9 is
     * one such attribution in a hundred wrong.
     */
    static String meaning(String method, BigDecimal confidence) {
        if ("none".equals(method) || confidence == null) {
            return "There is nothing to trust: the call is counted, but under no source.";
        }
        double value = confidence.doubleValue();
        if (value >= 1) {
            return "Certain: every call to this number comes from this source.";
        }
        if (value <= 0) {
            return "About one such call in ten, or more, is attributed to the wrong visitor.";
        }
        long oneIn = Math.round(10 / (1 - value));
        return "About one such call in " + oneIn + " is attributed to the wrong visitor.";
    }

    /**
     * Why the call counts where it does, in a sentence or two.
     *
     * @param lastTelClick the visitor's latest click on a phone link before the call, or null
     */
    static String why(CallQueries.Detail call, ZoneId zone, Instant lastTelClick) {
        String number = Readable.phone(call.dialled());
        Instant at = call.startedAt();
        return switch (call.attribution()) {
            case "static_source" -> number + " is a fixed number shown only for " + quoted(call.sourceName())
                    + ", so every call to it counts for " + quoted(call.sourceName()) + ".";
            case "lease", "linger" -> leased(call, number, zone, lastTelClick);
            default -> call.trackingNumberId() == null
                    ? "This call reached " + number + " without passing a tracking number (it comes from the call log you "
                            + "imported), so it cannot be tied to an ad or a page. It is counted so that reports show how "
                            + "many of your calls tracking covers."
                    : "No visitor session had " + number + " when the call came at " + Readable.time(at, at, zone)
                            + ", so the call cannot be tied to an ad or a page. Calltrail does not guess.";
        };
    }

    private static String leased(CallQueries.Detail call, String number, ZoneId zone, Instant lastTelClick) {
        Instant at = call.startedAt();
        CallQueries.LeaseSpan lease = call.lease();
        StringBuilder why = new StringBuilder();
        if (lease == null) {
            why.append(number).append(" was leased to one visitor session when the call came at ").append(Readable.time(at, at, zone))
                    .append(".");
        } else {
            Instant held = lease.releasedAt() != null && lease.releasedAt().isBefore(lease.idleUntil())
                    ? lease.releasedAt() : lease.idleUntil();
            why.append("This number was leased to one visitor session from ").append(Readable.time(lease.leasedAt(), at, zone))
                    .append(" to ").append(Readable.time(held, at, zone)).append(". ");
            if ("lease".equals(call.attribution())) {
                why.append("The call came at ").append(Readable.time(at, at, zone)).append(", while that visitor had it.");
            } else {
                Instant kept = lease.releasedAt() != null && lease.releasedAt().isBefore(lease.lingerUntil())
                        ? lease.releasedAt() : lease.lingerUntil();
                why.append("The call came at ").append(Readable.time(at, at, zone)).append(", after the visitor had gone quiet, ")
                        .append("while the number was still kept for them (until ").append(Readable.time(kept, at, zone))
                        .append("), so it counts for them, with less certainty.");
            }
        }
        if (Confidence.clickedShortlyBefore(lastTelClick, at)) {
            why.append(" The visitor clicked the phone number at ").append(Readable.time(lastTelClick, at, zone))
                    .append(", just before the call.");
        }
        return why.toString();
    }

    private static String quoted(String source) {
        return "“" + (source == null ? "its source" : source) + "”";
    }
}
