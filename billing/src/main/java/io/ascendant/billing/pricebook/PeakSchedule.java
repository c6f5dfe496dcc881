package io.ascendant.billing.pricebook;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Time-of-day peak windows of a price version: local half-open ranges {@code [start, end)} in {@code zone}, on every
 * day or Monday to Friday only. DeepSeek's windows are {@code 09:00-12:00,14:00-18:00} Asia/Shanghai, weekdays.
 * Holidays are not modelled.
 *
 * @param zone zone of the local times
 * @param ranges non-overlapping local ranges, each with start &lt; end (no range crosses midnight)
 * @param weekdaysOnly when true, Saturdays and Sundays are off-peak all day
 */
public record PeakSchedule(ZoneId zone, List<Range> ranges, boolean weekdaysOnly) {

    /** A local half-open range {@code [start, end)}. */
    public record Range(LocalTime start, LocalTime end) {
        public Range {
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("peak range start " + start + " must be before end " + end);
            }
        }

        @Override
        public String toString() {
            return start + "-" + end;
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
     * Parses {@code HH:MM-HH:MM[,HH:MM-HH:MM...]}.
     *
     * @throws IllegalArgumentException on a malformed list or an empty range
     */
    public static PeakSchedule parse(ZoneId zone, String hours, boolean weekdaysOnly) {
        List<Range> out = new ArrayList<>();
        for (String part : hours.split(",")) {
            String[] se = part.trim().split("-");
            if (se.length != 2) {
                throw new IllegalArgumentException("peak hours must look like 09:00-12:00,14:00-18:00, got " + hours);
            }
            try {
                out.add(new Range(LocalTime.parse(se[0].trim()), LocalTime.parse(se[1].trim())));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("peak hours must look like 09:00-12:00,14:00-18:00, got " + hours);
            }
        }
        return new PeakSchedule(zone, out, weekdaysOnly);
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
            if (!t.isBefore(r.start()) && t.isBefore(r.end())) {
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
