package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.recordUsage;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas (independent engines, each with its own connection pool and leases) on one PostgreSQL, 500
 * concurrent requests against a money budget that fits exactly N worst cases.
 */
class BudgetStormTest {

    private static final BigDecimal WORST_CASE = new BigDecimal("0.0123");
    private static final int N = 37;
    private static final BigDecimal BUDGET = WORST_CASE.multiply(BigDecimal.valueOf(N));
    private static final int REQUESTS = 500;

    private QuotaTestDb db;
    private MutableClock clock;
    private AgroalDataSource poolA;
    private AgroalDataSource poolB;
    private QuotaEngine a;
    private QuotaEngine b;

    @BeforeEach
    void twoReplicas() {
        db = new QuotaTestDb("quota_storm");
        clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        poolA = db.newPool(8);
        poolB = db.newPool(8);
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
    void neverExceedsHardBudgetUnderConcurrencyAcrossReplicas() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget("money:tenant:storm", BUDGET, PeriodKind.MONTH)));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < REQUESTS; i++) {
                boolean onA = i % 2 == 0;
                QuotaEngine engine = onA ? a : b;
                AgroalDataSource ds = onA ? poolA : poolB;
                String id = "storm-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    QuotaTicket t;
                    try {
                        t = engine.admit(request(id, WORST_CASE), policy);
                    } catch (QuotaRefusedException e) {
                        assertThat(e.refusal().code()).isEqualTo("quota_exceeded");
                        refused.incrementAndGet();
                        return null;
                    }
                    admitted.incrementAndGet();
                    Thread.sleep(1 + (id.hashCode() & 7));
                    // Every admitted request spends its whole worst case: the hardest case for the bound.
                    recordUsage(engine, ds, t, 100, 100, WORST_CASE);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        }

        BigDecimal committed = db.decimal("SELECT sum(committed) FROM quota_account");
        BigDecimal settled = db.decimal("SELECT sum(actual) FROM quota_settlement");
        assertThat(admitted.get() + refused.get()).isEqualTo(REQUESTS);
        assertThat(admitted.get()).isBetween(1, N);
        assertThat(committed).isLessThanOrEqualTo(BUDGET);
        assertThat(settled).isEqualByComparingTo(committed);
        assertThat(db.count("SELECT count(*) FROM quota_settlement")).isEqualTo(admitted.get());

        // Once both replicas give back their idle slices, every hold is settled or released...
        clock.advance(Duration.ofSeconds(3));
        a.maintain();
        b.maintain();
        assertThat(db.decimal("SELECT sum(reserved) FROM quota_account")).isZero();
        assertThat(db.decimal("SELECT coalesce(sum(amount), 0) FROM quota_lease"))
                .isZero();
        assertThat(a.openTickets() + b.openTickets()).isZero();

        // ...and nothing leaked: the rest of the budget admits exactly the remaining worst cases, no more.
        int more = 0;
        for (int i = 0; i < 2 * N; i++) {
            QuotaEngine engine = i % 2 == 0 ? a : b;
            try {
                QuotaTicket t = engine.admit(request("after-" + i, WORST_CASE), policy);
                recordUsage(engine, i % 2 == 0 ? poolA : poolB, t, 100, 100, WORST_CASE);
                more++;
            } catch (QuotaRefusedException e) {
                break;
            }
        }
        assertThat(admitted.get() + more).isEqualTo(N);
        assertThat(db.decimal("SELECT sum(committed) FROM quota_account")).isEqualByComparingTo(BUDGET);
    }

    @Test
    void settlesToActualCostAndFreesTheRestOfTheHold() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget("money:tenant:partial", BUDGET, PeriodKind.MONTH)));
        // A cancelled request that generated a tenth of its worst case is charged only that.
        QuotaTicket cancelled = a.admit(request("cancelled", WORST_CASE), policy);
        recordUsage(a, poolA, cancelled, 100, 10, new BigDecimal("0.00123"));
        // A request that failed before dispatch holds nothing afterwards.
        QuotaTicket failed = b.admit(request("failed", WORST_CASE), policy);
        failed.release();

        clock.advance(Duration.ofSeconds(3));
        a.maintain();
        b.maintain();
        assertThat(db.decimal("SELECT sum(committed) FROM quota_account")).isEqualByComparingTo("0.00123");
        assertThat(db.decimal("SELECT sum(reserved) FROM quota_account")).isZero();
    }

    @Test
    void settlesOnceWhenTheLedgerReplaysARequest() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget("money:tenant:replay", BUDGET, PeriodKind.MONTH)));
        QuotaTicket t = a.admit(request("replayed", WORST_CASE), policy);
        try (var c = poolA.getConnection()) {
            c.setAutoCommit(false);
            a.settleInLedger(c, List.of(new LedgerRow("replayed", 200, WORST_CASE, true)));
            // The batch fails and the ledger retries it: the retry settles, the failed attempt left nothing.
            c.rollback();
            a.settleInLedger(c, List.of(new LedgerRow("replayed", 200, WORST_CASE, true)));
            c.commit();
            a.settleInLedger(c, List.of(new LedgerRow("replayed", 200, WORST_CASE, true)));
            c.commit();
            c.setAutoCommit(true);
        }
        t.complete(100, 100);
        assertThat(db.decimal("SELECT sum(committed) FROM quota_account")).isEqualByComparingTo(WORST_CASE);
        assertThat(db.count("SELECT count(*) FROM quota_settlement")).isEqualTo(1);
    }

    @Test
    void unpricedUsageSettlesAtTheHeldAmountNotZero() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget("money:tenant:unpriced", BUDGET, PeriodKind.MONTH)));
        QuotaTicket t = a.admit(request("unpriced", WORST_CASE), policy);
        try (var c = poolA.getConnection()) {
            c.setAutoCommit(false);
            a.settleInLedger(c, List.of(new LedgerRow("unpriced", 200, BigDecimal.ZERO, false)));
            c.commit();
            c.setAutoCommit(true);
        }
        t.complete(100, 100);
        assertThat(db.decimal("SELECT sum(committed) FROM quota_account")).isEqualByComparingTo(WORST_CASE);
    }
}
