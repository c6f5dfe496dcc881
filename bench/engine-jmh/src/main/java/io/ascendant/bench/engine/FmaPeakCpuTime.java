package io.ascendant.bench.engine;

import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This core's fp32 multiply-add peak through the Vector API: twelve independent FMA chains on registers (no memory
 * traffic), timed by the CPU time of the thread. The ceiling against which the batched kernels' multiply-adds per
 * CPU-second ({@link KernelCpuTime}) are read: batch 8 is compute-bound when it gets close to this.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp bench/engine-jmh/target/benchmarks.jar
 * io.ascendant.bench.engine.FmaPeakCpuTime}
 */
public final class FmaPeakCpuTime {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private FmaPeakCpuTime() {}

    /** {@code iters} rounds of 12 dependent-chain FMAs; returns a sum so the JIT keeps the work. */
    private static float chains(long iters) {
        FloatVector a0 = FloatVector.broadcast(F, 1f);
        FloatVector a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        final FloatVector m = FloatVector.broadcast(F, 0.999999f);
        final FloatVector c = FloatVector.broadcast(F, 1e-7f);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1)
                .add(a2)
                .add(a3)
                .add(a4)
                .add(a5)
                .add(a6)
                .add(a7)
                .add(a8)
                .add(a9)
                .add(a10)
                .add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long iters = 200_000_000L;
        double best = 0;
        float keep = 0;
        for (int rep = 0; rep < 6; rep++) { // the first rounds run before C2 compiles the loop
            long t0 = mx.getCurrentThreadCpuTime();
            keep += chains(iters);
            long t1 = mx.getCurrentThreadCpuTime();
            best = Math.max(best, iters * 12.0 * F.length() / (t1 - t0));
        }
        System.out.printf(
                "fp32 FMA peak, one thread, %d lanes: %.1f G multiply-adds per CPU-second (%s)%n",
                F.length(), best, keep > 0 ? "ok" : "?");
    }
}
