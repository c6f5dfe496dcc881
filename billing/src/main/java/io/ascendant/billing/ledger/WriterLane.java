package io.ascendant.billing.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One writer lane of {@link GroupCommitWriter}: a platform thread with its queue and its long-lived connection. The
 * thread drains what is queued (up to {@code maxBatchSize}), writes it as one {@link BatchTransaction} (retrying
 * transient failures with back-off, falling back to row by row on a non-transient failure of a multi-row batch) and
 * completes every caller's future with its rating or its failure.
 *
 * <p>Threading: the queue is shared with callers; the connection and the {@link BatchTransaction} are used by the
 * lane's thread only. The connection is opened on first use and discarded after a connection failure or at the end.
 */
final class WriterLane implements Runnable {

    /** The writer's logger, so log configuration for {@code GroupCommitWriter} keeps covering these messages. */
    private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class);

    /** One queued event and the future its caller waits on. */
    record Pending(UsageEvent event, CompletableFuture<RatedUsage> result) {}

    final int index;
    final BlockingQueue<Pending> queue;
    final Thread thread;
    private final GroupCommitWriter.ConnectionSource connections;
    private final GroupCommitWriter.Settings settings;
    private final BooleanSupplier running;
    private final BatchTransaction transaction;
    private Connection connection;

    /**
     * @param running false once the writer is closing: the lane then writes what is queued and ends
     */
    WriterLane(
            int index,
            GroupCommitWriter.ConnectionSource connections,
            GroupCommitWriter.Settings settings,
            BooleanSupplier running,
            BatchTransaction transaction) {
        this.index = index;
        this.connections = connections;
        this.settings = settings;
        this.running = running;
        this.transaction = transaction;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.thread = Thread.ofPlatform()
                .name("usage-ledger-writer-" + index)
                .daemon(true)
                .unstarted(this);
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>(settings.maxBatchSize());
        try {
            while (running.getAsBoolean() || !queue.isEmpty()) {
                try {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, settings.maxBatchSize() - 1);
                    lingerForMore(batch);
                    writeWithRetry(batch);
                } catch (InterruptedException ie) {
                    if (!running.getAsBoolean()) {
                        continue;
                    }
                } catch (RuntimeException | Error t) {
                    LOG.errorf(t, "usage ledger writer: unexpected failure of a batch of %d rows", batch.size());
                    discardConnection();
                    for (Pending p : batch) {
                        p.result().completeExceptionally(t);
                    }
                } finally {
                    batch.clear();
                }
            }
        } finally {
            discardConnection();
        }
    }

    /**
     * Lets more rows join a batch that is not full: parks for the linger, then takes what was queued meanwhile. It
     * parks rather than polling the queue so that rows arriving meanwhile do not wake the thread one by one (waking it
     * per row is what the linger saves, with the transaction per row). Not while stopping: the close drains at once.
     */
    private void lingerForMore(List<Pending> batch) {
        long lingerNanos = settings.linger().toNanos();
        if (lingerNanos <= 0 || batch.size() >= settings.maxBatchSize() || !running.getAsBoolean()) {
            return;
        }
        LockSupport.parkNanos(lingerNanos); // returns early on interrupt (close): the batch is written all the same
        queue.drainTo(batch, settings.maxBatchSize() - batch.size());
    }

    private void writeWithRetry(List<Pending> batch) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                Map<String, RatedUsage> results = writeBatch(batch);
                complete(batch, results);
                return;
            } catch (SQLException e) {
                boolean transientError = isTransient(e);
                if (!transientError && batch.size() > 1) {
                    LOG.warnf(
                            "usage ledger: batch of %d rows failed (%s, SQLState %s); writing rows one by one",
                            batch.size(), e.getMessage(), e.getSQLState());
                    for (Pending p : batch) {
                        writeWithRetry(List.of(p));
                    }
                    return;
                }
                if (!transientError || attempt >= settings.maxAttempts()) {
                    LOG.errorf(
                            "usage ledger: %d rows not recorded after %d attempts (SQLState %s): %s; first"
                                    + " request %s",
                            batch.size(),
                            attempt,
                            e.getSQLState(),
                            e.getMessage(),
                            batch.getFirst().event().requestId());
                    LedgerWriteException failure = new LedgerWriteException(
                            "usage could not be written to the ledger after " + attempt + " attempts", e);
                    for (Pending p : batch) {
                        p.result().completeExceptionally(failure);
                    }
                    return;
                }
                LOG.warnf(
                        "usage ledger: transient failure (attempt %d, SQLState %s): %s",
                        attempt, e.getSQLState(), e.getMessage());
                sleep(Math.min(2000, 50L << Math.min(attempt, 5)));
            }
        }
    }

    /** Writes one batch in one transaction; returns the rating per request id (original rows for replays). */
    private Map<String, RatedUsage> writeBatch(List<Pending> batch) throws SQLException {
        Map<String, UsageEvent> unique = new LinkedHashMap<>();
        for (Pending p : batch) {
            unique.putIfAbsent(p.event().requestId(), p.event());
        }
        Connection c = connection();
        try {
            return transaction.commit(c, unique.values());
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException re) {
                e.addSuppressed(re);
                discardConnection();
            }
            if (e instanceof SQLException se && isConnectionLoss(se)) {
                discardConnection();
            }
            throw e;
        }
    }

    private static void complete(List<Pending> batch, Map<String, RatedUsage> results) {
        Set<String> handedOut = new HashSet<>();
        for (Pending p : batch) {
            RatedUsage r = results.get(p.event().requestId());
            if (!handedOut.add(p.event().requestId()) && !r.replayed()) {
                // A second event with the same id in the same batch is a replay of the first.
                r = new RatedUsage(r.event(), r.amount(), r.currency(), r.priceVersionId(), r.window(), true);
            }
            p.result().complete(r);
        }
    }

    /** The lane's connection, opened on first use with auto-commit off and the session's commit mode set. */
    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = connections.get();
            try {
                c.setAutoCommit(false);
                if (settings.synchronousCommit()) {
                    // Session level, once: this connection belongs to the lane until it fails or shuts down.
                    try (Statement st = c.createStatement()) {
                        st.execute("SET synchronous_commit = on");
                    }
                    c.commit();
                }
            } catch (SQLException e) {
                try {
                    c.close();
                } catch (SQLException ce) {
                    e.addSuppressed(ce);
                }
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private void discardConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("usage ledger: closing lane %d's connection failed: %s", index, e.getMessage());
            }
        }
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("40")
                || state.startsWith("53")
                || state.startsWith("57P");
    }

    private static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
