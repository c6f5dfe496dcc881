package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HyperConnectionsTest {
    private static final float EPS = 1e-6f;

    @Test
    void zeroMixesGiveHalfPreUnitPostAndUniformCombination() {
        float[] mixes = new float[24];
        float[] pre = new float[4];
        float[] post = new float[4];
        float[] comb = new float[16];
        HyperConnections.splitSinkhorn(
                mixes, 0, new float[] {1, 1, 1}, new float[24], 4, 20, EPS, pre, 0, post, 0, comb, 0);
        assertThat(pre).containsOnly(0.5f + EPS);
        assertThat(post).containsOnly(1f);
        for (float c : comb) {
            assertThat(c).isCloseTo(0.25f, within(1e-6f));
        }
    }

    /** Oracle: the reference's Sinkhorn written out in double precision. */
    private static double[][] sinkhornOracle(double[][] logits, int iters, double eps) {
        int n = logits.length;
        double[][] c = new double[n][n];
        for (int j = 0; j < n; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                max = Math.max(max, logits[j][k]);
            }
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += Math.exp(logits[j][k] - max);
            }
            for (int k = 0; k < n; k++) {
                c[j][k] = Math.exp(logits[j][k] - max) / sum + eps;
            }
        }
        colNorm(c, eps);
        for (int i = 0; i < iters - 1; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += c[j][k];
                }
                for (int k = 0; k < n; k++) {
                    c[j][k] /= s + eps;
                }
            }
            colNorm(c, eps);
        }
        return c;
    }

    private static void colNorm(double[][] c, double eps) {
        int n = c.length;
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += c[j][k];
            }
            for (int j = 0; j < n; j++) {
                c[j][k] /= s + eps;
            }
        }
    }

    @Test
    void sinkhornMatchesTheReferenceOrderOfTwentyNormalisations() {
        float[] mixes = new float[24];
        float[] base = new float[24];
        for (int i = 0; i < 24; i++) {
            mixes[i] = (float) Math.sin(i * 1.7) * 3f;
            base[i] = (float) Math.cos(i * 0.3);
        }
        float[] scale = {0.5f, 0.25f, 2f};
        float[] pre = new float[4];
        float[] post = new float[4];
        float[] comb = new float[16];
        HyperConnections.splitSinkhorn(mixes, 0, scale, base, 4, 20, EPS, pre, 0, post, 0, comb, 0);
        double[][] logits = new double[4][4];
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < 4; k++) {
                logits[j][k] = mixes[8 + 4 * j + k] * scale[2] + base[8 + 4 * j + k];
            }
            assertThat(pre[j])
                    .isCloseTo((float) (1 / (1 + Math.exp(-(mixes[j] * 0.5 + base[j]))) + EPS), within(1e-6f));
            assertThat(post[j])
                    .isCloseTo((float) (2 / (1 + Math.exp(-(mixes[4 + j] * 0.25 + base[4 + j])))), within(1e-6f));
        }
        double[][] expected = sinkhornOracle(logits, 20, EPS);
        double[][] fewer = sinkhornOracle(logits, 2, EPS);
        double gap = 0;
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < 4; k++) {
                assertThat((double) comb[4 * j + k]).isCloseTo(expected[j][k], within(2e-6));
                gap = Math.max(gap, Math.abs(expected[j][k] - fewer[j][k]));
            }
        }
        assertThat(gap).as("the iteration count must matter for this input").isGreaterThan(1e-4);
        for (int k = 0; k < 4; k++) {
            float col = comb[k] + comb[4 + k] + comb[8 + k] + comb[12 + k];
            assertThat(col).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void collapseAndExpandFollowTheReferenceFormulas() {
        // hc = 2, dim = 1: X = [[2], [4]]
        float[] x = {2f, 4f};
        float[] pre = {0.25f, 0.5f};
        float[] u = new float[1];
        HyperConnections.collapse(x, 0, pre, 0, 2, 1, u, 0);
        assertThat(u[0]).isEqualTo(2.5f); // 0.25·2 + 0.5·4
        float[] f = {10f};
        float[] post = {1f, 0.5f};
        float[] comb = {0.75f, 0.25f, 0.25f, 0.75f}; // comb[j][k]: from stream j to stream k
        float[] out = new float[2];
        HyperConnections.expand(f, 0, x, 0, post, 0, comb, 0, 2, 1, out, 0);
        assertThat(out[0]).isEqualTo(1f * 10 + 0.75f * 2 + 0.25f * 4); // 12.5
        assertThat(out[1]).isEqualTo(0.5f * 10 + 0.25f * 2 + 0.75f * 4); // 8.5
    }
}
