package io.ascendant.engine.model;

import io.ascendant.engine.numerics.Bf16;

/**
 * Manifold-constrained hyper-connections (mHC): the residual is {@code hc} streams {@code X[hc, dim]} (bf16
 * values), mixed before and after every sublayer. Math and evaluation order follow the reference
 * {@code Block.hc_pre}, {@code Block.hc_post}, {@code ParallelHead.hc_head} ({@code model.py}) and the
 * {@code hc_split_sinkhorn} kernel ({@code kernel.py}):
 *
 * <pre>
 * m        = (x · hc_fnᵀ) · rsqrt(mean(x²) + norm_eps)              x = flatten(X) in fp32, m[(2+hc)·hc]
 * pre_j    = σ(m_j·s0 + b_j) + hc_eps
 * post_j   = 2·σ(m_{hc+j}·s1 + b_{hc+j})
 * C[j][k]  = m_{2hc+j·hc+k}·s2 + b_{..};  C = rowsoftmax(C) + eps;  C /= colsum + eps;
 *            then (iters−1) × { C /= rowsum + eps; C /= colsum + eps }
 * u        = bf16(Σ_j pre_j·X_j)                                     (sublayer input)
 * X'_k     = bf16(post_k·F + Σ_j C[j][k]·X_j)                        (fp32 sum over j, then the add)
 * </pre>
 *
 * All methods are static, allocation-free and work on caller arrays at offsets.
 */
public final class HyperConnections {
    private HyperConnections() {}

    /** {@code rsqrt(mean(x[off..off+len)²) + eps)} in fp32. */
    public static float rmsScale(float[] x, int off, int len, float eps) {
        float sum = 0f;
        for (int i = off, end = off + len; i < end; i++) {
            sum += x[i] * x[i];
        }
        float mean = sum * (1f / len);
        return (float) (1.0 / Math.sqrt(mean + eps));
    }

    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /**
     * Splits the {@code (2+hc)·hc} mixes of one position into pre [hc], post [hc] and the doubly stochastic
     * combination matrix comb [hc][hc] (row j = source stream, column k = destination stream).
     */
    public static void splitSinkhorn(
            float[] mixes,
            int mOff,
            float[] scale,
            float[] base,
            int hc,
            int iters,
            float eps,
            float[] pre,
            int preOff,
            float[] post,
            int postOff,
            float[] comb,
            int cOff) {
        for (int j = 0; j < hc; j++) {
            pre[preOff + j] = sigmoid(mixes[mOff + j] * scale[0] + base[j]) + eps;
        }
        for (int j = 0; j < hc; j++) {
            post[postOff + j] = 2f * sigmoid(mixes[mOff + hc + j] * scale[1] + base[hc + j]);
        }
        for (int j = 0; j < hc; j++) {
            for (int k = 0; k < hc; k++) {
                int m = j * hc + k + 2 * hc;
                comb[cOff + j * hc + k] = mixes[mOff + m] * scale[2] + base[m];
            }
        }
        // row softmax + eps
        for (int j = 0; j < hc; j++) {
            int r = cOff + j * hc;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < hc; k++) {
                max = Math.max(max, comb[r + k]);
            }
            float sum = 0f;
            for (int k = 0; k < hc; k++) {
                float e = (float) Math.exp(comb[r + k] - max);
                comb[r + k] = e;
                sum += e;
            }
            for (int k = 0; k < hc; k++) {
                comb[r + k] = comb[r + k] / sum + eps;
            }
        }
        normaliseColumns(comb, cOff, hc, eps);
        for (int it = 0; it < iters - 1; it++) {
            normaliseRows(comb, cOff, hc, eps);
            normaliseColumns(comb, cOff, hc, eps);
        }
    }

    private static void normaliseRows(float[] c, int off, int hc, float eps) {
        for (int j = 0; j < hc; j++) {
            float sum = 0f;
            for (int k = 0; k < hc; k++) {
                sum += c[off + j * hc + k];
            }
            float d = sum + eps;
            for (int k = 0; k < hc; k++) {
                c[off + j * hc + k] = c[off + j * hc + k] / d;
            }
        }
    }

    private static void normaliseColumns(float[] c, int off, int hc, float eps) {
        for (int k = 0; k < hc; k++) {
            float sum = 0f;
            for (int j = 0; j < hc; j++) {
                sum += c[off + j * hc + k];
            }
            float d = sum + eps;
            for (int j = 0; j < hc; j++) {
                c[off + j * hc + k] = c[off + j * hc + k] / d;
            }
        }
    }

    /** The output head's mix: {@code pre_j = σ(m_j·s + b_j) + eps} (no Sinkhorn). */
    public static void headPre(float[] mixes, int mOff, float scale, float[] base, int hc, float eps, float[] pre) {
        for (int j = 0; j < hc; j++) {
            pre[j] = sigmoid(mixes[mOff + j] * scale + base[j]) + eps;
        }
    }

    /** {@code out[outOff..+dim) = bf16(Σ_j pre_j·X_j)}, X at {@code xOff} as {@code [hc, dim]}. */
    public static void collapse(
            float[] x, int xOff, float[] pre, int preOff, int hc, int dim, float[] out, int outOff) {
        for (int d = 0; d < dim; d++) {
            float s = 0f;
            for (int j = 0; j < hc; j++) {
                s += pre[preOff + j] * x[xOff + j * dim + d];
            }
            out[outOff + d] = Bf16.round(s);
        }
    }

    /**
     * {@code out_k = bf16(post_k·F + Σ_j comb[j][k]·X_j)} for every stream k (§2.1 item 11 order). {@code out} may
     * not alias {@code x}.
     */
    public static void expand(
            float[] f,
            int fOff,
            float[] x,
            int xOff,
            float[] post,
            int postOff,
            float[] comb,
            int cOff,
            int hc,
            int dim,
            float[] out,
            int outOff) {
        for (int k = 0; k < hc; k++) {
            float pk = post[postOff + k];
            for (int d = 0; d < dim; d++) {
                float mix = 0f;
                for (int j = 0; j < hc; j++) {
                    mix += comb[cOff + j * hc + k] * x[xOff + j * dim + d];
                }
                out[outOff + k * dim + d] = Bf16.round(pk * f[fOff + d] + mix);
            }
        }
    }
}
