package io.ascendant.engine.model;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model's fixed pool of platform threads for work split across heads, rows or experts (the weight kernels
 * split their own rows). {@link #forRange} cuts {@code [0, n)} into one contiguous chunk per thread; the calling
 * thread runs the first chunk. Bodies must not call {@link #forRange} again (no nesting).
 *
 * <p>Size: system property {@code ascendant.engine.threads}, default the available processors.
 */
final class Parallel {
    /** A body over a half-open range. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    static final int THREADS = Math.max(
            1,
            Integer.getInteger("ascendant.engine.threads", Runtime.getRuntime().availableProcessors()));

    private static final ExecutorService POOL =
            THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemons()) : null;

    private Parallel() {}

    private static ThreadFactory daemons() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "v4-model-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code body} over {@code [0, n)} split across the pool; returns when all chunks are done. */
    static void forRange(int n, RangeBody body) {
        int parts = Math.min(THREADS, n);
        if (parts <= 1 || POOL == null) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            futures[p - 1] = POOL.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) n / parts));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for model workers", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error er) {
                    throw er;
                }
                throw new IllegalStateException(c);
            }
        }
    }
}
