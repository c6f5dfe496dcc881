package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batched kernels in isolation: {@code batch} input vectors times one 64 MiB quantised matrix (FP8
 * {@code [4096, 16384]} with 128×128 scales, or FP4 {@code [8192, 16384]} with 1×32 scales), either as one batched
 * product ({@code shared}: each weight byte read and decoded once for all rows) or as {@code batch} separate
 * matrix-vector products ({@code perRow}: each weight read and decoded once per row, what decoding the sequences one
 * by one costs).
 *
 * <p>Read the {@code rows} line: input vectors multiplied per second (the kernel's share of tokens/s). {@code shared}
 * over {@code perRow} is the speed-up batching buys; at batch 1 both are the plain matrix-vector product.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BatchedProductBenchmark {
    @Param({"FP8", "FP4"})
    public String format;

    @Param({"shared", "perRow"})
    public String mode;

    @Param({"1", "8"})
    public int batch;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private EngineThreads pool;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;
    private int cols;
    private int rows;

    /** Input vectors multiplied, reported by JMH as a rate next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class RowCounter {
        public long rows;

        @Setup(Level.Iteration)
        public void reset() {
            rows = 0;
        }
    }

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        pool = EngineThreads.create(threads);
        SplittableRandom r = new SplittableRandom(1);
        cols = 16384;
        if (format.equals("FP8")) {
            rows = 4096;
            MemorySegment codes = random(r, (long) rows * cols, true);
            MemorySegment scales = scales(r, (long) (rows / 128) * (cols / 128));
            matrix = new Fp8Matrix("bench", rows, cols, codes, scales, pool);
        } else {
            rows = 8192;
            MemorySegment packed = random(r, (long) rows * cols / 2, false);
            MemorySegment scales = scales(r, (long) rows * (cols / 32));
            matrix = new Fp4Matrix("bench", rows, cols, packed, scales, pool);
        }
        x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        out = new float[batch * rows];
    }

    private MemorySegment random(SplittableRandom r, long n, boolean noFp8Nan) {
        MemorySegment s = arena.allocate(n, 64);
        byte[] chunk = new byte[1 << 20];
        for (long off = 0; off < n; off += chunk.length) {
            r.nextBytes(chunk);
            if (noFp8Nan) {
                for (int i = 0; i < chunk.length; i++) {
                    if ((chunk[i] & 0x7f) == 0x7f) {
                        chunk[i] = 0;
                    }
                }
            }
            int len = (int) Math.min(chunk.length, n - off);
            MemorySegment.copy(chunk, 0, s, ValueLayout.JAVA_BYTE, off, len);
        }
        return s;
    }

    private MemorySegment scales(SplittableRandom r, long n) {
        MemorySegment s = arena.allocate(n, 64);
        for (long i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + r.nextInt(4)));
        }
        return s;
    }

    @Benchmark
    public float product(RowCounter counter) {
        if (mode.equals("shared")) {
            matrix.matmul(x, batch, out);
        } else {
            for (int b = 0; b < batch; b++) {
                matrix.matvec(x, b * cols, out, b * rows);
            }
        }
        counter.rows += batch;
        return out[0];
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
