package io.calltrail.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;

/**
 * Days {@code [from, to)} in a property's time zone: {@code from} is the first day reported, {@code to} the first day
 * after the period. Reports compare a period with the one of the same length just before it.
 */
public record Period(LocalDate from, LocalDate to, ZoneId zone) {
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 400;

    /** A period a request may not ask for: which parameter is wrong and why. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public Period {
        if (!to.isAfter(from)) {
            throw new Invalid("to", "to (" + to + ") must be after from (" + from + "); to is the first day after the period");
        }
        if (ChronoUnit.DAYS.between(from, to) > MAX_DAYS) {
            throw new Invalid("to", "a period is at most " + MAX_DAYS + " days; this one has " + ChronoUnit.DAYS.between(from, to));
        }
    }

    /**
     * The period a request names; without {@code to}, up to and including today; without {@code from}, the
     * {@value #DEFAULT_DAYS} days before {@code to}.
     */
    public static Period of(LocalDate from, LocalDate to, ZoneId zone, Instant now) {
        LocalDate end = to != null ? to : LocalDate.ofInstant(now, zone).plusDays(1);
        LocalDate start = from != null ? from : end.minusDays(DEFAULT_DAYS);
        return new Period(start, end, zone);
    }

    public int days() {
        return (int) ChronoUnit.DAYS.between(from, to);
    }

    /** The period of the same length that ends where this one starts. */
    public Period previous() {
        return new Period(from.minusDays(days()), from, zone);
    }

    public List<LocalDate> dates() {
        return from.datesUntil(to).toList();
    }

    /** A stretch of time during which the zone's offset from UTC does not change. */
    public record Stretch(Instant start, Instant end, int offsetSeconds) {
        /** The day in the zone of an instant inside this stretch, as SQL computes it: whole days since 1970-01-01, local. */
        public LocalDate day(Instant instant) {
            return LocalDate.ofEpochDay(Math.floorDiv(instant.getEpochSecond() + offsetSeconds, 86_400L));
        }
    }

    /**
     * {@code [start, end)} cut where the zone changes its offset (daylight saving time), so that the local day of an
     * instant in each stretch is {@code floor((epoch seconds + offset) / 86400)}, which both databases compute alike.
     */
    public static List<Stretch> stretches(Instant start, Instant end, ZoneId zone) {
        List<Stretch> stretches = new ArrayList<>();
        Instant at = start;
        while (at.isBefore(end)) {
            ZoneOffsetTransition next = zone.getRules().nextTransition(at);
            Instant until = next == null || !next.getInstant().isBefore(end) ? end : next.getInstant();
            stretches.add(new Stretch(at, until, zone.getRules().getOffset(at).getTotalSeconds()));
            at = until;
        }
        return stretches;
    }

    /** The instant a local day starts in a zone (not always midnight: some zones skip it when the clocks change). */
    static Instant startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }
}
