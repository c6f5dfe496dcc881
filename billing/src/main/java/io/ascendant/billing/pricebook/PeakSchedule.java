package io.ascendant.billing.pricebook;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Time-of-day peak windows of a price version: local half-open ranges {@code [start, end)} in {@code zone}, on every
 * day or Monday to Friday only. DeepSeek's windows are {@code 09:00-12:00,14:00-18:00} Asia/Shanghai, weekdays.
 * Holidays are not modelled.
 *
 * <p>The end of the day is written {@code 24:00} (ISO 8601's end-of-day notation): {@code 22:00-24:00} runs to
 * midnight and {@code 00:00-24:00} is the whole day, so a version can charge its peak rates around the clock.
 * {@code 24:00} is only an end, and a range never crosses midnight ({@code 22:00-02:00} is written {@code
 * 00:00-02:00,22:00-24:00}); a range with {@code start == end} such as {@code 00:00-00:00} is refused rather than read
 * as "empty" or "whole day". In a {@link Range} the end of the day is {@link LocalTime#MIDNIGHT} as the end.
 *
 * @param zone zone of the local times
 * @param ranges local ranges, each with start &lt; end (an end of {@code 00:00} means 24:00, the end of the day)
 * @param weekdaysOnly when true, Saturdays and Sundays are off-peak all day
 */
public record PeakSchedule(ZoneId zone, List<Range> ranges, boolean weekdaysOnly) {

    /** How the end of the day is written in peak hours. */
    public static final String END_OF_DAY = "24:00";

    /**
     * A local half-open range {@code [start, end)}; {@code end} {@link LocalTime#MIDNIGHT} is the end of the day
     * ({@code 24:00}), so {@code [00:00, 00:00)} is the whole day.
     */
    public record Range(LocalTime start, LocalTime end) {
        public Range {
            if (!endsAtMidnight(end) && !start.isBefore(end)) {
                throw new IllegalArgumentException("peak range start " + start + " must be before end " + end
                        + " (a range never crosses midnight: write 22:00-02:00 as 00:00-02:00,22:00-24:00)");
            }
        }

        private static boolean endsAtMidnight(LocalTime end) {
            return end.equals(LocalTime.MIDNIGHT);
        }

        /** Whether the local time {@code t} falls in {@code [start, end)}. */
        boolean contains(LocalTime t) {
            return !t.isBefore(start) && (endsAtMidnight(end) || t.isBefore(end));
        }

        @Override
        public String toString() {
            return start + "-" + (endsAtMidnight(end) ? END_OF_DAY : end.toString());
        }
    }

    public PeakSchedule {
        Objects.requireNonNull(zone, "zone");
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a peak schedule needs at least one range");
        }
    }

    /**
     * Parses {@code HH:MM-HH:MM[,HH:MM-HH:MM...]}; an end may be {@code 24:00} (the end of the day).
     *
     * @throws IllegalArgumentException on a malformed list, a range whose start is not before its end, or {@code
     *     24:00} as a start
     */
    public static PeakSchedule parse(ZoneId zone, String hours, boolean weekdaysOnly) {
        List<Range> out = new ArrayList<>();
        for (String part : hours.split(",")) {
            String[] se = part.trim().split("-");
            if (se.length != 2) {
                throw malformed(hours);
            }
            String start = se[0].trim();
            String end = se[1].trim();
            if (start.equals(END_OF_DAY)) {
                throw new IllegalArgumentException("peak range " + part.trim() + " starts at 24:00; 24:00 only ends a"
                        + " range (the end of the day), a range from midnight starts at 00:00");
            }
            LocalTime s;
            LocalTime e;
            try {
                s = LocalTime.parse(start);
                e = end.equals(END_OF_DAY) ? LocalTime.MIDNIGHT : LocalTime.parse(end);
            } catch (DateTimeParseException ex) {
                throw malformed(hours);
            }
            if (e.equals(LocalTime.MIDNIGHT) && !end.equals(END_OF_DAY)) {
                throw new IllegalArgumentException("peak range " + part.trim() + " ends at " + end + "; a range that"
                        + " runs to midnight ends at 24:00 (00:00-24:00 is the whole day)");
            }
            out.add(new Range(s, e));
        }
        return new PeakSchedule(zone, out, weekdaysOnly);
    }

    /**
     * Refuses ranges that overlap, such as {@code 09:00-12:00,11:00-13:00}: the hours they share would be written
     * twice, and an edit of one range could leave them peak by the other unnoticed. Ranges are half-open, so adjacent
     * ranges ({@code 10:00-12:00,12:00-14:00}) do not overlap. New versions are checked; a stored version is read as it
     * was accepted ({@link #parse} does not check), so versions stored before this rule still rate.
     *
     * @return this schedule
     * @throws IllegalArgumentException naming two ranges that overlap, as written
     */
    public PeakSchedule requireDisjoint() {
        List<Range> byStart =
                ranges.stream().sorted(Comparator.comparing(Range::start)).toList();
        // Sorted by start, two ranges overlap only if some range overlaps the one sorted right after it.
        for (int i = 1; i < byStart.size(); i++) {
            Range earlier = byStart.get(i - 1);
            Range later = byStart.get(i);
            if (Range.endsAtMidnight(earlier.end()) || later.start().isBefore(earlier.end())) {
                throw new IllegalArgumentException("peak ranges " + earlier + " and " + later + " overlap; ranges must"
                        + " not overlap (adjacent ranges such as 10:00-12:00,12:00-14:00 are fine)");
            }
        }
        return this;
    }

    private static IllegalArgumentException malformed(String hours) {
        return new IllegalArgumentException(
                "peak hours must look like 09:00-12:00,14:00-18:00 (24:00 ends a range at midnight), got " + hours);
    }

    /** Whether {@code at} falls in a peak window. */
    public boolean isPeak(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        DayOfWeek d = local.getDayOfWeek();
        if (weekdaysOnly && (d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY)) {
            return false;
        }
        LocalTime t = local.toLocalTime();
        for (Range r : ranges) {
            if (r.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** The hours as stored: {@code 09:00-12:00,14:00-18:00}. */
    public String hoursText() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
