package io.calltrail.web;

import java.time.Duration;
import java.time.Instant;

/** How long ago something happened, as a person says it: "just now", "3 minutes ago", "2 days ago". */
public final class Ago {
    private Ago() {
    }

    public static String since(Instant then, Instant now) {
        Duration gone = Duration.between(then, now);
        if (gone.toMinutes() < 1) {
            return "just now";
        }
        if (gone.toHours() < 1) {
            return plural(gone.toMinutes(), "minute") + " ago";
        }
        if (gone.toDays() < 1) {
            return plural(gone.toHours(), "hour") + " ago";
        }
        return plural(gone.toDays(), "day") + " ago";
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
