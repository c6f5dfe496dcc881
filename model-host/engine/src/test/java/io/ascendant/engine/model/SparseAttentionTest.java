package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ascendant.engine.numerics.Bf16;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseAttentionTest {

    private static float[] attend(
            float[] q, int heads, int hd, float[] kvA, int nA, float[] kvB, int[] idx, float[] sink, float scale) {
        float[] out = new float[heads * hd];
        SparseAttention.attend(
                q,
                0,
                hd,
                0,
                heads,
                kvA,
                nA,
                kvB,
                idx,
                0,
                idx.length,
                sink,
                scale,
                out,
                0,
                new float[heads * SparseAttention.BLOCK],
                new float[heads * hd],
                new float[2 * heads]);
        return out;
    }

    @Test
    void sinkOnlyJoinsTheDenominator() {
        // one key with score s = q·k·scale = 2; sink 1 → o = v · e^(2-2) / (e^0 + e^(1-2))
        float[] q = {1f, 1f};
        float[] kv = {1f, 1f};
        float[] out = attend(q, 1, 2, kv, 1, null, new int[] {0}, new float[] {1f}, 1f);
        float expected = Bf16.round((float) (1 / (1 + Math.exp(-1))));
        assertThat(out).containsExactly(expected, expected);
    }

    @Test
    void aVeryNegativeSinkGivesPlainSoftmaxAndMinusOneIsSkipped() {
        float[] q = {0.5f, -1f};
        float[] kv = {1f, 0f, 0f, 1f, 3f, 3f}; // rows 0..2
        int[] idx = {0, -1, 1, -1};
        float[] out = attend(q, 1, 2, kv, 3, null, idx, new float[] {-1e9f}, 1f);
        double s0 = 0.5;
        double s1 = -1;
        double p0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
        assertThat(out[0]).isCloseTo((float) p0, within(4e-3f));
        assertThat(out[1]).isCloseTo((float) (1 - p0), within(4e-3f));
    }

    @Test
    void blockedOnlineSoftmaxMatchesANaiveSoftmaxWithinBf16() {
        SplittableRandom rnd = new SplittableRandom(5);
        int heads = 3;
        int hd = 32;
        int nA = 100;
        int nB = 40;
        float[] q = TinyModels.values(rnd, heads * hd, 0.5f);
        float[] kvA = TinyModels.values(rnd, nA * hd, 1f);
        float[] kvB = TinyModels.values(rnd, nB * hd, 1f);
        int[] idx = new int[150]; // crosses three 64-blocks, both segments, some -1
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i % 7 == 3 ? -1 : rnd.nextInt(nA + nB);
        }
        float[] sink = {0.3f, -2f, 1.5f};
        float scale = (float) Math.pow(hd, -0.5);
        float[] out = attend(q, heads, hd, kvA, nA, kvB, idx, sink, scale);
        for (int h = 0; h < heads; h++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] s = new double[idx.length];
            for (int t = 0; t < idx.length; t++) {
                if (idx[t] < 0) {
                    continue;
                }
                float[] kv = idx[t] < nA ? kvA : kvB;
                int off = (idx[t] < nA ? idx[t] : idx[t] - nA) * hd;
                double dot = 0;
                for (int d = 0; d < hd; d++) {
                    dot += q[h * hd + d] * kv[off + d];
                }
                s[t] = dot * scale;
                max = Math.max(max, s[t]);
            }
            double denom = Math.exp(sink[h] - max);
            double[] o = new double[hd];
            for (int t = 0; t < idx.length; t++) {
                if (idx[t] < 0) {
                    continue;
                }
                double p = Math.exp(s[t] - max);
                denom += p;
                float[] kv = idx[t] < nA ? kvA : kvB;
                int off = (idx[t] < nA ? idx[t] : idx[t] - nA) * hd;
                for (int d = 0; d < hd; d++) {
                    o[d] += p * kv[off + d];
                }
            }
            for (int d = 0; d < hd; d++) {
                double e = o[d] / denom;
                assertThat((double) out[h * hd + d]).isCloseTo(e, within(Math.abs(e) * 1.6e-2 + 2e-3));
            }
        }
    }
}
