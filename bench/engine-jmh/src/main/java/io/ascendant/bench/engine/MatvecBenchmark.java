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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Weight-streaming speed of the quantised kernels: one product over a 128 MiB matrix (FP8 [8192, 16384] with 128×128
 * scales, or FP4 [16384, 16384] packed with 1×32 scales; with {@code cols} 4096, the width of the synthetic checkpoint's
 * matrices, FP8 [32768, 4096] and FP4 [65536, 4096]), for a batch of 1 or 8 input vectors, on 1 or 2 threads. The
 * {@code bytes} counter is weight (+ scale) bytes per second; compare with {@link MemoryBandwidthBenchmark}. At batch 8
 * the same bytes serve 8 vectors, so 8 × that rate is the token throughput it allows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatvecBenchmark {
    @Param({"FP8", "FP4"})
    public String format;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "8"})
    public int batch;

    /** Input width: 16384 (wide rows, two at a time at batch 1) or 4096 (the model's widths, one row at a time). */
    @Param({"16384", "4096"})
    public int cols;

    private Arena arena;
    private EngineThreads pool;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        pool = EngineThreads.create(threads);
        SplittableRandom r = new SplittableRandom(1);
        int rows;
        if (format.equals("FP8")) {
            rows = (int) ((128L << 20) / cols);
            MemorySegment codes = random(r, (long) rows * cols, true);
            MemorySegment scales = scales(r, (long) (rows / 128) * (cols / 128));
            matrix = new Fp8Matrix("bench", rows, cols, codes, scales, pool);
        } else {
            rows = (int) ((256L << 20) / cols);
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
    public float product(ByteCounter counter) {
        matrix.matmul(x, batch, out);
        counter.bytes += matrix.storedBytes();
        return out[0];
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
