package io.ascendant.billing.ledger;

import io.ascendant.billing.pricebook.PriceBook;
import io.ascendant.billing.rating.Rater;
import io.ascendant.billing.rating.Rating;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

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
 */
public final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class);

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
     */
    public record Settings(
            int maxBatchSize,
            int queueCapacity,
            boolean synchronousCommit,
            Duration recordTimeout,
            int maxAttempts,
            String defaultCurrency,
            int writers) {}

    private record Pending(UsageEvent event, CompletableFuture<RatedUsage> result) {}

    private final ConnectionSource connections;
    private final Supplier<PriceBook> priceBook;
    private final Supplier<List<LedgerTransactionParticipant>> participants;
    private final Settings settings;
    private final Lane[] lanes;
    private volatile boolean running = true;
    private final LongAdder[] phaseNanos = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder batches = new LongAdder();
    private final LongAdder rowsWritten = new LongAdder();

    public GroupCommitWriter(
            ConnectionSource connections,
            Supplier<PriceBook> priceBook,
            Supplier<List<LedgerTransactionParticipant>> participants,
            Settings settings) {
        this.connections = connections;
        this.priceBook = priceBook;
        this.participants = participants;
        this.settings = settings;
        this.lanes = new Lane[Math.max(1, settings.writers())];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
        for (Lane lane : lanes) {
            lane.thread.start();
        }
    }

    /** Records one event; see {@link UsageLedger#record(UsageEvent)}. */
    public RatedUsage record(UsageEvent e) {
        Pending p = new Pending(e, new CompletableFuture<>());
        long timeoutNanos = settings.recordTimeout().toNanos();
        long deadline = System.nanoTime() + timeoutNanos;
        Lane lane = laneOf(e.tenantId());
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
        Lane lane = laneOf(e.tenantId());
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

    private Lane laneOf(UUID tenantId) {
        if (tenantId == null || lanes.length == 1) {
            return lanes[0];
        }
        long h = tenantId.getMostSignificantBits() ^ tenantId.getLeastSignificantBits();
        h ^= (h >>> 33);
        h *= 0xff51afd7ed558ccdL; // murmur3 finaliser step: tenant ids need not be random (tests, imports)
        h ^= (h >>> 33);
        return lanes[(int) Math.floorMod(h, (long) lanes.length)];
    }

    /** One writer thread with its queue and its connection; the connection is only ever used by the thread. */
    private final class Lane implements Runnable {
        final int index;
        final BlockingQueue<Pending> queue;
        final Thread thread;
        private Connection connection;
        /** Account terms per tenant as last read or proven current; touched by the lane thread only. */
        private final Map<UUID, LedgerSql.AccountTerms> terms = new HashMap<>();

        Lane(int index) {
            this.index = index;
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
                while (running || !queue.isEmpty()) {
                    try {
                        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        queue.drainTo(batch, settings.maxBatchSize() - 1);
                        writeWithRetry(batch);
                    } catch (InterruptedException ie) {
                        if (!running) {
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
                long t0 = System.nanoTime();
                Set<UUID> tenants = tenantsOf(unique.values());
                PriceBook book = priceBook.get();
                List<LedgerSql.Row> rows;
                LedgerSql.WriteResult written;
                long t1;
                int refreshes = 0;
                while (true) {
                    Map<UUID, LedgerSql.AccountTerms> used = termsOf(c, tenants);
                    rows = new ArrayList<>(unique.size());
                    for (UsageEvent e : unique.values()) {
                        rows.add(rate(book, used.get(e.tenantId()), e));
                    }
                    t1 = System.nanoTime();
                    written = LedgerSql.write(c, rows, used);
                    if (written.staleTenants().isEmpty()) {
                        break;
                    }
                    // An account changed since its terms were cached: nothing was written; rate again.
                    terms.keySet().removeAll(written.staleTenants());
                    if (++refreshes > 3) {
                        throw new SQLException("billing account terms kept changing during the batch", "40001");
                    }
                }
                Set<String> inserted = written.inserted();
                long t2 = System.nanoTime();
                Map<String, RatedUsage> results = new LinkedHashMap<>();
                List<RatedUsage> fresh = new ArrayList<>(inserted.size());
                List<String> replayed = new ArrayList<>();
                for (LedgerSql.Row r : rows) {
                    if (inserted.contains(r.event().requestId())) {
                        RatedUsage rated = r.toRatedUsage(false);
                        fresh.add(rated);
                        results.put(r.event().requestId(), rated);
                    } else {
                        replayed.add(r.event().requestId());
                    }
                }
                if (!replayed.isEmpty()) {
                    results.putAll(LedgerSql.findByRequestIds(c, replayed, true));
                }
                if (!fresh.isEmpty()) {
                    List<RatedUsage> view = java.util.Collections.unmodifiableList(fresh);
                    for (LedgerTransactionParticipant p : participants.get()) {
                        p.onRowsCommitting(c, view);
                    }
                }
                long t3 = System.nanoTime();
                c.commit();
                long t4 = System.nanoTime();
                phaseNanos[0].add(t1 - t0);
                phaseNanos[1].add(t2 - t1);
                phaseNanos[2].add(t3 - t2);
                phaseNanos[3].add(t4 - t3);
                batches.increment();
                rowsWritten.add(rows.size());
                return results;
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

        /**
         * The account terms of {@code tenants}: cached per lane (tenants always come to the same lane), read in the
         * batch transaction when not cached. The write statement proves them current, so a changed account is never
         * rated with old terms.
         */
        private Map<UUID, LedgerSql.AccountTerms> termsOf(Connection c, Set<UUID> tenants) throws SQLException {
            Set<UUID> missing = new HashSet<>();
            for (UUID t : tenants) {
                if (!terms.containsKey(t)) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                terms.putAll(LedgerSql.loadAccounts(c, missing));
            }
            Map<UUID, LedgerSql.AccountTerms> used = new HashMap<>(tenants.size() * 2);
            for (UUID t : tenants) {
                used.put(t, terms.get(t));
            }
            return used;
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

    private LedgerSql.Row rate(PriceBook book, LedgerSql.AccountTerms account, UsageEvent e) {
        boolean exists = account != null && account.exists();
        String currency = exists ? account.currency() : settings.defaultCurrency();
        ZoneId zone = exists ? account.timeZone() : ZoneOffset.UTC;
        if (!exists) {
            LOG.warnf(
                    "usage ledger: tenant %s has no billing account; request %s rated in %s, billing day in UTC",
                    e.tenantId(), e.requestId(), currency);
        }
        // The version in force at the start, the window at the finish: the quota module prices a request's budget
        // hold with that same version, so a price change mid-request never makes settle exceed the hold.
        Rating rating = Rater.rate(
                book,
                e.tenantId(),
                e.model(),
                currency,
                e.startedAt(),
                e.finishedAt(),
                e.promptCacheHitTokens(),
                e.promptCacheMissTokens(),
                e.completionTokens());
        if (rating.priceVersionId() == null) {
            LOG.errorf(
                    "usage ledger: no price for model %s in %s at %s (tenant %s, request %s); recorded UNPRICED",
                    e.model(), currency, e.startedAt(), e.tenantId(), e.requestId());
        }
        LocalDate day = e.finishedAt().atZone(zone).toLocalDate();
        return new LedgerSql.Row(e, currency, day, rating);
    }

    private static Set<UUID> tenantsOf(Collection<UsageEvent> events) {
        Set<UUID> s = new HashSet<>();
        for (UsageEvent e : events) {
            s.add(e.tenantId());
        }
        return s;
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

    /**
     * Writer statistics since start: batches, rows, and milliseconds spent reading account terms and rating,
     * writing (insert and rollups in one statement), reading replays and running participants, and committing.
     */
    public String stats() {
        long b = Math.max(1, batches.sum());
        return String.format(
                "batches=%d rows=%d avgBatch=%.1f ms: accounts+rate=%d write=%d replays+participants=%d commit=%d",
                batches.sum(),
                rowsWritten.sum(),
                rowsWritten.sum() / (double) b,
                phaseNanos[0].sum() / 1_000_000,
                phaseNanos[1].sum() / 1_000_000,
                phaseNanos[2].sum() / 1_000_000,
                phaseNanos[3].sum() / 1_000_000);
    }

    /** Number of events waiting for the writer lanes. */
    public int queued() {
        int n = 0;
        for (Lane lane : lanes) {
            n += lane.queue.size();
        }
        return n;
    }

    /** Stops accepting events, writes what is queued, and stops the writer threads (waits up to 30 s). */
    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (Lane lane : lanes) {
            try {
                lane.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
