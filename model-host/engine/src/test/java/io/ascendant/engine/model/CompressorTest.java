package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.numerics.Bf16;
import org.junit.jupiter.api.Test;

/**
 * Pooling and overlap of the compressor with weights chosen so the pooled values are known by hand: {@code wkv}
 * copies the token's input into every channel half, {@code wgate} is zero, so scores are just {@code ape}.
 */
class CompressorTest {
    private static final int D = 8; // model width
    private static final int DIM = 8; // entry width
    private static final int RD = 2; // rope dims (the last two)

    private static Compressor compressor(int ratio, float[] ape) {
        int c = ratio == 4 ? 2 : 1;
        int width = c * DIM;
        float[] wkv = new float[width * D];
        for (int half = 0; half < c; half++) {
            for (int i = 0; i < DIM; i++) {
                wkv[(half * DIM + i) * D + i] = 1f; // channel half·d + i = x[i]
            }
        }
        float[] norm = new float[DIM];
        java.util.Arrays.fill(norm, 1f);
        ArrayWeights w = new ArrayWeights()
                .put("c.ape", DType.F32, ape, ratio, width)
                .put("c.wkv.weight", DType.BF16, wkv, width, D)
                .put("c.wgate.weight", DType.BF16, new float[width * D], width, D)
                .put("c.norm.weight", DType.BF16, norm, DIM);
        Rope rope = new Rope(RD, 10000, 0, 1, 32, 1);
        return new Compressor(w, "c", ratio, DIM, RD, false, 1e-6f, rope);
    }

    /** Token t's input: x[i] = t + 1 + i/8 (distinct per token and channel). */
    private static float[] tokens(int n) {
        float[] x = new float[n * D];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < D; i++) {
                x[t * D + i] = Bf16.round(t + 1 + i / 8f);
            }
        }
        return x;
    }

    /** The finishing steps (bf16, RMSNorm with unit weight, RoPE at pos) applied to a hand-pooled vector. */
    private static float[] finish(double[] pooled, int pos) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = Bf16.round((float) pooled[i]);
        }
        float[] norm = new float[DIM];
        java.util.Arrays.fill(norm, 1f);
        float[] out = new float[DIM];
        Norms.rmsNormRow(v, 0, DIM, norm, 1e-6f, out, 0);
        Rope rope = new Rope(RD, 10000, 0, 1, 32, 1);
        float[] cos = new float[1];
        float[] sin = new float[1];
        rope.angles(pos, cos, sin);
        Rope.apply(out, DIM - RD, RD, cos, sin, false);
        return out;
    }

    private static double[] meanOfTokens(float[] x, int from, int to) {
        double[] m = new double[DIM];
        for (int t = from; t < to; t++) {
            for (int i = 0; i < DIM; i++) {
                m[i] += x[t * D + i] / (double) (to - from);
            }
        }
        return m;
    }

    private static float[] entry(CompressorState st, int j) {
        return java.util.Arrays.copyOfRange(st.entries, j * DIM, (j + 1) * DIM);
    }

    @Test
    void overlappingWindowPoolsEightTokensAndEntryZeroOnlyItsOwnBlock() {
        Compressor c = compressor(4, new float[4 * 2 * DIM]); // ape 0: uniform softmax
        int n = 12;
        float[] x = tokens(n);
        float[] kv = new float[n * 2 * DIM];
        float[] sc = new float[n * 2 * DIM];
        c.project(x, n, kv, sc);
        CompressorState st = new CompressorState(4, DIM);
        c.prefill(st, kv, sc, n, new float[DIM]);
        assertThat(st.count).isEqualTo(3);
        // entry 0: missing previous half (kv 0, score −inf) → mean of tokens 0..3
        assertThat(entry(st, 0)).containsExactly(finish(meanOfTokens(x, 0, 4), 0), within(1e-6f));
        // entry 1: tokens 0..7 (previous block through channels [0,d), current through [d,2d)), RoPE at 4
        assertThat(entry(st, 1)).containsExactly(finish(meanOfTokens(x, 0, 8), 4), within(1e-6f));
        assertThat(entry(st, 2)).containsExactly(finish(meanOfTokens(x, 4, 12), 8), within(1e-6f));
    }

    @Test
    void positionBiasWeightsTokensWithinTheBlock() {
        float[] ape = new float[8 * DIM];
        for (int i = 0; i < DIM; i++) {
            ape[2 * DIM + i] = 30f; // the token at block position 2 dominates every channel
        }
        Compressor c = compressor(8, ape);
        int n = 16;
        float[] x = tokens(n);
        float[] kv = new float[n * DIM];
        float[] sc = new float[n * DIM];
        c.project(x, n, kv, sc);
        CompressorState st = new CompressorState(8, DIM);
        c.prefill(st, kv, sc, n, new float[DIM]);
        assertThat(st.count).isEqualTo(2);
        assertThat(entry(st, 0)).containsExactly(finish(meanOfTokens(x, 2, 3), 0), within(1e-5f));
        assertThat(entry(st, 1)).containsExactly(finish(meanOfTokens(x, 10, 11), 8), within(1e-5f));
    }

    @Test
    void nonOverlappingBlocksPoolOnlyTheirOwnTokens() {
        Compressor c = compressor(8, new float[8 * DIM]);
        int n = 20; // two complete blocks and a remainder of 4
        float[] x = tokens(n);
        float[] kv = new float[n * DIM];
        float[] sc = new float[n * DIM];
        c.project(x, n, kv, sc);
        CompressorState st = new CompressorState(8, DIM);
        c.prefill(st, kv, sc, n, new float[DIM]);
        assertThat(st.count).isEqualTo(2);
        assertThat(entry(st, 0)).containsExactly(finish(meanOfTokens(x, 0, 8), 0), within(1e-6f));
        assertThat(entry(st, 1)).containsExactly(finish(meanOfTokens(x, 8, 16), 8), within(1e-6f));
    }

    @Test
    void decodeStepsProduceTheSameEntriesAsPrefillForAnySplit() {
        for (int ratio : new int[] {4, 8}) {
            int c2 = ratio == 4 ? 2 : 1;
            float[] ape = TinyModels.values(new java.util.SplittableRandom(ratio), ratio * c2 * DIM, 1f);
            Compressor c = compressor(ratio, ape);
            int n = 37;
            float[] x = tokens(n);
            float[] kv = new float[n * c2 * DIM];
            float[] sc = new float[n * c2 * DIM];
            c.project(x, n, kv, sc);
            CompressorState all = new CompressorState(ratio, DIM);
            c.prefill(all, kv, sc, n, new float[DIM]);
            for (int split = 1; split < n; split += 5) {
                CompressorState st = new CompressorState(ratio, DIM);
                c.prefill(st, kv, sc, split, new float[DIM]);
                for (int p = split; p < n; p++) {
                    c.decode(st, kv, sc, p * c2 * DIM, p, new float[DIM]);
                }
                assertThat(st.count).isEqualTo(all.count);
                assertThat(java.util.Arrays.copyOf(st.entries, st.count * DIM))
                        .as("ratio %d, prefill %d then decode", ratio, split)
                        .containsExactly(java.util.Arrays.copyOf(all.entries, all.count * DIM));
            }
        }
    }
}
