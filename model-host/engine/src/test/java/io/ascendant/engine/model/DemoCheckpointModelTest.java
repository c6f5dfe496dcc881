package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ascendant.engine.checkpoint.Checkpoint;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.demo.DemoCheckpointGenerator;
import io.ascendant.engine.demo.DemoVariant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model on the generated TINY demo checkpoint (brief §6: window 16, ratios 0/4/16/4, FP8 linears, FP4 experts)
 * read through the real memory-mapped loader.
 *
 * <p>Two kernel settings: the weight kernels' scalar oracles (deterministic; a batched product equals the
 * single-row one bit for bit) for the exact self-consistency and the pinned goldens, and the Vector API kernels,
 * which must agree with the oracle within a stated tolerance. The goldens live in
 * {@code src/test/resources/io/ascendant/engine/model/demo-tiny-golden.properties} and are rewritten only when the
 * test runs with {@code -Dascendant.engine.regenerateGoldens=true} (do that on purpose, after a numerics change
 * that was checked against the reference, and commit the new file with the change that explains it).
 */
class DemoCheckpointModelTest {
    private static final String GOLDEN = "io/ascendant/engine/model/demo-tiny-golden.properties";
    private static final int[] PROMPT = {0, 17, 42, 300, 5, 999, 123, 64, 7, 512, 88, 3, 250, 1000, 31, 9, 77, 600};
    private static final int GREEDY = 12;

    @TempDir
    static Path dir;

    private static V4Model oracle;
    private static V4Model vector;

    @BeforeAll
    static void generate() throws IOException {
        DemoCheckpointGenerator.generate(DemoVariant.TINY, dir, DemoCheckpointGenerator.SEED, false);
        ModelConfig cfg = ModelConfig.load(dir);
        oracle = new V4Model(cfg, new OracleWeights(Checkpoint.open(dir)));
        vector = V4Model.load(dir);
    }

    @AfterAll
    static void close() {
        oracle.close();
        vector.close();
    }

    @Test
    void prefillThenDecodeEqualsTokenByTokenDecodeOnTheDemoCheckpoint() {
        int len = 300; // window 16: the ring wraps 18 times; 75 CSA and 18 HCA (ratio 16) entries
        SplittableRandom rnd = new SplittableRandom(3);
        int[] tokens = new int[len];
        for (int i = 0; i < len; i++) {
            tokens[i] = rnd.nextInt(oracle.vocabSize());
        }
        SequenceState s = oracle.newSequence();
        float[][] stepwise = new float[len][];
        for (int i = 0; i < len; i++) {
            stepwise[i] = oracle.decode(s, tokens[i]);
        }
        // splits of at least one window: the prefill lays out the attention indices as decode does → bit for bit
        for (int split : new int[] {1, 2, 16, 17, 64, 161, 300}) {
            SequenceState p = oracle.newSequence();
            assertThat(oracle.prefill(p, Arrays.copyOf(tokens, split)))
                    .as("prefill of %d", split)
                    .containsExactly(stepwise[split - 1]);
            for (int i = split; i < Math.min(len, split + 60); i++) {
                assertThat(oracle.decode(p, tokens[i]))
                        .as("decode %d after prefill %d", i, split)
                        .containsExactly(stepwise[i]);
            }
        }
    }

    @Test
    void batchedDecodeEqualsSingleDecode() {
        // bit for bit with both kernel sets: the Vector API kernels sum a product in the same order whatever the
        // batch (batched tile kernel and batch-1 kernel alike, lanes summed in lane order), so a sequence's logits
        // do not depend on what it was batched with (a summation-order difference would be amplified through the
        // bf16 rounding points and the router / indexer top-k into visible logit changes)
        batchVersusSingle(oracle, 0.0);
        batchVersusSingle(vector, 0.0);
    }

    private static void batchVersusSingle(V4Model model, double relTolerance) {
        int[] lens = {1, 6, 16, 40};
        SequenceState[] batch = new SequenceState[lens.length];
        SequenceState[] single = new SequenceState[lens.length];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < lens.length; i++) {
            int[] prompt = new int[lens[i]];
            for (int t = 0; t < prompt.length; t++) {
                prompt[t] = rnd.nextInt(model.vocabSize());
            }
            batch[i] = model.newSequence();
            model.prefill(batch[i], prompt);
            single[i] = batch[i].copy();
        }
        for (int step = 0; step < 6; step++) {
            int[] next = new int[lens.length];
            for (int i = 0; i < lens.length; i++) {
                next[i] = rnd.nextInt(model.vocabSize());
            }
            float[][] b = model.decodeBatch(List.of(batch), next);
            for (int i = 0; i < lens.length; i++) {
                float[] one = model.decode(single[i], next[i]);
                if (relTolerance == 0.0) {
                    assertThat(b[i]).as("seq %d step %d", i, step).containsExactly(one);
                } else {
                    assertThat(ModelConsistencyTest.maxDiff(b[i], one))
                            .as("seq %d step %d", i, step)
                            .isLessThanOrEqualTo(relTolerance * ModelConsistencyTest.absMax(one));
                }
            }
        }
    }

    @Test
    void vectorKernelsAgreeWithTheScalarOracle() {
        // one token: no state yet to amplify kernel rounding differences → tight
        float[] a1 = oracle.prefill(oracle.newSequence(), new int[] {PROMPT[1]});
        float[] b1 = vector.prefill(vector.newSequence(), new int[] {PROMPT[1]});
        double scale = ModelConsistencyTest.absMax(a1);
        assertThat(ModelConsistencyTest.maxDiff(a1, b1)).isLessThan(1e-3 * scale);
        // 18 tokens: fp32 summation-order differences pass through bf16 rounding points and grow layer by layer
        float[] a = oracle.prefill(oracle.newSequence(), PROMPT);
        float[] b = vector.prefill(vector.newSequence(), PROMPT);
        assertThat(ModelConsistencyTest.maxDiff(a, b)).isLessThan(0.05 * ModelConsistencyTest.absMax(a));
        assertThat(ModelConsistencyTest.argmax(b)).isEqualTo(ModelConsistencyTest.argmax(a));
    }

    @Test
    void greedyTokensAndLogitsMatchThePinnedGoldens() throws IOException {
        SequenceState s = oracle.newSequence();
        float[] first = oracle.prefill(s, PROMPT);
        int[] tokens = new int[GREEDY];
        float[] logits = first;
        for (int i = 0; i < GREEDY; i++) {
            tokens[i] = ModelConsistencyTest.argmax(logits);
            logits = oracle.decode(s, tokens[i]);
        }
        Properties actual = new Properties();
        actual.setProperty("prompt", join(PROMPT));
        actual.setProperty("greedy", join(tokens));
        actual.setProperty("prefill.logits.0-7", join(Arrays.copyOf(first, 8)));
        actual.setProperty("last.logits.0-7", join(Arrays.copyOf(logits, 8)));
        Properties golden = new Properties();
        if (Boolean.getBoolean("ascendant.engine.regenerateGoldens")) {
            Path file = Path.of("src/test/resources").resolve(GOLDEN);
            Files.createDirectories(file.getParent());
            StringBuilder text = new StringBuilder("# TINY demo checkpoint (seed " + DemoCheckpointGenerator.SEED
                    + "), scalar-oracle kernels, greedy after the prompt.\n"
                    + "# Regenerate on purpose with -Dascendant.engine.regenerateGoldens=true.\n");
            for (String k : new java.util.TreeSet<>(actual.stringPropertyNames())) {
                text.append(k).append('=').append(actual.getProperty(k)).append('\n');
            }
            Files.writeString(file, text);
            golden.load(new java.io.StringReader(text.toString()));
        } else {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
                assertThat(in)
                        .as("golden file " + GOLDEN + " (generate it with -Dascendant.engine.regenerateGoldens=true)")
                        .isNotNull();
                golden.load(in);
            }
        }
        assertThat(actual.getProperty("prompt")).isEqualTo(golden.getProperty("prompt"));
        assertThat(actual.getProperty("greedy")).isEqualTo(golden.getProperty("greedy"));
        assertClose(first, golden.getProperty("prefill.logits.0-7"));
        assertClose(logits, golden.getProperty("last.logits.0-7"));
    }

    private static void assertClose(float[] logits, String pinned) {
        String[] parts = pinned.split(",");
        for (int i = 0; i < parts.length; i++) {
            assertThat(logits[i]).as("logit %d", i).isCloseTo(Float.parseFloat(parts[i]), within(1e-5f));
        }
    }

    private static String join(int[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }

    private static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }
}
