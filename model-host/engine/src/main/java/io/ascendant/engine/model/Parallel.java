package io.ascendant.engine.model;

import io.ascendant.engine.kernels.EngineThreads;

/**
 * Work split across heads or rows on the model's engine thread pool, the same pool its weight kernels split their
 * rows on (so the two never compete for cores). {@link #forRange} cuts {@code [0, n)} into about one contiguous chunk
 * per thread; a body may call the weight kernels (nested calls run inline).
 */
final class Parallel {
    /** A body over a half-open range. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private final EngineThreads pool;

    Parallel(EngineThreads pool) {
        this.pool = pool;
    }

    /** Runs {@code body} over {@code [0, n)} split across the pool; returns when all chunks are done. */
    void forRange(int n, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int grain = (n + pool.size() - 1) / pool.size();
        pool.parallelFor(n, grain, body::run);
    }
}
