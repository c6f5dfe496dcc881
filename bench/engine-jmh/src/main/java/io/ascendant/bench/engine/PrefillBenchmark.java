package io.ascendant.bench.engine;

import io.ascendant.engine.kernels.EngineThreads;
import io.ascendant.engine.model.V4Model;
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
 * Prefill speed on the {@link SyntheticCheckpoint}: one {@link V4Model#prefill} of a {@code length}-token prompt into
 * a fresh sequence, on 1 or 2 threads. Score = prompts/s; {@code tokens} = prompt tokens/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 10)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class PrefillBenchmark {
    @Param({"1", "2"})
    public int threads;

    @Param({"16"})
    public int length;

    private EngineThreads pool;
    private V4Model model;
    private int[] prompt;

    /** Prompt tokens processed, reported as tokens/s. */
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
        SplittableRandom rnd = new SplittableRandom(5);
        prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = rnd.nextInt(model.vocabSize());
        }
    }

    @Benchmark
    public float prefill(TokenCounter counter) {
        float[] logits = model.prefill(model.newSequence(), prompt);
        counter.tokens += length;
        return logits[0];
    }

    @TearDown
    public void tearDown() {
        model.close();
        pool.close();
    }
}
