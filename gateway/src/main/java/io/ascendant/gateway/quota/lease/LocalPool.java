package io.ascendant.gateway.quota.lease;

import io.ascendant.gateway.quota.NonBlockingAdmission;
import io.ascendant.gateway.quota.budget.BudgetPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This replica's view of its lease on one account (one pool in one period): the amount the database counts as its
 * lease ({@code leased}) and the part of it not held by any in-flight request ({@code free}).
 *
 * <p>Admission carves holds out of {@code free} without touching the database; only when {@code free} is short does
 * it ask {@link AccountStore#grant} for a new slice (one transaction). A hold ends in one of two ways:
 * <ul>
 *   <li>{@link #settled}: the usage ledger's transaction removed the hold from the lease in the database, so the
 *       local {@code leased} shrinks by it;
 *   <li>{@link #released}: the request produced no usage row, the hold goes back to {@code free}.
 * </ul>
 * Unspent {@code free} goes back to the account when the pool is idle ({@link #takeIdleFree}). Holds made under an
 * earlier replica id (before this replica was declared dead) are ignored here: their lease belongs to the old id.
 * Thread-safe; the lock is held across the grant transaction so one replica never asks twice for the same shortfall.
 */
public final class LocalPool {

    private final PoolSpec spec;
    private final BudgetPeriod period;
    private final long accountId;
    private final ReentrantLock lock = new ReentrantLock();

    private UUID replicaId;
    private BigDecimal leased = BigDecimal.ZERO;
    private BigDecimal free = BigDecimal.ZERO;
    private Instant lastUsed = Instant.MIN;
    private volatile AccountSnapshot lastSeen;

    /** A pool with no lease yet. */
    public LocalPool(PoolSpec spec, BudgetPeriod period, long accountId) {
        this.spec = spec;
        this.period = period;
        this.accountId = accountId;
    }

    /**
     * Holds {@code amount} for a request, leasing more from the account when the local slice is short.
     *
     * @param replicaId the current replica id (a change drops the local view of the old lease)
     * @param now current time (for idleness)
     * @param amount the worst case to hold, > 0
     * @param leaseWant the slice to ask for when leasing (≥ amount is used)
     * @param headroomShare see {@link AccountStore#grant}
     * @return the hold, or null when the account cannot cover {@code amount}
     */
    public Hold tryHold(
            AccountStore store,
            UUID replicaId,
            Instant now,
            BigDecimal amount,
            BigDecimal leaseWant,
            BigDecimal headroomShare) {
        NonBlockingAdmission.lock(lock); // a worker may hold it across a grant round trip
        try {
            if (!replicaId.equals(this.replicaId)) {
                this.replicaId = replicaId;
                leased = BigDecimal.ZERO;
                free = BigDecimal.ZERO;
            }
            lastUsed = now;
            if (free.compareTo(amount) < 0) {
                BigDecimal need = amount.subtract(free);
                BigDecimal want = leaseWant.max(need);
                // The spec's limit is the one this replica applies now; the grant writes it into the account.
                AccountStore.Grant g = store.grant(
                        accountId,
                        spec.limit(),
                        replicaId,
                        need,
                        want,
                        headroomShare,
                        spec.unit() != PoolSpec.Unit.MONEY);
                lastSeen = g.account();
                if (!g.allowed()) {
                    return null;
                }
                leased = leased.add(g.granted());
                free = free.add(g.granted());
            }
            free = free.subtract(amount);
            return new Hold(this, replicaId, amount);
        } finally {
            lock.unlock();
        }
    }

    /** The hold's amount left the lease in the database (settled by the ledger's transaction). */
    public void settled(Hold h) {
        lock.lock();
        try {
            if (h.replicaId().equals(replicaId)) {
                leased = leased.subtract(h.amount());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The hold produced no usage: its amount is free again. */
    public void released(Hold h, Instant now) {
        lock.lock();
        try {
            if (h.replicaId().equals(replicaId)) {
                // lastUsed stays: idleness counts admissions, so a released slice can still go back when idle.
                free = free.add(h.amount());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the free part of the lease for giving back when the pool has been idle since {@code idleSince} or its
     * period has ended; the caller gives it back with {@link AccountStore#giveBack}.
     *
     * @return the amount to give back (zero when nothing is due) and the replica id it was leased under
     */
    public GiveBack takeIdleFree(Instant now, Instant idleSince) {
        lock.lock();
        try {
            boolean due = lastUsed.isBefore(idleSince) || !period.contains(now);
            if (!due || free.signum() == 0 || replicaId == null) {
                return new GiveBack(BigDecimal.ZERO, replicaId);
            }
            BigDecimal amount = free;
            free = BigDecimal.ZERO;
            leased = leased.subtract(amount);
            return new GiveBack(amount, replicaId);
        } finally {
            lock.unlock();
        }
    }

    /** Whether no holds are outstanding and nothing is leased (the pool can be forgotten). */
    public boolean isEmpty() {
        lock.lock();
        try {
            return leased.signum() == 0 && free.signum() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Amount held by in-flight requests of this replica. */
    public BigDecimal outstanding() {
        lock.lock();
        try {
            return leased.subtract(free);
        } finally {
            lock.unlock();
        }
    }

    public PoolSpec spec() {
        return spec;
    }

    public BudgetPeriod period() {
        return period;
    }

    public long accountId() {
        return accountId;
    }

    /** The account as last seen by a grant (null before the first grant). */
    public AccountSnapshot lastSeen() {
        return lastSeen;
    }

    /**
     * A request's hold on this pool.
     *
     * @param pool the pool
     * @param replicaId replica id under which the lease was held
     * @param amount amount held
     */
    public record Hold(LocalPool pool, UUID replicaId, BigDecimal amount) {}

    /**
     * Free lease to give back.
     *
     * @param amount amount, zero when nothing is due
     * @param replicaId the lease's replica id
     */
    public record GiveBack(BigDecimal amount, UUID replicaId) {}
}
