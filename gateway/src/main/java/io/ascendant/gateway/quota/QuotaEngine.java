package io.ascendant.gateway.quota;

import io.ascendant.gateway.admission.HeldBudget;
import io.ascendant.gateway.quota.budget.BudgetPeriod;
import io.ascendant.gateway.quota.lease.AccountStore;
import io.ascendant.gateway.quota.lease.LocalPool;
import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.lease.ReplicaRegistry;
import io.ascendant.gateway.quota.lease.Settlement;
import io.ascendant.gateway.quota.lease.SettlementSql;
import io.ascendant.gateway.quota.ratelimit.Gcra;
import io.ascendant.gateway.quota.ratelimit.LocalRate;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import io.ascendant.gateway.quota.ratelimit.RateStore;
import io.ascendant.gateway.quota.sweeper.LeaseSweeper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Admission control of one gateway replica: rate limits, concurrency limits and hard budgets, shared through
 * PostgreSQL by leases (docs/quotas.md).
 *
 * <p>{@link #admit} takes one cell per request (and the reserved tokens) from every per-minute limit, one slot from
 * every concurrency limit and holds the worst-case cost and tokens on every budget, all from this replica's local
 * leases; the database is touched only to lease more. {@link #settleInLedger} settles budget holds inside the usage
 * ledger's transaction. {@link #maintain} runs the background duties (heartbeat, giving back idle leases, expiring
 * abandoned holds, sweeping dead replicas). One instance per replica; thread-safe.
 *
 * <p>The local pools and rates (and what is given back from them) are {@link LocalLeases}; what a refusing limit
 * reports, or records in shadow mode, is {@link LimitRefusals}. This class keeps the tickets: admission, their ends,
 * and settlement in the ledger's transaction.
 */
public final class QuotaEngine {

    private static final Logger LOG = Logger.getLogger(QuotaEngine.class);

    private final Clock clock;
    private final QuotaSettings settings;
    private final ReplicaRegistry registry;
    private final AccountStore accounts;
    private final RateStore rateStore;
    private final LeaseSweeper sweeper;
    private final ReplayedHolds replayed = new ReplayedHolds();
    private final LimitRefusals refusals;
    private final LocalLeases leases;
    private final Map<String, QuotaTicket> tickets = new ConcurrentHashMap<>();

    /**
     * An engine on {@code dataSource}; call {@link #start} before admitting.
     *
     * @param host the replica's name for operators
     */
    public QuotaEngine(DataSource database, Clock clock, QuotaSettings settings, String host) {
        // Every connection the engine opens first checks that it is not in a non-blocking admission attempt.
        DataSource dataSource = NonBlockingAdmission.guarded(database);
        this.clock = clock;
        this.settings = settings;
        this.registry = new ReplicaRegistry(dataSource, clock, settings.fence(), host);
        this.accounts = new AccountStore(dataSource);
        this.rateStore = new RateStore(dataSource);
        this.sweeper = new LeaseSweeper(dataSource, settings.deadAfter());
        this.refusals = new LimitRefusals(new ShadowEvents(dataSource), new ExhaustedEvents(dataSource));
        this.leases = new LocalLeases(settings, accounts, rateStore);
    }

    /** Registers this replica. */
    public void start() {
        registry.register();
    }

    /** This replica's current id. */
    public UUID replicaId() {
        return registry.replicaId();
    }

    /**
     * Admits a request or refuses it. A limit that can never admit the request as sent (its hold exceeds the whole
     * limit) refuses it before anything is taken, whatever else is full for now.
     *
     * @return the ticket to end with {@link QuotaTicket#complete} or {@link QuotaTicket#release}
     * @throws QuotaRefusedException when an enforced limit refuses (rendered as 429)
     * @throws QuotaStoreException when the shared state cannot be reached (rendered as 503; fail closed)
     */
    public QuotaTicket admit(QuotaRequest r, QuotaPolicy policy) {
        Instant now = clock.instant();
        UUID replica = currentReplica(now);
        long nowNs = nanos(now);
        List<QuotaTicket.RateTake> taken = new ArrayList<>();
        List<QuotaTicket.PoolHold> held = new ArrayList<>();
        try {
            refusals.refuseIfNeverAdmitted(r, policy);
            for (RateSpec spec : policy.rates()) {
                takeRate(r, spec, nowNs, taken);
            }
            for (PoolSpec spec : policy.pools()) {
                holdPool(r, spec, now, replica, held);
            }
        } catch (QuotaRefusedException e) {
            undo(taken, held, nowNs, now);
            throw new QuotaRefusedException(
                    e.refusal(), leases.headers(policy, nowNs, e.refusal().limitKey()));
        } catch (RuntimeException e) {
            undo(taken, held, nowNs, now);
            throw e;
        }
        QuotaTicket t = new QuotaTicket(this, r, taken, held, leases.headers(policy, nowNs, null), now);
        if (held.stream().anyMatch(QuotaTicket.PoolHold::isBudget)) {
            tickets.put(r.requestId(), t);
        }
        return t;
    }

    private void takeRate(QuotaRequest r, RateSpec spec, long nowNs, List<QuotaTicket.RateTake> taken) {
        long n = r.cellsOf(spec.kind());
        if (n == 0 || refusals.neverAdmits(r, spec)) {
            return;
        }
        LocalRate rate = leases.rate(spec);
        long want = Math.max(n, (long) Math.ceil(spec.perMinute() * settings.rateLeaseFraction()));
        Gcra.Decision d =
                rate.take(rateStore, nowNs, n, want, settings.rateLeaseTtl().toNanos());
        if (d.allowed()) {
            taken.add(new QuotaTicket.RateTake(rate, spec, n));
        } else {
            refusals.rate(r, spec, Duration.ofNanos(d.retryAfterNanos()), null);
        }
    }

    private void holdPool(QuotaRequest r, PoolSpec spec, Instant now, UUID replica, List<QuotaTicket.PoolHold> held) {
        BigDecimal amount = r.holdOn(spec.unit());
        BudgetPeriod period = BudgetPeriod.containing(spec.period(), r.zone(), now);
        if (amount == null) {
            refusals.unpriced(r, spec, period, now);
            return;
        }
        if (amount.signum() == 0 || refusals.neverAdmits(r, spec)) {
            return;
        }
        LocalPool pool = leases.pool(spec, period, r.tenantId());
        BigDecimal want = spec.limit().multiply(settings.poolLeaseFraction());
        if (spec.unit() != PoolSpec.Unit.MONEY) {
            want = want.setScale(0, RoundingMode.CEILING);
        }
        LocalPool.Hold h = pool.tryHold(accounts, replica, now, amount, want, settings.headroomShare());
        if (h != null) {
            held.add(new QuotaTicket.PoolHold(h));
            return;
        }
        refusals.poolFull(r, spec, pool, period, now, amount);
    }

    private void undo(List<QuotaTicket.RateTake> taken, List<QuotaTicket.PoolHold> held, long nowNs, Instant now) {
        for (QuotaTicket.RateTake t : taken) {
            t.rate().adjust(nowNs, t.cells());
        }
        for (QuotaTicket.PoolHold h : held) {
            h.state.set(QuotaTicket.DONE);
            h.hold.pool().released(h.hold, now);
        }
    }

    private UUID currentReplica(Instant now) {
        if (!registry.fenceHolds(now)) {
            return registry.heartbeat();
        }
        return registry.replicaId();
    }

    // ---- ticket ends ------------------------------------------------------------------------------------------

    void completed(QuotaTicket t, long actualTokens) {
        Instant now = clock.instant();
        long nowNs = nanos(now);
        for (QuotaTicket.RateTake take : t.rateTakes()) {
            if (take.spec().kind() == RateSpec.Kind.TOKENS) {
                take.rate().adjust(nowNs, take.cells() - actualTokens);
            }
        }
        boolean waiting = false;
        for (QuotaTicket.PoolHold h : t.holds()) {
            if (!h.isBudget()) {
                h.state.set(QuotaTicket.DONE);
                h.hold.pool().released(h.hold, now);
            } else if (h.state.get() == QuotaTicket.ACTIVE) {
                waiting = true;
            }
        }
        if (!waiting) {
            // The ledger has committed (the data path completes a ticket after UsageLedger.record returned).
            tickets.remove(t.requestId(), t);
            finishSettled(t);
        }
    }

    void released(QuotaTicket t) {
        Instant now = clock.instant();
        long nowNs = nanos(now);
        for (QuotaTicket.RateTake take : t.rateTakes()) {
            if (take.spec().kind() == RateSpec.Kind.TOKENS) {
                take.rate().adjust(nowNs, take.cells());
            }
        }
        for (QuotaTicket.PoolHold h : t.holds()) {
            releaseHold(t, h, now);
        }
        tickets.remove(t.requestId(), t);
    }

    private void releaseHold(QuotaTicket t, QuotaTicket.PoolHold h, Instant now) {
        int state = h.state.getAndSet(QuotaTicket.DONE);
        if (state == QuotaTicket.DONE) {
            return;
        }
        if (state == QuotaTicket.ACTIVE) {
            h.hold.pool().released(h.hold, now);
        } else if (accounts.isSettled(t.requestId(), h.hold.pool().accountId())) {
            h.hold.pool().settled(h.hold);
        } else {
            // Marked by a ledger batch that never committed: the hold is still in the lease, so it is free again.
            h.hold.pool().released(h.hold, now);
        }
    }

    // ---- settlement in the ledger transaction -----------------------------------------------------------------

    /**
     * Settles the budget holds of {@code rows} on the ledger's connection, inside its transaction: exactly once per
     * (request, account) however often the batch is retried ({@code quota_settlement}'s key). Rows of requests this
     * replica did not admit, or whose holds it already released, are left alone.
     */
    public void settleInLedger(Connection c, List<LedgerRow> rows) throws SQLException {
        List<Settlement> settlements = new ArrayList<>();
        List<QuotaTicket.PoolHold> marked = new ArrayList<>();
        for (LedgerRow row : rows) {
            QuotaTicket t = tickets.get(row.requestId());
            if (t == null && replayed.settlementsOf(row, settlements)) {
                continue;
            }
            if (t == null) {
                LOG.debugf("usage of request %s has no hold on this replica", row.requestId());
                continue;
            }
            for (QuotaTicket.PoolHold h : t.holds()) {
                if (!h.isBudget() || h.state.get() == QuotaTicket.DONE) {
                    continue;
                }
                BigDecimal actual = switch (h.spec().unit()) {
                    case MONEY -> row.priced() ? row.amount() : h.hold.amount();
                    case TOKENS -> BigDecimal.valueOf(row.tokens());
                    case REQUESTS -> throw new IllegalStateException("not a budget");
                };
                settlements.add(new Settlement(
                        row.requestId(),
                        t.tenantId(),
                        h.hold.pool().accountId(),
                        h.hold.replicaId(),
                        h.hold.amount(),
                        actual));
                marked.add(h);
            }
        }
        SettlementSql.settle(c, settlements, settings.thresholds());
        // Lock-free on purpose: this runs while the transaction holds account row locks, and a replica lock taken
        // here could wait on a grant that waits on those rows. The local books follow in finishSettled.
        for (QuotaTicket.PoolHold h : marked) {
            h.state.compareAndSet(QuotaTicket.ACTIVE, QuotaTicket.SETTLING);
        }
    }

    /**
     * Before the usage of {@code requestId} is replayed into the ledger (usage journal of an earlier run): the
     * ledger transaction that inserts its row settles these holds exactly like a live one (the hold's lease
     * shrinks if it still exists, the account's committed usage grows by the actual), once per (request, account).
     */
    public void restoreForReplay(String requestId, UUID tenantId, List<HeldBudget> holds) {
        replayed.restore(requestId, tenantId, holds);
    }

    /** Forgets what {@link #restoreForReplay} restored. */
    public void forgetReplay(String requestId) {
        replayed.forget(requestId);
    }

    /** Moves holds the ledger settled out of the local lease view (outside any transaction). */
    private static void finishSettled(QuotaTicket t) {
        for (QuotaTicket.PoolHold h : t.holds()) {
            if (h.state.compareAndSet(QuotaTicket.SETTLING, QuotaTicket.DONE)) {
                h.hold.pool().settled(h.hold);
            }
        }
    }

    // ---- background duties ------------------------------------------------------------------------------------

    /**
     * One round of background duties: heartbeat, give back idle leases and due rate corrections, release holds
     * older than {@code maxHoldAge}, forget finished tickets, sweep dead replicas. Call it every second or so.
     */
    public void maintain() {
        try {
            maintainOnce();
        } catch (QuotaStoreException e) {
            LOG.warnf("quota maintenance incomplete, retried next round: %s", e.getMessage());
        }
    }

    private void maintainOnce() {
        Instant now = clock.instant();
        long nowNs = nanos(now);
        registry.heartbeat();
        Instant abandoned = now.minus(settings.maxHoldAge());
        Instant forgettable = now.minus(settings.deadAfter());
        for (QuotaTicket t : tickets.values()) {
            if (t.admittedAt().isBefore(abandoned)) {
                LOG.warnf(
                        "releasing holds of request %s (tenant %s): no usage after %s",
                        t.requestId(), t.tenantId(), settings.maxHoldAge());
                t.release();
                for (QuotaTicket.PoolHold h : t.holds()) {
                    releaseHold(t, h, now);
                }
                tickets.remove(t.requestId(), t);
            } else if (t.ended() && t.endedAt().isBefore(forgettable) && allSettling(t)) {
                tickets.remove(t.requestId(), t);
                finishSettled(t);
            }
        }
        leases.giveBackIdle(now, nowNs);
        sweeper.sweep(now);
    }

    private static boolean allSettling(QuotaTicket t) {
        return t.holds().stream().noneMatch(h -> h.state.get() == QuotaTicket.ACTIVE);
    }

    /** Gives every unspent lease back and leaves the cluster (clean shutdown). */
    public void shutdown() {
        Instant now = clock.instant();
        leases.giveBackAll(now, nanos(now));
        registry.leave();
    }

    /** Holds of requests in flight on this replica, summed per pool key (for tests and metrics). */
    public Map<String, BigDecimal> outstandingByPool() {
        return leases.outstandingByPool();
    }

    /** Tickets awaiting settlement or release. */
    public int openTickets() {
        return tickets.size();
    }

    Instant now() {
        return clock.instant();
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
