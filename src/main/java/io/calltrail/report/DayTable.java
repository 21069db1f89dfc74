package io.calltrail.report;

import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** What each value of one dimension adds up to, day by day. */
public final class DayTable {
    private final Map<LocalDate, Map<String, Counts>> days = new TreeMap<>();

    public void add(LocalDate day, String value, Counts counts) {
        days.computeIfAbsent(day, ignored -> new HashMap<>()).merge(value, counts, Counts::plus);
    }

    /** The values of one day (empty when nothing happened). */
    public Map<String, Counts> day(LocalDate day) {
        return Collections.unmodifiableMap(days.getOrDefault(day, Map.of()));
    }

    /** Each value added up over the days {@code [from, to)}. */
    public Map<String, Counts> total(LocalDate from, LocalDate to) {
        Map<String, Counts> total = new HashMap<>();
        days.forEach((day, values) -> {
            if (!day.isBefore(from) && day.isBefore(to)) {
                values.forEach((value, counts) -> total.merge(value, counts, Counts::plus));
            }
        });
        return total;
    }
}
