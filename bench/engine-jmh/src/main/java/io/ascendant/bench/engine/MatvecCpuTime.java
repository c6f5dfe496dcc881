package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.Bf16Matrix;
import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Batch-1 matrix-vector products on one thread, timed by that thread's CPU time, for the widths the model uses
 * (2048 and 4096 columns: V4-Flash; 7168: V4-Pro; 16384) and two sizes: a matrix that stays in the L2 cache (512 KiB of weights, the kernel's
 * own speed: decode and multiply-add) and one that streams from memory (64 MiB). Prints GB of weights per CPU second;
 * the gap between the two sizes is what the memory stream costs, the cached figure is the ceiling of the kernel.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * bench/engine-jmh/target/benchmarks.jar io.ascendant.bench.engine.MatvecCpuTime [seconds per case, default 2]}
 */
public final class MatvecCpuTime {
    private MatvecCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-5s %6s %10s %12s %14s%n", "fmt", "cols", "weights", "cpu us", "GB/cpu-s");
        try (EngineThreads pool = EngineThreads.create(1);
                Arena arena = Arena.ofShared()) {
            SplittableRandom r = new SplittableRandom(1);
            for (String format : new String[] {"FP8", "FP4", "BF16"}) {
                for (int cols : new int[] {2048, 4096, 7168, 16384}) {
                    for (long bytes : new long[] {512L << 10, 64L << 20}) {
                        WeightMatrix m = matrix(format, cols, bytes, arena, r, pool);
                        float[] x = new float[cols];
                        for (int k = 0; k < cols; k++) {
                            x[k] = (float) r.nextGaussian();
                        }
                        float[] out = new float[m.rows()];
                        double cpuNs = bestCpuNs(mx, m, x, out, seconds);
                        System.out.printf(
                                "%-5s %6d %9dK %12.1f %14.2f%n", format, cols, bytes >> 10, cpuNs / 1e3, bytes / cpuNs);
                    }
                }
            }
        }
    }

    private static WeightMatrix matrix(
            String format, int cols, long bytes, Arena arena, SplittableRandom r, EngineThreads pool) {
        return switch (format) {
            case "FP8" -> {
                int rows = (int) Math.max(1, bytes / cols);
                yield new Fp8Matrix(
                        "FP8",
                        rows,
                        cols,
                        KernelCpuTime.random(arena, r, (long) rows * cols, true),
                        KernelCpuTime.scales(arena, r, (long) ((rows + 127) / 128) * (cols / 128)),
                        pool);
            }
            case "FP4" -> {
                int rows = (int) Math.max(2, bytes * 2 / cols);
                yield new Fp4Matrix(
                        "FP4",
                        rows,
                        cols,
                        KernelCpuTime.random(arena, r, (long) rows * cols / 2, false),
                        KernelCpuTime.scales(arena, r, (long) rows * (cols / 32)),
                        pool);
            }
            default -> {
                int rows = (int) Math.max(1, bytes / 2 / cols);
                yield new Bf16Matrix("BF16", rows, cols, KernelCpuTime.bf16(arena, r, (long) rows * cols), pool);
            }
        };
    }

    /** Best CPU nanoseconds of one product over about {@code seconds}, after a warm-up of the same length. */
    private static double bestCpuNs(ThreadMXBean mx, WeightMatrix m, float[] x, float[] out, double seconds) {
        double best = Double.MAX_VALUE;
        for (int phase = 0; phase < 2; phase++) {
            best = Double.MAX_VALUE;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int iterations = 0;
            while (System.nanoTime() < end || iterations < 3) {
                long c0 = mx.getCurrentThreadCpuTime();
                // a cached matrix is too quick for the CPU clock's resolution: time 64 products at once
                int reps = m.rows() * (long) m.cols() < (1 << 22) ? 64 : 1;
                for (int i = 0; i < reps; i++) {
                    m.matvec(x, 0, out, 0);
                }
                best = Math.min(best, (double) (mx.getCurrentThreadCpuTime() - c0) / reps);
                iterations++;
            }
        }
        return best;
    }
}
