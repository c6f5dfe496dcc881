package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.recordUsage;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quota engine on {@link BoundedDataSource}: a lease that waits for a quota store that does not answer fails with
 * {@link QuotaStoreException} after the database timeout instead of waiting for the client to give up, takes
 * nothing, and once the store answers again admission and settlement go on with every request charged exactly once.
 * The store is stalled for real: another session holds the accounts table locked, so PostgreSQL answers nothing to
 * the engine's statements (as with a stopped server, from the client's side) until the test lets go. Durations are
 * used only as generous upper bounds (the timeout is 1 s; the test waits up to 60 s for an answer).
 */
class QuotaStoreTimeoutTest {

    static final String POOL = "money:tenant:store-timeout";
    static final BigDecimal WORST_CASE = new BigDecimal("0.0100");
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private QuotaTestDb db;
    private AgroalDataSource pool;
    private QuotaEngine engine;
    private ExecutorService threads;

    @BeforeEach
    void engine() {
        db = new QuotaTestDb("quota_store_timeout");
        pool = db.newPool(4);
        engine = new QuotaEngine(
                new BoundedDataSource(pool, TIMEOUT),
                new MutableClock(Instant.parse("2026-11-15T12:00:00Z")),
                settings(),
                "replica-timeout");
        engine.start();
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        db.close();
    }

    @Test
    void aLeaseThatWaitsForAStalledStoreFailsAfterTheTimeoutAndTakesNothing() throws Exception {
        // Each request's worst case is 20 % of the budget, far above a lease's 2 %: every admission leases.
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget(POOL, new BigDecimal("0.0500"), PeriodKind.MONTH)));
        QuotaTicket first = engine.admit(request("req-1", WORST_CASE), policy);
        recordUsage(engine, pool, first, 100, 100, new BigDecimal("0.0040"));

        try (Connection stall = db.newConnection()) {
            stall.setAutoCommit(false);
            try (Statement s = stall.createStatement()) {
                s.execute("LOCK TABLE quota_account IN ACCESS EXCLUSIVE MODE");
            }
            Future<QuotaTicket> stalled = threads.submit(() -> engine.admit(request("req-2", WORST_CASE), policy));
            // Without the bound this waits as long as the lock is held: here, until the assertion gives up.
            assertThatThrownBy(() -> stalled.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(QuotaStoreException.class)
                    .hasMessageContaining("grant failed");
            assertThat(engine.openTickets()).as("nothing admitted").isZero();
            assertThat(engine.outstandingByPool().get(POOL)).isEqualByComparingTo("0");
            stall.rollback();
        }

        QuotaTicket third = engine.admit(request("req-3", WORST_CASE), policy);
        recordUsage(engine, pool, third, 100, 100, new BigDecimal("0.0060"));
        engine.shutdown();

        assertThat(db.decimal("SELECT committed FROM quota_account WHERE pool_key = ?", POOL))
                .as("the two admitted requests, each charged once; the refused one not at all")
                .isEqualByComparingTo("0.0100");
        assertThat(db.count(
                        "SELECT count(*) FROM quota_settlement s JOIN quota_account a ON a.id = s.account_id"
                                + " WHERE a.pool_key = ?",
                        POOL))
                .isEqualTo(2);
        assertThat(db.decimal("SELECT reserved FROM quota_account WHERE pool_key = ?", POOL))
                .as("nothing stays reserved for the request that failed")
                .isEqualByComparingTo("0");
    }

    @Test
    void aStatementTheStoreDoesNotAnswerFailsAfterTheTimeout() throws Exception {
        BoundedDataSource bounded = new BoundedDataSource(pool, TIMEOUT);
        Future<Throwable> sleeping = threads.submit(() -> {
            try (Connection c = bounded.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(30)");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        assertThat(sleeping.get(60, TimeUnit.SECONDS))
                .as("a 30 s statement fails on the 1 s network timeout (unbounded, it would succeed)")
                .isInstanceOf(SQLException.class);
        try (Connection c = bounded.getConnection();
                Statement s = c.createStatement()) {
            assertThat(s.execute("SELECT 1"))
                    .as("the pool hands out a working connection again")
                    .isTrue();
        }
    }

    @Test
    void aConnectionGoesBackToThePoolWithTheTimeoutItHadBefore() throws Exception {
        AgroalDataSource single = db.newPool(1);
        BoundedDataSource bounded = new BoundedDataSource(single, Duration.ofMillis(1500));
        try (Connection c = bounded.getConnection()) {
            assertThat(c.getNetworkTimeout()).isEqualTo(1500);
        }
        // The usage ledger's writers take connections from the same pool: they must not inherit the quota bound.
        try (Connection c = single.getConnection()) {
            assertThat(c.getNetworkTimeout()).isZero();
        }
    }

    @Test
    void aTimeoutThatIsNotPositiveStopsStartUp() {
        assertThatThrownBy(() -> new BoundedDataSource(pool, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.quota.database-timeout");
    }
}
