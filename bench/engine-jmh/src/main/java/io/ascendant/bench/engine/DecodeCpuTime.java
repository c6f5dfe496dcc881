package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decode steps on the {@link SyntheticCheckpoint} measured by the CPU time of the single engine thread (pool of 1),
 * for batch 1, 2, 4 and 8: a figure that a loaded, shared machine distorts much less than wall-clock tokens/s (it
 * still includes memory and cache contention). Prints per batch the median wall and CPU milliseconds per step and
 * tokens per CPU second, and the ratio to batch 1.
 *
 * <p>{@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * bench/engine-jmh/target/benchmarks.jar io.ascendant.bench.engine.DecodeCpuTime [steps per batch, default 10]
 * [batches, default 1,2,4,8]} (one batch alone, e.g. {@code 40 8}, is what a profiler should record)
 */
public final class DecodeCpuTime {
    private DecodeCpuTime() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (EngineThreads pool = EngineThreads.create(1);
                V4Model model = V4Model.load(SyntheticCheckpoint.ensure(), pool)) {
            System.out.printf(
                    "active weight bytes per token: %.3f GB%n%5s %12s %12s %16s %10s%n",
                    model.activeWeightBytesPerToken() / 1e9, "batch", "wall ms", "cpu ms", "tokens/cpu-s", "vs first");
            double base = 0;
            int[] batches = args.length > 1
                    ? java.util.Arrays.stream(args[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray()
                    : new int[] {1, 2, 4, 8};
            for (int batch : batches) {
                SplittableRandom rnd = new SplittableRandom(11);
                List<SequenceState> states = new ArrayList<>();
                for (int b = 0; b < batch; b++) {
                    int[] prompt = new int[4 + b];
                    for (int i = 0; i < prompt.length; i++) {
                        prompt[i] = rnd.nextInt(model.vocabSize());
                    }
                    SequenceState s = model.newSequence();
                    model.prefill(s, prompt);
                    states.add(s);
                }
                int[] tokens = new int[batch];
                long[] wall = new long[steps];
                long[] cpu = new long[steps];
                for (int i = -3; i < steps; i++) { // three warm-up steps
                    for (int b = 0; b < batch; b++) {
                        tokens[b] = rnd.nextInt(model.vocabSize());
                    }
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    model.decodeBatch(states, tokens);
                    if (i >= 0) {
                        wall[i] = System.nanoTime() - t0;
                        cpu[i] = mx.getCurrentThreadCpuTime() - c0;
                    }
                }
                java.util.Arrays.sort(wall);
                java.util.Arrays.sort(cpu);
                double cpuMs = cpu[steps / 2] / 1e6;
                double perCpuSecond = batch * 1000 / cpuMs;
                if (base == 0) {
                    base = perCpuSecond;
                }
                System.out.printf(
                        "%5d %12.1f %12.1f %16.2f %9.2fx%n",
                        batch, wall[steps / 2] / 1e6, cpuMs, perCpuSecond, perCpuSecond / base);
            }
        }
    }
}
