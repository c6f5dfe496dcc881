package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway answered a request, journalled its usage with its budget hold, and died before the ledger committed it.
 * The next gateway replays the journal: the ledger transaction that inserts the row settles the dead replica's hold
 * exactly as the live path would have (lease and reserved shrink by the hold, committed grows by the actual), and a
 * second replay of the same row changes nothing.
 */
class ReplayedHoldsTest {

    static final String POOL = "money:tenant:replay";
    static final BigDecimal BUDGET = new BigDecimal("1.00");
    static final BigDecimal WORST_CASE = new BigDecimal("0.0123");
    static final BigDecimal ACTUAL = new BigDecimal("0.0050");

    private QuotaTestDb db;
    private AgroalDataSource pool;

    @BeforeEach
    void database() {
        db = new QuotaTestDb("quota_replay");
        pool = db.newPool(4);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void replayedUsageSettlesTheDeadReplicasHoldExactlyOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        QuotaEngine dead = new QuotaEngine(pool, clock, settings(), "replica-dead");
        dead.start();
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget(POOL, BUDGET, PeriodKind.MONTH)));
        QuotaTicket ticket = dead.admit(request("req-replayed", WORST_CASE), policy);
        List<HeldBudget> journalled = ticket.budgetHolds();
        assertThat(journalled).singleElement().satisfies(h -> {
            assertThat(h.held()).isEqualByComparingTo(WORST_CASE);
            assertThat(h.money()).isTrue();
            assertThat(h.replicaId()).isEqualTo(dead.replicaId());
        });
        String reserved = "SELECT reserved FROM quota_account WHERE pool_key = '" + POOL + "'";
        String committed = "SELECT committed FROM quota_account WHERE pool_key = '" + POOL + "'";
        String lease = "SELECT amount FROM quota_lease WHERE replica_id = ?";
        BigDecimal reservedBefore = db.decimal(reserved);
        BigDecimal leaseBefore = db.decimal(lease, dead.replicaId());
        assertThat(leaseBefore).isGreaterThanOrEqualTo(WORST_CASE);
        // The dead replica never settles; a new one replays its journal.
        QuotaEngine next = new QuotaEngine(pool, clock, settings(), "replica-next");
        next.start();
        for (int replay = 1; replay <= 2; replay++) {
            next.restoreForReplay("req-replayed", QuotaFixtures.TENANT, journalled);
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                next.settleInLedger(c, List.of(new LedgerRow("req-replayed", 700, ACTUAL, true)));
                c.commit();
                c.setAutoCommit(true);
            } finally {
                next.forgetReplay("req-replayed");
            }
            assertThat(db.decimal(committed)).as("replay %d", replay).isEqualByComparingTo(ACTUAL);
            assertThat(db.decimal(reserved))
                    .as("replay %d", replay)
                    .isEqualByComparingTo(reservedBefore.subtract(WORST_CASE));
            assertThat(db.decimal(lease, dead.replicaId()))
                    .as("replay %d", replay)
                    .isEqualByComparingTo(leaseBefore.subtract(WORST_CASE));
            assertThat(db.count("SELECT count(*) FROM quota_settlement WHERE request_id = 'req-replayed'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aRowWithoutJournalledHoldsIsLeftAloneAsBefore() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        QuotaEngine next = new QuotaEngine(pool, clock, settings(), "replica-next");
        next.start();
        next.restoreForReplay("req-unheld", QuotaFixtures.TENANT, List.of());
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            next.settleInLedger(c, List.of(new LedgerRow("req-unheld", 10, ACTUAL, true)));
            c.commit();
        }
        assertThat(db.count("SELECT count(*) FROM quota_settlement")).isZero();
    }
}
