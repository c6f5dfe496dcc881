package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.kernels.Fp4Matrix;
import io.ascendant.engine.kernels.Fp8Matrix;
import io.ascendant.engine.kernels.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * The batched products of the MoE experts as a decode step meets them, timed by the CPU time of the one thread that
 * runs them: V4-Flash's expert shapes ({@code [2048, 4096]} for w1/w3, {@code [4096, 2048]} for w2) in FP4 and FP8,
 * each a cycle of many distinct matrices (256 MiB of FP4, 256 MiB of FP8) so that the weights stream from memory as
 * the experts of a step do, times 1, 2, 3, 4 and 8 inputs (the rows routed to one expert: about 3 at batch 8 on 16
 * experts top 6). Prints microseconds per product and G multiply-adds per CPU second; batch n costing less than n times
 * batch 1 is what batched decode gains on the experts.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * bench/engine-jmh/target/benchmarks.jar io.ascendant.bench.engine.ExpertKernelCpuTime [seconds per case, default 1.5]}
 */
public final class ExpertKernelCpuTime {
    private static final long CYCLE_BYTES = 256L << 20;

    private ExpertKernelCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-5s %-13s %3s %14s %14s%n", "fmt", "shape", "n", "us/product", "GMAC/cpu-s");
        for (String format : new String[] {"FP4", "FP8"}) {
            for (int[] shape : new int[][] {{2048, 4096}, {4096, 2048}}) {
                try (EngineThreads pool = EngineThreads.create(1);
                        Arena arena = Arena.ofShared()) {
                    WeightMatrix[] cycle = cycle(format, shape[0], shape[1], arena, pool);
                    SplittableRandom r = new SplittableRandom(3);
                    for (int n : new int[] {1, 2, 3, 4, 8}) {
                        float[] x = new float[n * shape[1]];
                        for (int k = 0; k < x.length; k++) {
                            x[k] = (float) r.nextGaussian();
                        }
                        float[] out = new float[n * shape[0]];
                        double ns = bestCpuNsPerProduct(mx, cycle, x, n, out, seconds);
                        System.out.printf(
                                "%-5s %-13s %3d %14.1f %14.2f%n",
                                format,
                                "[" + shape[0] + ", " + shape[1] + "]",
                                n,
                                ns / 1e3,
                                (double) shape[0] * shape[1] * n / ns);
                    }
                }
            }
        }
    }

    private static WeightMatrix[] cycle(String format, int rows, int cols, Arena arena, EngineThreads pool) {
        SplittableRandom r = new SplittableRandom(1);
        boolean fp4 = format.equals("FP4");
        long bytes = fp4 ? (long) rows * cols / 2 : (long) rows * cols;
        WeightMatrix[] cycle = new WeightMatrix[(int) (CYCLE_BYTES / bytes)];
        for (int i = 0; i < cycle.length; i++) {
            cycle[i] = fp4
                    ? new Fp4Matrix(
                            "FP4",
                            rows,
                            cols,
                            KernelCpuTime.random(arena, r, bytes, false),
                            KernelCpuTime.scales(arena, r, (long) rows * (cols / 32)),
                            pool)
                    : new Fp8Matrix(
                            "FP8",
                            rows,
                            cols,
                            KernelCpuTime.random(arena, r, bytes, true),
                            KernelCpuTime.scales(arena, r, (long) ((rows + 127) / 128) * (cols / 128)),
                            pool);
        }
        return cycle;
    }

    /** Best CPU nanoseconds per product over passes through the whole cycle, after a warm-up of the same length. */
    private static double bestCpuNsPerProduct(
            ThreadMXBean mx, WeightMatrix[] cycle, float[] x, int n, float[] out, double seconds) {
        double best = Double.MAX_VALUE;
        for (int phase = 0; phase < 2; phase++) {
            best = Double.MAX_VALUE;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int passes = 0;
            while (System.nanoTime() < end || passes < 2) {
                long c0 = mx.getCurrentThreadCpuTime();
                for (WeightMatrix m : cycle) {
                    m.matmul(x, n, out);
                }
                best = Math.min(best, (double) (mx.getCurrentThreadCpuTime() - c0) / cycle.length);
                passes++;
            }
        }
        return best;
    }
}
