package io.ascendant.gateway.quota;

import static io.ascendant.gateway.quota.QuotaFixtures.moneyBudget;
import static io.ascendant.gateway.quota.QuotaFixtures.policy;
import static io.ascendant.gateway.quota.QuotaFixtures.request;
import static io.ascendant.gateway.quota.QuotaFixtures.rpm;
import static io.ascendant.gateway.quota.QuotaFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.quota.budget.PeriodKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission on the event loop: an attempt that would reach PostgreSQL gives up with {@code WouldBlock} and leaves
 * nothing taken; once the leases are local, attempts admit without a single database round trip; a refusal that
 * must record an event goes to the blocking path, which records it.
 */
class NonBlockingAdmissionTest {

    static final String POOL = "money:tenant:nonblocking";
    static final BigDecimal WORST_CASE = new BigDecimal("0.0100");

    private QuotaTestDb db;
    private AgroalDataSource pool;
    private RoundTripCounter trips;
    private QuotaEngine engine;

    @BeforeEach
    void engine() {
        db = new QuotaTestDb("quota_nonblocking");
        pool = db.newPool(4);
        trips = new RoundTripCounter();
        engine = new QuotaEngine(
                trips.wrap(pool), new MutableClock(Instant.parse("2026-11-15T12:00:00Z")), settings(), "replica-a");
        engine.start();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private QuotaTicket attempt(QuotaPolicy policy, String id) {
        return NonBlockingAdmission.attempt(() -> engine.admit(request(id, WORST_CASE), policy));
    }

    @Test
    void anAttemptThatNeedsTheDatabaseGivesUpAndLeavesNothingTaken() {
        QuotaPolicy policy = policy(
                List.of(rpm("rpm:key:nb", 6000)), List.of(moneyBudget(POOL, new BigDecimal("10"), PeriodKind.MONTH)));
        long before = trips.trips();
        assertThatThrownBy(() -> attempt(policy, "req-0")).isInstanceOf(NonBlockingAdmission.WouldBlock.class);
        assertThat(trips.trips())
                .as("no database round trip inside the attempt")
                .isEqualTo(before);
        assertThat(engine.openTickets()).isZero();

        QuotaTicket onWorker = engine.admit(request("req-0", WORST_CASE), policy); // the worker-thread retry
        assertThat(onWorker.budgetHolds()).hasSize(1);
        long afterLease = trips.trips();
        for (int i = 1; i <= 10; i++) { // the first lease (2 % of the budget) covers 20 worst cases
            QuotaTicket t = attempt(policy, "req-" + i);
            assertThat(t.budgetHolds())
                    .singleElement()
                    .satisfies(h -> assertThat(h.held()).isEqualByComparingTo(WORST_CASE));
        }
        assertThat(trips.trips())
                .as("admissions served from the local leases touch no database")
                .isEqualTo(afterLease);
        assertThat(engine.openTickets()).isEqualTo(11);
    }

    @Test
    void anAttemptNeverWaitsForALeaseLockAWorkerHoldsWhileTheDatabaseStalls() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-15T12:00:00Z"));
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean stall = new AtomicBoolean();
        DataSource stallable = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getConnection") && stall.get()) {
                        stalled.countDown();
                        resume.await(); // the database answers nothing until the test lets it
                    }
                    try {
                        return m.invoke(pool, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        QuotaEngine stalling = new QuotaEngine(stallable, clock, settings(), "replica-stall");
        stalling.start();
        QuotaPolicy policy = policy(List.of(rpm("rpm:key:stall", 6000)), List.of());
        stalling.admit(request("req-warm", WORST_CASE), policy); // leases rate cells
        clock.advance(Duration.ofSeconds(5)); // the leased cells expire: the next take must lease again
        stall.set(true);
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<QuotaTicket> worker =
                    threads.submit(() -> stalling.admit(request("req-worker", WORST_CASE), policy));
            assertThat(stalled.await(30, TimeUnit.SECONDS))
                    .as("the worker is inside the lease")
                    .isTrue();
            Future<Throwable> eventLoop = threads.submit(() -> {
                try {
                    NonBlockingAdmission.attempt(() -> stalling.admit(request("req-loop", WORST_CASE), policy));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            // Were the attempt to wait for the worker's lock, this would time out while the database stalls.
            assertThat(eventLoop.get(30, TimeUnit.SECONDS)).isInstanceOf(NonBlockingAdmission.WouldBlock.class);
            assertThat(worker.isDone()).isFalse();
            resume.countDown();
            assertThat(worker.get(30, TimeUnit.SECONDS)).isNotNull();
        } finally {
            resume.countDown();
        }
    }

    @Test
    void aRefusalThatRecordsAnEventIsLeftToTheBlockingPath() throws Exception {
        QuotaPolicy policy = policy(List.of(), List.of(moneyBudget(POOL, new BigDecimal("0.0150"), PeriodKind.MONTH)));
        engine.admit(request("req-fits", WORST_CASE), policy); // leases, holds 0.0100 of 0.0150
        assertThatThrownBy(() -> attempt(policy, "req-over"))
                .as("the refusal must write an EXHAUSTED event: not on the event loop")
                .isInstanceOf(NonBlockingAdmission.WouldBlock.class);
        assertThatThrownBy(() -> engine.admit(request("req-over", WORST_CASE), policy))
                .isInstanceOf(QuotaRefusedException.class);
        assertThat(db.count("SELECT count(*) FROM quota_event WHERE kind = 'EXHAUSTED' AND pool_key = ?", POOL))
                .isEqualTo(1);
    }
}
