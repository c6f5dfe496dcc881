package io.ascendant.gateway.quota.ratelimit;

import io.ascendant.gateway.quota.NonBlockingAdmission;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This replica's leased cells of one rate limit: cells taken from the shared GCRA state that it may spend for
 * {@code leaseTtl} before giving the unused ones back.
 *
 * <p>A lease is sized to the demand the replica expects within one TTL; near the limit {@link Gcra#lease} shrinks
 * it to the single request that asked. Because every admitted cell was first charged to the shared state, the
 * cluster never admits more than the GCRA bound plus what was leased within one TTL before a window (see
 * docs/quotas.md). Corrections at the end of a request (tokens reserved but not used, or used beyond the reservation)
 * are kept locally in {@code pendingBack} and written with the next lease or by the background flush. Thread-safe.
 */
public final class LocalRate {

    private final String key;
    private final Gcra gcra;
    private final ReentrantLock lock = new ReentrantLock();

    private long cells;
    private long expiresAt = Long.MIN_VALUE;
    private long pendingBack;
    private long lastUsed = Long.MIN_VALUE;
    private volatile long lastTat;

    /** The local side of limit {@code key}. */
    public LocalRate(String key, Gcra gcra) {
        this.key = key;
        this.gcra = gcra;
    }

    /**
     * Takes {@code n} cells, leasing when the local ones are short or expired.
     *
     * @param now epoch ns
     * @param want cells to lease when leasing (≥ n is used)
     * @param ttlNanos how long leased cells stay spendable
     * @return the decision: allowed, or refused with the time to retry
     */
    public Gcra.Decision take(RateStore store, long now, long n, long want, long ttlNanos) {
        NonBlockingAdmission.lock(lock); // a worker may hold it across a lease round trip
        try {
            lastUsed = now;
            if (now < expiresAt && cells >= n) {
                cells -= n;
                return new Gcra.Decision(n, lastTat, 0, Math.max(0, lastTat - now));
            }
            long giveBack = (now < expiresAt ? 0 : cells) + pendingBack;
            long need = now < expiresAt ? n - cells : n;
            long keep = now < expiresAt ? cells : 0;
            Gcra.Decision d = store.lease(key, gcra, now, giveBack, need, Math.max(want, need));
            pendingBack = 0;
            lastTat = d.newTat();
            if (!d.allowed()) {
                cells = keep;
                return d;
            }
            cells = keep + d.granted() - n;
            expiresAt = now + ttlNanos;
            return d;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives cells back (positive) or charges more (negative) after the fact, e.g. tokens reserved but not generated.
     * Unexpired local cells absorb it first.
     */
    public void adjust(long now, long cellsBack) {
        lock.lock();
        try {
            if (now < expiresAt && cellsBack > 0) {
                cells += cellsBack;
            } else if (now < expiresAt && cells + cellsBack >= 0) {
                cells += cellsBack;
            } else {
                pendingBack += cellsBack;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes what is due to the shared state: expired cells and pending corrections, when the lease expired or the
     * limit has been idle since {@code idleSince}.
     *
     * @return cells to give back (negative: cells to charge), 0 when nothing is due
     */
    public long takeDue(long now, long idleSince) {
        lock.lock();
        try {
            long due = pendingBack;
            pendingBack = 0;
            if (now >= expiresAt || lastUsed < idleSince) {
                due += cells;
                cells = 0;
                expiresAt = Long.MIN_VALUE;
            }
            return due;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Remaining cells as last seen: the shared state's remaining (at the last lease) plus the unspent local ones, never
     * more than the limit (a lease that outlives its cells' emission times would otherwise count them twice).
     */
    public long remaining(long now) {
        long shared = gcra.remaining(lastTat, now);
        lock.lock();
        try {
            return Math.min(gcra.limitPerMinute(), shared + (now < expiresAt ? cells : 0));
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds until the limit is back to its idle state, as last seen. */
    public long resetNanos(long now) {
        return Math.max(0, lastTat - now);
    }

    public String key() {
        return key;
    }

    public Gcra gcra() {
        return gcra;
    }
}
