package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.concurrency;
import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.recordUsage;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static io.ascendant.gateway.quota.QuotaFixtures.tokenBudget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Periods in time zones, late settlements, thresholds, concurrency slots and shadow limits. */
class BudgetLifecycleTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    private QuotaTestDb db;
    private MutableClock clock;
    private AgroalDataSource poolA;
    private AgroalDataSource poolB;
    private QuotaEngine a;
    private QuotaEngine b;

    @BeforeEach
    void twoReplicas() {
        db = new QuotaTestDb("quota_life");
        clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        poolA = db.newPool(4);
        poolB = db.newPool(4);
        a = new QuotaEngine(poolA, clock, settings(), "replica-a");
        b = new QuotaEngine(poolB, clock, settings(), "replica-b");
        a.start();
        b.start();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void periodRollsOverAtLocalMidnightAndALateSettleStaysInItsPeriod() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(tokenBudget("tokens:key:daily", 1_000, PeriodKind.DAY)));
        // 23:59:50 on 15 November in Los Angeles (PST, UTC-8).
        clock.set(Instant.parse("2026-11-16T07:59:50Z"));
        QuotaTicket r1 = a.admit(request("r1", 100, 400, null, LA), policy);
        QuotaTicket r2 = b.admit(request("r2", 100, 400, null, LA), policy);
        QuotaRefusedException full =
                assertThrows(QuotaRefusedException.class, () -> a.admit(request("r3", 100, 400, null, LA), policy));
        assertThat(full.refusal().code()).isEqualTo("quota_exceeded");
        assertThat(full.refusal().used()).isZero();
        assertThat(full.refusal().held()).isEqualByComparingTo("1000");
        // only holds stand in the way: a retry in a few seconds can succeed (sooner than the period's end, 10 s away)
        assertThat(full.refusal().retryAfterSeconds()).isEqualTo(2);

        // Midnight in Los Angeles: a new period with the whole budget.
        clock.advance(Duration.ofSeconds(20));
        QuotaTicket r4 = a.admit(request("r4", 100, 400, null, LA), policy);

        // r1 and r2 settle after midnight: they belong to the 15th.
        recordUsage(a, poolA, r1, 100, 200, BigDecimal.ZERO);
        recordUsage(b, poolB, r2, 100, 400, BigDecimal.ZERO);
        recordUsage(a, poolA, r4, 100, 50, BigDecimal.ZERO);
        clock.advance(Duration.ofSeconds(3));
        a.maintain();
        b.maintain();

        Timestamp day15 = Timestamp.from(Instant.parse("2026-11-15T08:00:00Z"));
        Timestamp day16 = Timestamp.from(Instant.parse("2026-11-16T08:00:00Z"));
        String committed =
                "SELECT committed FROM quota_account WHERE pool_key = 'tokens:key:daily' AND period_start = ?";
        String reserved = "SELECT reserved FROM quota_account WHERE pool_key = 'tokens:key:daily' AND period_start = ?";
        assertThat(db.decimal(committed, day15)).isEqualByComparingTo("800");
        assertThat(db.decimal(committed, day16)).isEqualByComparingTo("150");
        assertThat(db.decimal(reserved, day15)).isZero();
        assertThat(db.decimal(reserved, day16)).isZero();
    }

    @Test
    void aBudgetFullOfHoldsSaysRetryInSecondsAndOneFullOfUsageSaysTheEndOfThePeriod() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(tokenBudget("tokens:key:holds", 1_000, PeriodKind.DAY)));
        ZoneId utc = ZoneId.of("UTC");
        // noon: the day ends in 12 hours
        QuotaTicket r1 = a.admit(request("h1", 100, 400, null, utc), policy);
        QuotaTicket r2 = b.admit(request("h2", 100, 400, null, utc), policy);

        QuotaRefusedException heldOnly =
                assertThrows(QuotaRefusedException.class, () -> a.admit(request("h3", 100, 400, null, utc), policy));
        assertThat(heldOnly.refusal().used()).isZero();
        assertThat(heldOnly.refusal().retryAfterSeconds()).isEqualTo(2);
        assertThat(heldOnly.getMessage())
                .contains("used 0, held by requests in flight and replicas' leases 1000")
                .endsWith("Retry after 2 s.");

        // Both settle at their whole hold: the day's usage now leaves no room, whatever settles later.
        recordUsage(a, poolA, r1, 100, 400, BigDecimal.ZERO);
        recordUsage(b, poolB, r2, 100, 400, BigDecimal.ZERO);
        clock.advance(Duration.ofSeconds(3));
        a.maintain();
        b.maintain();
        QuotaRefusedException usedUp =
                assertThrows(QuotaRefusedException.class, () -> a.admit(request("h4", 100, 400, null, utc), policy));
        assertThat(usedUp.refusal().used()).isEqualByComparingTo("1000");
        assertThat(usedUp.refusal().retryAfterSeconds())
                .isEqualTo(Duration.between(clock.instant(), Instant.parse("2026-11-16T00:00:00Z"))
                        .getSeconds());
    }

    @Test
    void softThresholdsProduceOneEventEach() throws Exception {
        QuotaPolicy policy =
                policy(List.of(), List.of(moneyBudget("money:tenant:thresholds", BigDecimal.ONE, PeriodKind.MONTH)));
        for (String amount : List.of("0.5", "0.35", "0.1", "0.05")) {
            QuotaTicket t = a.admit(request("t" + amount, new BigDecimal(amount)), policy);
            recordUsage(a, poolA, t, 100, 100, new BigDecimal(amount));
        }
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'THRESHOLD' AND threshold_pct = 80"))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'THRESHOLD' AND threshold_pct = 100"))
                .isEqualTo(1);
        assertThat(db.decimal("SELECT used_amount FROM quota_event WHERE threshold_pct = 80"))
                .isEqualByComparingTo("0.85");
    }

    @Test
    void concurrencySlotsAreSharedByReplicasAndFreedAtTheEnd() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(concurrency("concurrency:key:c", 2)));
        QuotaTicket one = a.admit(request("c1", BigDecimal.ZERO), policy);
        QuotaTicket two = b.admit(request("c2", BigDecimal.ZERO), policy);
        QuotaRefusedException e =
                assertThrows(QuotaRefusedException.class, () -> a.admit(request("c3", BigDecimal.ZERO), policy));
        assertThat(e.refusal().code()).isEqualTo("rate_limit_exceeded");
        assertThat(e.getMessage()).contains("concurrent requests");
        one.complete(10, 10);
        assertThat(a.admit(request("c4", BigDecimal.ZERO), policy)).isNotNull();
        two.release();
        assertThat(b.admit(request("c5", BigDecimal.ZERO), policy)).isNotNull();
    }

    @Test
    void shadowLimitsLogWhatTheyWouldRefuseWithoutRefusing() throws Exception {
        PoolSpec shadowBudget = new PoolSpec(
                "money:tenant:shadow",
                PoolSpec.Unit.MONEY,
                "USD",
                new BigDecimal("0.05"),
                PeriodKind.MONTH,
                true,
                "tenant money budget (shadow)");
        RateSpec shadowRpm = new RateSpec("rpm:key:shadow", RateSpec.Kind.REQUESTS, 2, true, "rpm (shadow)");
        QuotaPolicy policy = policy(List.of(shadowRpm), List.of(shadowBudget));
        for (int i = 0; i < 5; i++) {
            QuotaTicket t = a.admit(request("s" + i, new BigDecimal("0.02")), policy);
            recordUsage(a, poolA, t, 100, 100, new BigDecimal("0.02"));
        }
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'SHADOW_REFUSAL' "
                        + "AND pool_key = 'money:tenant:shadow'"))
                .isEqualTo(3);
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'SHADOW_REFUSAL' "
                        + "AND pool_key = 'rpm:key:shadow'"))
                .isGreaterThanOrEqualTo(1);
        assertThat(db.decimal("SELECT max(limit_amount) FROM quota_event WHERE pool_key = 'money:tenant:shadow'"))
                .isEqualByComparingTo("0.05");
    }

    @Test
    void refusesAMoneyBudgetedRequestForAnUnpricedModel() {
        QuotaPolicy policy =
                policy(List.of(), List.of(moneyBudget("money:tenant:noprice", BigDecimal.TEN, PeriodKind.MONTH)));
        QuotaRefusedException e = assertThrows(QuotaRefusedException.class, () -> a.admit(request("np", null), policy));
        assertThat(e.refusal().code()).isEqualTo("quota_exceeded");
        assertThat(e.getMessage()).contains("has no price");
    }

    @Test
    void abandonedHoldsAreReleasedAfterTheMaximumHoldAge() throws Exception {
        QuotaPolicy policy =
                policy(List.of(), List.of(moneyBudget("money:tenant:abandoned", BigDecimal.ONE, PeriodKind.MONTH)));
        a.admit(request("stuck", new BigDecimal("0.6")), policy);
        assertThrows(QuotaRefusedException.class, () -> b.admit(request("other", new BigDecimal("0.6")), policy));
        clock.advance(Duration.ofMinutes(16));
        a.maintain();
        b.maintain();
        assertThat(a.openTickets()).isZero();
        assertThat(db.decimal("SELECT reserved FROM quota_account WHERE pool_key = 'money:tenant:abandoned'"))
                .isZero();
        assertThat(b.admit(request("other-again", new BigDecimal("0.6")), policy))
                .isNotNull();
    }
}
