package io.ascendant.billing.pricebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PeakScheduleTest {

    private final PeakSchedule deepSeek = PeakSchedule.parse(Fixtures.SHANGHAI, "09:00-12:00,14:00-18:00", true);

    @Test
    void peakStartsInclusiveAndEndsExclusiveInBeijingTime() {
        // Monday 2026-08-17: 09:00 Beijing = 01:00 UTC.
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T00:59:59.999Z"))).isFalse();
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T01:00:00Z"))).isTrue();
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T03:59:59.999Z"))).isTrue();
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T04:00:00Z"))).isFalse(); // 12:00
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T05:59:59Z"))).isFalse(); // 13:59:59
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T06:00:00Z"))).isTrue(); // 14:00
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-17T10:00:00Z"))).isFalse(); // 18:00
    }

    @Test
    void weekendsAreOffPeakAllDayWhenWeekdaysOnly() {
        // Saturday 2026-08-22 10:00 Beijing.
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-22T02:00:00Z"))).isFalse();
        // Friday 23:30 UTC is Saturday 07:30 Beijing; Sunday 2026-08-23 18:00 UTC is Monday 02:00 Beijing.
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-21T23:30:00Z"))).isFalse();
        PeakSchedule everyDay = PeakSchedule.parse(Fixtures.SHANGHAI, "09:00-12:00", false);
        assertThat(everyDay.isPeak(Instant.parse("2026-08-22T02:00:00Z"))).isTrue();
    }

    @Test
    void weekdayIsTheWeekdayOfTheScheduleZoneNotUtc() {
        // Sunday 2026-08-23 at 17:30 UTC is Monday 01:30 Beijing: a weekday, but outside the windows.
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-23T17:30:00Z"))).isFalse();
        // Sunday 2026-08-23 at 01:30 UTC is Sunday 09:30 Beijing: weekend, off-peak although 09:30 is in a window.
        assertThat(deepSeek.isPeak(Instant.parse("2026-08-23T01:30:00Z"))).isFalse();
    }

    @Test
    void windowsFollowLocalTimeAcrossDaylightSavingChanges() {
        PeakSchedule berlin = PeakSchedule.parse(ZoneId.of("Europe/Berlin"), "09:00-10:00", false);
        // 09:30 local is 07:30 UTC in summer (CEST) and 08:30 UTC in winter (CET); DST ended 2026-10-25.
        assertThat(berlin.isPeak(Instant.parse("2026-10-24T07:30:00Z"))).isTrue();
        assertThat(berlin.isPeak(Instant.parse("2026-10-26T07:30:00Z"))).isFalse();
        assertThat(berlin.isPeak(Instant.parse("2026-10-26T08:30:00Z"))).isTrue();
    }

    @Test
    void rejectsMalformedHours() {
        assertThrows(IllegalArgumentException.class, () -> PeakSchedule.parse(Fixtures.SHANGHAI, "9-12", true));
        assertThrows(IllegalArgumentException.class, () -> PeakSchedule.parse(Fixtures.SHANGHAI, "12:00-09:00", true));
        assertThat(deepSeek.hoursText()).isEqualTo("09:00-12:00,14:00-18:00");
    }

    @Test
    void wholeDayWindowWritten0000To2400IsPeakAtEveryHourOfEveryDay() {
        PeakSchedule wholeDay = PeakSchedule.parse(Fixtures.SHANGHAI, "00:00-24:00", false);
        Instant saturdayMidnightBeijing = Instant.parse("2026-08-21T16:00:00Z"); // Sat 2026-08-22 00:00 in Beijing
        for (int minutes = 0; minutes < 7 * 24 * 60; minutes += 30) {
            Instant at = saturdayMidnightBeijing.plusSeconds(minutes * 60L);
            assertThat(wholeDay.isPeak(at)).as(at.toString()).isTrue();
        }
        assertThat(wholeDay.isPeak(Instant.parse("2026-08-22T15:59:59.999999999Z")))
                .isTrue(); // 23:59:59.999999999
        assertThat(wholeDay.hoursText()).isEqualTo("00:00-24:00");
        assertThat(PeakSchedule.parse(Fixtures.SHANGHAI, wholeDay.hoursText(), false))
                .isEqualTo(wholeDay);
        // Weekdays only: the whole of Monday to Friday, nothing at the weekend.
        PeakSchedule workdays = PeakSchedule.parse(Fixtures.SHANGHAI, "00:00-24:00", true);
        assertThat(workdays.isPeak(Instant.parse("2026-08-23T15:59:59Z"))).isFalse(); // Sun 23:59:59
        assertThat(workdays.isPeak(Instant.parse("2026-08-23T16:00:00Z"))).isTrue(); // Mon 00:00
    }

    @Test
    void rangeEndingAt2400RunsToMidnightEndExclusive() {
        PeakSchedule evening = PeakSchedule.parse(Fixtures.SHANGHAI, "00:00-02:00,22:00-24:00", false);
        assertThat(evening.isPeak(Instant.parse("2026-08-17T13:59:59Z"))).isFalse(); // 21:59:59
        assertThat(evening.isPeak(Instant.parse("2026-08-17T14:00:00Z"))).isTrue(); // 22:00
        assertThat(evening.isPeak(Instant.parse("2026-08-17T15:59:59Z"))).isTrue(); // 23:59:59
        assertThat(evening.isPeak(Instant.parse("2026-08-17T16:00:00Z"))).isTrue(); // 00:00 next day
        assertThat(evening.isPeak(Instant.parse("2026-08-17T18:00:00Z"))).isFalse(); // 02:00
        assertThat(evening.hoursText()).isEqualTo("00:00-02:00,22:00-24:00");
    }

    @Test
    void rejectsAmbiguousOrCrossingMidnightRanges() {
        for (String hours : new String[] {
            "00:00-00:00",
            "09:00-09:00",
            "22:00-00:00",
            "22:00-02:00",
            "24:00-24:00",
            "24:00-01:00",
            "00:00-24:01",
            "00:00-25:00"
        }) {
            assertThrows(
                    IllegalArgumentException.class, () -> PeakSchedule.parse(Fixtures.SHANGHAI, hours, false), hours);
        }
    }

    @Test
    void overlappingRangesAreRefusedNamingBothRanges() {
        String[][] cases = {
            {"09:00-12:00,11:00-13:00", "09:00-12:00", "11:00-13:00"},
            {"14:00-18:00,09:00-15:00", "09:00-15:00", "14:00-18:00"},
            {"09:00-12:00,09:00-12:00", "09:00-12:00", "09:00-12:00"},
            {"00:00-24:00,09:00-10:00", "00:00-24:00", "09:00-10:00"},
            {"22:00-24:00,23:00-23:30", "22:00-24:00", "23:00-23:30"},
            {"08:00-20:00,09:00-10:00,11:00-12:00", "08:00-20:00", "09:00-10:00"},
        };
        for (String[] c : cases) {
            PeakSchedule parsed = PeakSchedule.parse(Fixtures.SHANGHAI, c[0], false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parsed::requireDisjoint, c[0]);
            assertThat(e.getMessage()).as(c[0]).contains("peak ranges " + c[1] + " and " + c[2] + " overlap");
        }
    }

    @Test
    void adjacentRangesDoNotOverlap() {
        for (String hours : new String[] {
            "10:00-12:00,12:00-14:00", "12:00-24:00,00:00-12:00", "00:00-02:00,22:00-24:00", "09:00-12:00,14:00-18:00"
        }) {
            PeakSchedule s = PeakSchedule.parse(Fixtures.SHANGHAI, hours, false);
            assertThat(s.requireDisjoint()).as(hours).isSameAs(s);
        }
    }
}
