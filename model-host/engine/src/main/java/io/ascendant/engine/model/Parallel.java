package io.ascendant.engine.model;

import io.ascendant.engine.kernels.EngineThreads;

/**
 * Work split across heads or rows on the engine's shared thread pool ({@link EngineThreads#shared()}, sized by
 * {@code ascendant.engine.threads}), the same pool the weight kernels split their rows on, so the two never compete
 * for cores. {@link #forRange} cuts {@code [0, n)} into about one contiguous chunk per thread; a body may call the
 * weight kernels (nested calls run inline).
 */
final class Parallel {
    /** A body over a half-open range. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {}

    /** Runs {@code body} over {@code [0, n)} split across the pool; returns when all chunks are done. */
    static void forRange(int n, RangeBody body) {
        if (n <= 0) {
            return;
        }
        EngineThreads pool = EngineThreads.shared();
        int grain = (n + pool.size() - 1) / pool.size();
        pool.parallelFor(n, grain, body::run);
    }
}
