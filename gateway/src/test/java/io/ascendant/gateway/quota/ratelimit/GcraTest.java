package io.ascendant.gateway.quota.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GcraTest {

    private static final long S = 1_000_000_000L;

    @Test
    void emissionIntervalIsAMinuteOverTheLimitRoundedUp() {
        assertThat(Gcra.perMinute(60, 0).intervalNanos()).isEqualTo(S);
        assertThat(Gcra.perMinute(7, 0).intervalNanos()).isEqualTo(8_571_428_572L);
    }

    @Test
    void admitsTheBurstThenOneCellPerInterval() {
        Gcra g = Gcra.perMinute(60, 0.1); // T = 1 s, tau = 6 s: 7 cells at once from idle
        long now = 1_000 * S;
        long tat = 0;
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            Gcra.Decision d = g.lease(tat, now, 1, 1);
            if (d.allowed()) {
                tat = d.newTat();
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(7);
        Gcra.Decision refused = g.lease(tat, now, 1, 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterNanos()).isEqualTo(S);
        assertThat(g.lease(tat, now + S, 1, 1).allowed()).isTrue();
    }

    @Test
    void aFullMinuteBurstAdmitsExactlyTheLimitAtOnceAndShowsItAsRemaining() {
        for (long limit : new long[] {1, 3, 7, 600}) {
            Gcra g = Gcra.perMinute(limit, 1.0);
            long now = 1_000 * S;
            long tat = 0;
            assertThat(g.remaining(tat, now)).isEqualTo(limit);
            int admitted = 0;
            for (int i = 0; i < limit + 5; i++) {
                Gcra.Decision d = g.lease(tat, now, 1, 1);
                if (d.allowed()) {
                    tat = d.newTat();
                    admitted++;
                    assertThat(g.remaining(tat, now)).isEqualTo(limit - admitted);
                }
            }
            assertThat(admitted).isEqualTo(limit);
            // One interval later exactly one more conforms.
            assertThat(g.remaining(tat, now + g.intervalNanos())).isEqualTo(1);
            assertThat(g.remaining(0, now + 3600 * S)).isEqualTo(limit);
        }
    }

    @Test
    void neverAdmitsADoubleBurstAtAWindowBoundary() {
        // A fixed window would admit 60 at 0:59.9 and 60 more at 1:00.0; GCRA admits the burst once.
        Gcra g = Gcra.perMinute(60, 0.1);
        long t0 = 59_900_000_000L;
        long tat = 0;
        int admitted = 0;
        for (long now : new long[] {t0, t0 + 100_000_000L}) {
            for (int i = 0; i < 60; i++) {
                Gcra.Decision d = g.lease(tat, now, 1, 1);
                if (d.allowed()) {
                    tat = d.newTat();
                    admitted++;
                }
            }
        }
        assertThat(admitted).isEqualTo(7);
    }

    @Test
    void leaseShrinksToTheSingleRequestNearTheLimit() {
        Gcra g = Gcra.perMinute(60, 0.1);
        long now = 1_000 * S;
        Gcra.Decision first = g.lease(0, now, 1, 5);
        assertThat(first.granted()).isEqualTo(5);
        Gcra.Decision second = g.lease(first.newTat(), now, 1, 5);
        assertThat(second.granted()).isEqualTo(2);
        Gcra.Decision third = g.lease(second.newTat(), now, 1, 5);
        assertThat(third.allowed()).isFalse();
    }

    @Test
    void aLargeChargeConformsWhenTheLimitIsIdleAndDelaysTheNext() {
        Gcra g = Gcra.perMinute(60_000, 0.0); // tokens: T = 1 ms
        long now = 1_000 * S;
        Gcra.Decision big = g.lease(0, now, 30_000, 30_000);
        assertThat(big.granted()).isEqualTo(30_000);
        Gcra.Decision next = g.lease(big.newTat(), now, 1, 1);
        assertThat(next.allowed()).isFalse();
        assertThat(next.retryAfterNanos()).isEqualTo(30 * S);
    }

    @Test
    void remainingCountsConformingCells() {
        Gcra g = Gcra.perMinute(60, 0.1);
        long now = 1_000 * S;
        assertThat(g.remaining(0, now)).isEqualTo(7);
        assertThat(g.remaining(now + 6 * S, now)).isEqualTo(1);
        assertThat(g.remaining(now + 7 * S, now)).isZero();
    }

    @Test
    void rejectsNonsenseLimits() {
        assertThrows(IllegalArgumentException.class, () -> Gcra.perMinute(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> Gcra.perMinute(10, 1.5));
        assertThrows(
                IllegalArgumentException.class, () -> Gcra.perMinute(10, 0.1).lease(0, 0, 2, 1));
    }
}
