package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.model.SequenceState;
import io.ascendant.engine.model.V4Model;
import java.util.ArrayList;
import java.util.List;
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
 * Decode speed of the whole V4 forward pass on the {@link SyntheticCheckpoint} (about 1 GB of weights per token):
 * one {@link V4Model#decodeBatch} step for {@code batch} sequences of different lengths, on 1 or 2 threads.
 *
 * <p>Read the output as: score = steps/s; {@code tokens} = tokens/s (batch × steps/s); {@code bytes} = weight bytes
 * streamed per second, counting the active weights once per step (the batch shares each weight read: routed experts
 * picked by several rows are read once, experts nobody picked not at all, so at batch 8 this slightly undercounts
 * the experts). Roofline: batch-1 tokens/s × active bytes ÷ {@link MemoryBandwidthBenchmark}'s GB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 10)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class DecodeBenchmark {
    @Param({"1", "2"})
    public int threads;

    @Param({"1", "2", "4", "8"})
    public int batch;

    private EngineThreads pool;
    private V4Model model;
    private List<SequenceState> states;
    private int[] tokens;
    private SplittableRandom rnd;
    private long activeBytes;

    /** Tokens decoded, reported by JMH as tokens/s next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class TokenCounter {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    @Setup
    public void setup() {
        pool = EngineThreads.create(threads);
        model = V4Model.load(SyntheticCheckpoint.ensure(), pool);
        activeBytes = model.activeWeightBytesPerToken();
        System.out.printf("%n# active weight bytes per token: %.3f GB%n", activeBytes / 1e9);
        rnd = new SplittableRandom(11);
        states = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int[] prompt = new int[4 + b]; // different lengths
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = rnd.nextInt(model.vocabSize());
            }
            SequenceState s = model.newSequence();
            model.prefill(s, prompt);
            states.add(s);
        }
        tokens = new int[batch];
    }

    @Benchmark
    public float step(ByteCounter bytes, TokenCounter counter) {
        for (int b = 0; b < batch; b++) {
            tokens[b] = rnd.nextInt(model.vocabSize());
        }
        float[][] logits = model.decodeBatch(states, tokens);
        bytes.bytes += activeBytes;
        counter.tokens += batch;
        return logits[0][0];
    }

    @TearDown
    public void tearDown() {
        model.close();
        pool.close();
    }
}
