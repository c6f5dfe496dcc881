package io.ascendant.gateway.quota.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BudgetPeriodTest {

    @Test
    void monthStartsAtLocalMidnightOfTheFirst() {
        BudgetPeriod p = BudgetPeriod.containing(
                PeriodKind.MONTH, ZoneId.of("Asia/Shanghai"), Instant.parse("2026-11-30T17:00:00Z"));
        // 2026-12-01T01:00 in Shanghai: already December there.
        assertThat(p.start()).isEqualTo(Instant.parse("2026-11-30T16:00:00Z"));
        assertThat(p.end()).isEqualTo(Instant.parse("2026-12-31T16:00:00Z"));
    }

    @Test
    void sameInstantIsInDifferentMonthsInDifferentZones() {
        Instant at = Instant.parse("2026-11-30T20:00:00Z");
        assertThat(BudgetPeriod.containing(PeriodKind.MONTH, ZoneId.of("America/Los_Angeles"), at)
                        .start())
                .isEqualTo(Instant.parse("2026-11-01T07:00:00Z"));
        assertThat(BudgetPeriod.containing(PeriodKind.MONTH, ZoneId.of("Pacific/Auckland"), at)
                        .start())
                .isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
    }

    @Test
    void dayWithDaylightSavingChangeIsTwentyThreeOrTwentyFiveHours() {
        ZoneId ny = ZoneId.of("America/New_York");
        BudgetPeriod spring = BudgetPeriod.containing(PeriodKind.DAY, ny, Instant.parse("2026-03-08T12:00:00Z"));
        BudgetPeriod autumn = BudgetPeriod.containing(PeriodKind.DAY, ny, Instant.parse("2026-11-01T12:00:00Z"));
        assertThat(Duration.between(spring.start(), spring.end())).isEqualTo(Duration.ofHours(23));
        assertThat(Duration.between(autumn.start(), autumn.end())).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void periodsAreHalfOpenAndContiguous() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        BudgetPeriod p = BudgetPeriod.containing(PeriodKind.DAY, zone, Instant.parse("2026-06-10T10:00:00Z"));
        BudgetPeriod next = BudgetPeriod.containing(PeriodKind.DAY, zone, p.end());
        assertThat(p.contains(p.start())).isTrue();
        assertThat(p.contains(p.end())).isFalse();
        assertThat(next.start()).isEqualTo(p.end());
    }

    @Test
    void concurrencyPoolsNeverReset() {
        assertThat(BudgetPeriod.containing(PeriodKind.NONE, ZoneId.of("UTC"), Instant.parse("2030-01-01T00:00:00Z")))
                .isEqualTo(BudgetPeriod.FOREVER);
    }
}
