package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.Bf16Matrix;
import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * The batched kernels measured by the CPU time of the one thread that runs them, so that the numbers survive a shared,
 * loaded machine better than wall-clock JMH scores (they still include cache and memory contention): for FP8
 * {@code [4096, 16384]}, FP4 {@code [8192, 16384]} and BF16 {@code [2048, 16384]} (64 MiB each) and batch n, the
 * best of repeated products, either one batched product ({@code shared}: weights read and decoded once) or n
 * matrix-vector products ({@code perRow}).
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * bench/engine-jmh/target/benchmarks.jar io.ascendant.bench.engine.KernelCpuTime [seconds per case, default 3]}
 *
 * <p>Prints per case: wall and CPU milliseconds per product, G multiply-adds per CPU second, and the speed-up of
 * shared over perRow (CPU time).
 */
public final class KernelCpuTime {
    private KernelCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (EngineThreads pool = EngineThreads.create(1);
                Arena arena = Arena.ofShared()) {
            SplittableRandom r = new SplittableRandom(1);
            int cols = 16384;
            WeightMatrix[] matrices = {
                new Fp8Matrix(
                        "FP8",
                        4096,
                        cols,
                        random(arena, r, 4096L * cols, true),
                        scales(arena, r, (4096 / 128) * (cols / 128)),
                        pool),
                new Fp4Matrix(
                        "FP4",
                        8192,
                        cols,
                        random(arena, r, 8192L * cols / 2, false),
                        scales(arena, r, 8192L * (cols / 32)),
                        pool),
                new Bf16Matrix("BF16", 2048, cols, bf16(arena, r, 2048L * cols), pool)
            };
            String[] names = {"FP8", "FP4", "BF16"};
            System.out.printf(
                    "%-5s %3s %-7s %10s %10s %16s %10s%n",
                    "fmt", "n", "mode", "wall ms", "cpu ms", "GMAC/cpu-s", "speed-up");
            for (int i = 0; i < matrices.length; i++) {
                WeightMatrix m = matrices[i];
                for (int n : new int[] {1, 2, 4, 8}) {
                    float[] x = new float[n * cols];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = (float) r.nextGaussian();
                    }
                    float[] out = new float[n * m.rows()];
                    double[] perRow = run(mx, m, x, n, out, false, seconds);
                    double[] shared = run(mx, m, x, n, out, true, seconds);
                    double macs = (double) m.rows() * cols * n;
                    System.out.printf(
                            "%-5s %3d %-7s %10.2f %10.2f %16.2f%n",
                            names[i], n, "perRow", perRow[0] / 1e6, perRow[1] / 1e6, macs / perRow[1]);
                    System.out.printf(
                            "%-5s %3d %-7s %10.2f %10.2f %16.2f %9.2fx%n",
                            names[i],
                            n,
                            "shared",
                            shared[0] / 1e6,
                            shared[1] / 1e6,
                            macs / shared[1],
                            perRow[1] / shared[1]);
                }
            }
        }
    }

    /** Best wall and CPU nanoseconds of one call over about {@code seconds} (after a warm-up of the same length). */
    private static double[] run(
            ThreadMXBean mx, WeightMatrix m, float[] x, int n, float[] out, boolean shared, double seconds) {
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int phase = 0; phase < 2; phase++) {
            best[0] = Double.MAX_VALUE;
            best[1] = Double.MAX_VALUE;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int iterations = 0;
            while (System.nanoTime() < end || iterations < 3) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                if (shared) {
                    m.matmul(x, n, out);
                } else {
                    for (int b = 0; b < n; b++) {
                        m.matvec(x, b * m.cols(), out, b * m.rows());
                    }
                }
                best[0] = Math.min(best[0], System.nanoTime() - t0);
                best[1] = Math.min(best[1], mx.getCurrentThreadCpuTime() - c0);
                iterations++;
            }
        }
        return best;
    }

    static MemorySegment random(Arena arena, SplittableRandom r, long n, boolean noFp8Nan) {
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
            MemorySegment.copy(chunk, 0, s, ValueLayout.JAVA_BYTE, off, (int) Math.min(chunk.length, n - off));
        }
        return s;
    }

    static MemorySegment scales(Arena arena, SplittableRandom r, long n) {
        MemorySegment s = arena.allocate(n, 64);
        for (long i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + r.nextInt(4)));
        }
        return s;
    }

    static MemorySegment bf16(Arena arena, SplittableRandom r, long n) {
        MemorySegment s = arena.allocate(n * 2, 64);
        for (long i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, (short)
                    (Float.floatToRawIntBits((float) r.nextGaussian()) >>> 16));
        }
        return s;
    }
}
