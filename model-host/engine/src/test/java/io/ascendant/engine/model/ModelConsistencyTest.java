package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ascendant.engine.config.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Self-consistency of the incremental path on a random tiny model of the real structure (window-only, CSA with
 * indexer, HCA with the literal ratio 128, window 128): a 300-token input crosses 75 CSA and 2 HCA compression
 * boundaries and wraps the window ring twice.
 *
 * <p>Tolerance: prefill then decode equals token-by-token decode <b>bit for bit</b> whenever the prefill is at
 * least one window long (or holds no compressed entry), because then the reference prefill lays out the sparse
 * attention's index list exactly like decode does. A shorter prefill with compressed entries puts them in other
 * 64-wide blocks of the kernel (its window part is {@code S} wide, not 128): the online softmax then rounds its bf16
 * probabilities against other running maxima — the reference behaves the same — so those splits are only required
 * to agree on the greedy token of the first step and to stay close.
 */
class ModelConsistencyTest {
    private static final int LEN = 300;
    private static ModelConfig cfg;
    private static V4Model model;
    private static int[] tokens;
    private static float[][] stepwise;

    @BeforeAll
    static void tokenByToken() {
        cfg = TinyModels.config();
        model = new V4Model(cfg, TinyModels.random(cfg, 7));
        SplittableRandom rnd = new SplittableRandom(3);
        tokens = new int[LEN];
        for (int i = 0; i < LEN; i++) {
            tokens[i] = rnd.nextInt(cfg.vocabSize());
        }
        SequenceState s = model.newSequence();
        stepwise = new float[LEN][];
        for (int i = 0; i < LEN; i++) {
            stepwise[i] = model.decode(s, tokens[i]);
        }
        assertThat(s.position()).isEqualTo(LEN);
    }

    @Test
    void prefillThenDecodeEqualsTokenByTokenDecodeAtEveryStep() {
        for (int split : new int[] {1, 2, 3, 4, 128, 129, 131, 256, 300}) {
            SequenceState s = model.newSequence();
            float[] first = model.prefill(s, Arrays.copyOf(tokens, split));
            assertThat(first).as("prefill of %d tokens", split).containsExactly(stepwise[split - 1]);
            for (int i = split; i < LEN; i++) {
                assertThat(model.decode(s, tokens[i]))
                        .as("decode at position %d after a prefill of %d", i, split)
                        .containsExactly(stepwise[i]);
            }
        }
    }

    @Test
    void shortPrefillWithCompressedEntriesStaysClose() {
        for (int split : new int[] {8, 40, 100}) {
            SequenceState s = model.newSequence();
            float[] first = model.prefill(s, Arrays.copyOf(tokens, split));
            assertThat(argmax(first)).isEqualTo(argmax(stepwise[split - 1]));
            double scale = absMax(stepwise[split - 1]);
            assertThat(maxDiff(first, stepwise[split - 1])).isLessThan(0.1 * scale);
        }
    }

    @Test
    void batchedDecodeEqualsSingleDecodeForSequencesOfDifferentLengths() {
        int[] lens = {1, 5, 17, 133};
        SequenceState[] batch = new SequenceState[lens.length];
        SequenceState[] single = new SequenceState[lens.length];
        for (int s = 0; s < lens.length; s++) {
            batch[s] = model.newSequence();
            model.prefill(batch[s], Arrays.copyOf(tokens, lens[s]));
            single[s] = batch[s].copy();
        }
        SplittableRandom rnd = new SplittableRandom(9);
        for (int step = 0; step < 12; step++) {
            int[] next = new int[lens.length];
            for (int s = 0; s < lens.length; s++) {
                next[s] = rnd.nextInt(cfg.vocabSize());
            }
            float[][] b = model.decodeBatch(List.of(batch), next);
            for (int s = 0; s < lens.length; s++) {
                assertThat(b[s]).as("sequence %d step %d", s, step).containsExactly(model.decode(single[s], next[s]));
            }
        }
    }

    @Test
    void aCopiedStateContinuesExactlyLikeTheOriginal() {
        SequenceState s = model.newSequence();
        model.prefill(s, Arrays.copyOf(tokens, 150));
        SequenceState snapshot = s.copy();
        assertThat(snapshot.byteSize()).isEqualTo(s.byteSize()).isPositive();
        for (int i = 150; i < 170; i++) {
            model.decode(s, tokens[i]);
        }
        for (int i = 150; i < 170; i++) {
            assertThat(model.decode(snapshot, tokens[i])).containsExactly(stepwise[i]);
        }
    }

    @Test
    void prefillOnAStartedSequenceContinuesIncrementally() {
        SequenceState s = model.newSequence();
        model.prefill(s, Arrays.copyOf(tokens, 130));
        float[] l = model.prefill(s, Arrays.copyOfRange(tokens, 130, 140));
        assertThat(l).containsExactly(stepwise[139]);
        assertThat(s.position()).isEqualTo(140);
    }

    @Test
    void extendingByAChunkEqualsDecodingItTokenByToken() {
        // from position 150, 120 tokens: the chunk overwrites most of the 128-slot ring, completes 30 CSA entries
        // and HCA entry 1 (tokens 128..255)
        SequenceState s = model.newSequence();
        model.prefill(s, Arrays.copyOf(tokens, 150));
        float[][] all = model.extendAll(s, Arrays.copyOfRange(tokens, 150, 270));
        for (int i = 0; i < 120; i++) {
            assertThat(all[i]).as("row %d", i).containsExactly(stepwise[150 + i]);
        }
        assertThat(model.extend(s, Arrays.copyOfRange(tokens, 270, 300))).containsExactly(stepwise[299]);
        assertThat(s.position()).isEqualTo(300);
    }

    @Test
    void longPromptsArePrefilledInBoundedChunks() {
        V4Model chunked = new V4Model(cfg, TinyModels.random(cfg, 7));
        chunked.setMaxChunk(130);
        SequenceState a = chunked.newSequence();
        float[] viaChunks = chunked.prefill(a, tokens); // 130 one-shot, then extends of 130 and 40
        SequenceState b = model.newSequence();
        model.prefill(b, Arrays.copyOf(tokens, 130));
        assertThat(viaChunks).containsExactly(model.extend(b, Arrays.copyOfRange(tokens, 130, LEN)));
        assertThat(viaChunks).containsExactly(stepwise[LEN - 1]);
        float[][] rows = chunked.extendAll(chunked.newSequence(), Arrays.copyOf(tokens, 200));
        for (int i = 0; i < 200; i++) {
            assertThat(rows[i]).as("row %d", i).containsExactly(stepwise[i]);
        }
    }

    @Test
    void rejectsTokensOutsideTheVocabularyAndRepeatedStates() {
        SequenceState s = model.newSequence();
        assertThatThrownBy(() -> model.prefill(s, new int[] {cfg.vocabSize()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> model.decodeBatch(List.of(s, s), new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
    }

    static int argmax(float[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[b]) {
                b = i;
            }
        }
        return b;
    }

    static double absMax(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
