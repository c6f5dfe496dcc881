package io.ascendant.billing.ledger;

import io.ascendant.billing.ledger.WriterLane.Pending;
import io.ascendant.billing.pricebook.PriceBook;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The group-commit writer behind {@link UsageLedger}: callers enqueue an event and block; a writer lane drains
 * whatever is queued for it (up to {@code maxBatchSize}) and writes it in <em>one</em> transaction: rate with the
 * lane's cached account terms, then one statement that proves those terms current, inserts with {@code ON CONFLICT
 * (request_id) DO NOTHING} and adds exactly the inserted rows to the hourly and daily rollups (data-modifying CTEs,
 * see {@link LedgerSql#write}; stale terms are re-read and the batch rated again), read back the
 * original rows of replays (only when there are some), call every {@link LedgerTransactionParticipant}, commit (with
 * {@code synchronous_commit = on} when configured). Only then are the callers released, so an acknowledged request
 * id is durable in PostgreSQL: a {@code kill -9} of the JVM can lose only usage whose {@code record} call had not
 * returned.
 *
 * <p>Lanes: each of the {@code writers} lanes is one platform thread with its own queue and its own long-lived
 * connection (opened on first use, replaced after a connection failure), so statements stay prepared on the server
 * and no pool hand-off sits on the commit path. Events are routed by tenant id: two lanes never touch the same
 * rollup row (every rollup key starts with the tenant) nor the same tenant's quota rows, so one lane's commit never
 * waits for another's row locks and fsyncs of different lanes overlap. The trap: one very hot tenant is written by
 * one lane only (its batches simply grow).
 *
 * <p>Batching is natural, not timed: under light load a batch is one row and latency is one commit (two round trips
 * and the WAL flush once the tenant's terms are cached); under heavy load batches grow and the fsync is shared. Transient failures (serialization,
 * deadlock, connection loss) retry the batch with back-off; a non-transient failure of a multi-row batch is retried
 * row by row so one bad event fails alone. Plain Java (no CDI) so crash tests and benchmarks run it in a bare JVM.
 *
 * <p>Where the parts live: this class routes events to lanes and waits for them; {@link WriterLane} is the queue,
 * batching loop, retries, connection and completion of one lane; {@link BatchTransaction} is what one batch does
 * inside its transaction.
 */
public final class GroupCommitWriter implements AutoCloseable {

    /** Supplies a JDBC connection; the writer keeps it open for its lane and closes it on failure or shutdown. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /**
     * Writer settings.
     *
     * @param maxBatchSize rows per transaction
     * @param queueCapacity pending events per lane before callers block
     * @param synchronousCommit force {@code synchronous_commit = on} on the lanes' connections
     * @param recordTimeout how long a caller waits for its commit
     * @param maxAttempts attempts per batch on transient errors
     * @param defaultCurrency currency for tenants without a billing account
     * @param writers writer lanes (each a thread with its own queue and connection); events are routed by tenant
     * @param linger how long a lane waits, after the first event of a batch, for more to join it (zero: write at once)
     */
    public record Settings(
            int maxBatchSize,
            int queueCapacity,
            boolean synchronousCommit,
            Duration recordTimeout,
            int maxAttempts,
            String defaultCurrency,
            int writers,
            Duration linger) {}

    private final Settings settings;
    private final WriterLane[] lanes;
    private volatile boolean running = true;
    private final BatchTransaction.Timings timings = new BatchTransaction.Timings();

    public GroupCommitWriter(
            ConnectionSource connections,
            Supplier<PriceBook> priceBook,
            Supplier<List<LedgerTransactionParticipant>> participants,
            Settings settings) {
        this.settings = settings;
        this.lanes = new WriterLane[Math.max(1, settings.writers())];
        for (int i = 0; i < lanes.length; i++) {
            BatchTransaction transaction =
                    new BatchTransaction(priceBook, participants, settings.defaultCurrency(), timings);
            lanes[i] = new WriterLane(i, connections, settings, () -> running, transaction);
        }
        for (WriterLane lane : lanes) {
            lane.thread.start();
        }
    }

    /** Records one event; see {@link UsageLedger#record(UsageEvent)}. */
    public RatedUsage record(UsageEvent e) {
        Pending p = new Pending(e, new CompletableFuture<>());
        long timeoutNanos = settings.recordTimeout().toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        WriterLane lane = laneOf(e.tenantId());
        try {
            if (!running) {
                throw new LedgerWriteException("usage ledger is shut down; request " + e.requestId(), null);
            }
            if (!lane.queue.offer(p, timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new LedgerWriteException(
                        "usage ledger queue of lane " + lane.index + " full (" + settings.queueCapacity() + ") for "
                                + settings.recordTimeout() + "; request " + e.requestId(),
                        null);
            }
            return p.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new LedgerWriteException("interrupted while recording request " + e.requestId(), ie);
        } catch (TimeoutException te) {
            throw new LedgerWriteException(
                    "usage of request " + e.requestId() + " not committed within " + settings.recordTimeout(), te);
        } catch (ExecutionException ee) {
            Throwable c = ee.getCause();
            if (c instanceof LedgerWriteException lwe) {
                throw lwe;
            }
            throw new LedgerWriteException("usage of request " + e.requestId() + " could not be recorded", c);
        }
    }

    /**
     * Queues one event without waiting; see {@link UsageLedger#submit(UsageEvent)}.
     *
     * @return completes on the lane's writer thread once the row is committed (or failed with a {@link
     *     LedgerWriteException}); already failed when the ledger is shut down or the lane's queue is full, and fails
     *     with a {@link TimeoutException} when nothing was committed within {@code record-timeout}
     */
    public CompletableFuture<RatedUsage> submit(UsageEvent e) {
        WriterLane lane = laneOf(e.tenantId());
        if (!running) {
            return CompletableFuture.failedFuture(
                    new LedgerWriteException("usage ledger is shut down; request " + e.requestId(), null));
        }
        Pending p = new Pending(e, new CompletableFuture<>());
        if (!lane.queue.offer(p)) {
            return CompletableFuture.failedFuture(new LedgerWriteException(
                    "usage ledger queue of lane " + lane.index + " full (" + settings.queueCapacity() + "); request "
                            + e.requestId(),
                    null));
        }
        return p.result().orTimeout(settings.recordTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private WriterLane laneOf(UUID tenantId) {
        if (tenantId == null || lanes.length == 1) {
            return lanes[0];
        }
        long h = tenantId.getMostSignificantBits() ^ tenantId.getLeastSignificantBits();
        h ^= (h >>> 33);
        h *= 0xff51afd7ed558ccdL; // murmur3 finaliser step: tenant ids need not be random (tests, imports)
        h ^= (h >>> 33);
        return lanes[(int) Math.floorMod(h, (long) lanes.length)];
    }

    /**
     * Writer statistics since start: batches, rows, and milliseconds spent reading account terms and rating,
     * writing (insert and rollups in one statement), reading replays and running participants, and committing.
     */
    public String stats() {
        return timings.describe();
    }

    /** Number of events waiting for the writer lanes. */
    public int queued() {
        int n = 0;
        for (WriterLane lane : lanes) {
            n += lane.queue.size();
        }
        return n;
    }

    /** Stops accepting events, writes what is queued, and stops the writer threads (waits up to 30 s). */
    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (WriterLane lane : lanes) {
            try {
                lane.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
