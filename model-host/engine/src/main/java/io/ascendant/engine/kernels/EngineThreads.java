package io.ascendant.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's fixed pool of platform threads for data-parallel kernels (rows of a matrix product, heads, experts).
 *
 * <p>Design: {@code size − 1} daemon workers plus the calling thread split one {@link #parallelFor} range in chunks
 * claimed from an atomic counter; workers spin briefly, then park, between jobs, so a decode step that issues
 * hundreds of small products does not pay a thread wake-up each time. One job runs at a time: a call from a thread
 * that is already inside a job of this pool (a worker, or the caller from inside its own body) runs the range inline
 * on that thread instead of deadlocking; a call from another thread waits for the running job to finish.
 *
 * <p>The size comes from the system property {@code ascendant.engine.threads} (default: the available processors)
 * for {@link #shared()}, or is given to {@link #create(int)}.
 */
public final class EngineThreads implements AutoCloseable {

    /** A body of a parallel loop: processes the indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final int SPINS = 5_000;
    private static volatile EngineThreads shared;

    private final int size;
    private final Thread[] workers;
    private final ReentrantLock jobLock = new ReentrantLock();
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private RangeBody body;
    private int total;
    private int grain;
    private volatile Throwable failure;
    private final ThreadLocal<Boolean> inside = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private EngineThreads(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("engine thread count must be ≥ 1, got " + size);
        }
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "engine-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** A new pool of {@code threads} threads (the caller counts as one). */
    public static EngineThreads create(int threads) {
        return new EngineThreads(threads);
    }

    /** The process-wide pool, sized by {@code -Dascendant.engine.threads} or the available processors. */
    public static EngineThreads shared() {
        EngineThreads s = shared;
        if (s == null) {
            synchronized (EngineThreads.class) {
                s = shared;
                if (s == null) {
                    int n = Integer.getInteger(
                            "ascendant.engine.threads", Runtime.getRuntime().availableProcessors());
                    s = new EngineThreads(Math.max(1, n));
                    shared = s;
                }
            }
        }
        return s;
    }

    /** Number of threads including the caller. */
    public int size() {
        return size;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of {@code grain} indices on all threads of the pool and returns
     * when every chunk is done. Rethrows the first exception a chunk threw.
     */
    public void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (size == 1 || n <= g || inside.get() || closed) {
            body.run(0, n);
            return;
        }
        jobLock.lock();
        try {
            inside.set(Boolean.TRUE);
            this.body = body;
            this.total = n;
            this.grain = g;
            this.failure = null;
            this.caller = Thread.currentThread();
            nextChunk.set(0);
            pending.set(workers.length);
            generation++; // volatile write publishes the job
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            runChunks(body, n, g);
            int spins = 0;
            while (pending.get() != 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
            this.body = null;
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            inside.set(Boolean.FALSE);
            jobLock.unlock();
        }
    }

    private void runChunks(RangeBody b, int n, int g) {
        try {
            for (int start = nextChunk.getAndAdd(g); start < n; start = nextChunk.getAndAdd(g)) {
                b.run(start, Math.min(n, start + g));
            }
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
            nextChunk.set(n); // stop handing out chunks
        }
    }

    private void workerLoop() {
        inside.set(Boolean.TRUE);
        long seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            RangeBody b = body;
            if (b != null) {
                runChunks(b, total, grain);
            }
            if (pending.decrementAndGet() == 0) {
                Thread c = caller;
                if (c != null) {
                    LockSupport.unpark(c);
                }
            }
        }
    }

    /** Stops the workers (the shared pool is never closed). */
    @Override
    public void close() {
        if (this == shared) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
