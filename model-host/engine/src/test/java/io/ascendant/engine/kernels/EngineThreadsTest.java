package io.ascendant.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class EngineThreadsTest {

    @Test
    void coversEveryIndexExactlyOnceAcrossThreads() {
        try (EngineThreads pool = EngineThreads.create(2)) {
            for (int round = 0; round < 200; round++) {
                int n = 1 + round * 7;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, 3, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).as("round %d index %d", round, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void usesMoreThanOneThreadAndRunsNestedLoopsInline() {
        try (EngineThreads pool = EngineThreads.create(2)) {
            ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();
            AtomicIntegerArray inner = new AtomicIntegerArray(64 * 10);
            for (int attempt = 0; attempt < 50 && names.size() < 2; attempt++) {
                pool.parallelFor(64, 1, (s, e) -> {
                    names.put(Thread.currentThread().getName(), true);
                    for (int i = s; i < e; i++) {
                        final int outer = i;
                        // nested call from inside a job: must not deadlock, runs on this thread
                        pool.parallelFor(10, 1, (a, b) -> {
                            for (int j = a; j < b; j++) {
                                inner.set(outer * 10 + j, 1);
                            }
                        });
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(names).hasSize(2);
            for (int i = 0; i < inner.length(); i++) {
                assertThat(inner.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void rethrowsTheFirstFailure() {
        try (EngineThreads pool = EngineThreads.create(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, 1, (s, e) -> {
                        if (s == 57) {
                            throw new IllegalStateException("chunk 57 failed");
                        }
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("chunk 57 failed");
            // the pool is still usable
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            pool.parallelFor(10, 1, (s, e) -> hits.incrementAndGet(s));
            assertThat(hits.get(9)).isEqualTo(1);
        }
    }
}
