package io.ascendant.engine.model;

import io.ascendant.engine.numerics.Bf16;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reference {@code sparse_attn} kernel ({@code kernel.py}) for one query position: every head attends to the
 * KV rows named by an index list (the same list for all heads; {@code -1} = no row), with a per-head sink logit
 * in the denominator only.
 *
 * <p>Semantics kept from the kernel (§2.1 item 9): the index list is walked in blocks of 64; scores
 * {@code s = (q·kv)·scale} in fp32; online softmax with a running max per block and {@code exp(m_prev − m_new)}
 * rescaling; the probabilities are rounded to bf16 for the P·V product only (the denominator sums the fp32
 * values); after the last block {@code exp(sink − m)} joins the denominator; the output is rounded to bf16. Index
 * {@code -1} contributes a score of −inf; a block holding only {@code -1} changes nothing.
 *
 * <p>KV rows are addressed as two segments: indices {@code [0, nA)} read {@code kvA}, indices {@code ≥ nA} read
 * {@code kvB} at {@code index − nA} (prefill: raw rows then compressed entries; decode: the window ring then
 * compressed entries), each row {@code headDim} wide.
 */
public final class SparseAttention {
    /** The kernel's index block width. */
    public static final int BLOCK = 64;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private SparseAttention() {}

    /**
     * Attends heads {@code [h0, h1)}.
     *
     * @param q query {@code [heads, headDim]} at {@code qOff} (bf16 values)
     * @param idx index list, {@code width} entries from {@code idxOff}
     * @param sink per-head sink logits (fp32)
     * @param out output {@code [heads, headDim]} at {@code outOff}, bf16 values
     * @param scores scratch of at least {@code (h1−h0)·BLOCK} floats
     * @param acc scratch of at least {@code (h1−h0)·headDim} floats
     * @param stats scratch of at least {@code 2·(h1−h0)} floats (running max and denominator per head)
     */
    public static void attend(
            float[] q,
            int qOff,
            int headDim,
            int h0,
            int h1,
            float[] kvA,
            int nA,
            float[] kvB,
            int[] idx,
            int idxOff,
            int width,
            float[] sink,
            float scale,
            float[] out,
            int outOff,
            float[] scores,
            float[] acc,
            float[] stats) {
        int nh = h1 - h0;
        final int sumOff = nh;
        java.util.Arrays.fill(stats, 0, nh, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(stats, nh, 2 * nh, 0f);
        java.util.Arrays.fill(acc, 0, nh * headDim, 0f);
        for (int b0 = 0; b0 < width; b0 += BLOCK) {
            int b1 = Math.min(width, b0 + BLOCK);
            boolean any = false;
            for (int t = b0; t < b1; t++) {
                int ix = idx[idxOff + t];
                int s = t - b0;
                if (ix < 0) {
                    for (int h = 0; h < nh; h++) {
                        scores[h * BLOCK + s] = Float.NEGATIVE_INFINITY;
                    }
                    continue;
                }
                any = true;
                float[] kv = ix < nA ? kvA : kvB;
                int kvOff = (ix < nA ? ix : ix - nA) * headDim;
                for (int h = 0; h < nh; h++) {
                    scores[h * BLOCK + s] = dot(q, qOff + (h0 + h) * headDim, kv, kvOff, headDim) * scale;
                }
            }
            if (!any) {
                continue;
            }
            for (int h = 0; h < nh; h++) {
                float mPrev = stats[h];
                float m = mPrev;
                int sb = h * BLOCK;
                for (int s = 0; s < b1 - b0; s++) {
                    m = Math.max(m, scores[sb + s]);
                }
                float rescale = (float) Math.exp(mPrev - m);
                float blockSum = 0f;
                for (int s = 0; s < b1 - b0; s++) {
                    float p = (float) Math.exp(scores[sb + s] - m);
                    blockSum += p;
                    scores[sb + s] = Bf16.round(p); // P·V uses bf16 P
                }
                stats[sumOff + h] = stats[sumOff + h] * rescale + blockSum;
                stats[h] = m;
                if (rescale != 1f) {
                    scaleInPlace(acc, h * headDim, headDim, rescale);
                }
            }
            for (int t = b0; t < b1; t++) {
                int ix = idx[idxOff + t];
                if (ix < 0) {
                    continue;
                }
                float[] kv = ix < nA ? kvA : kvB;
                int kvOff = (ix < nA ? ix : ix - nA) * headDim;
                int s = t - b0;
                for (int h = 0; h < nh; h++) {
                    float p = scores[h * BLOCK + s];
                    if (p != 0f) {
                        axpy(p, kv, kvOff, acc, h * headDim, headDim);
                    }
                }
            }
        }
        for (int h = 0; h < nh; h++) {
            float denom = stats[sumOff + h] + (float) Math.exp(sink[h0 + h] - stats[h]);
            int o = outOff + (h0 + h) * headDim;
            int a = h * headDim;
            for (int d = 0; d < headDim; d++) {
                out[o + d] = Bf16.round(acc[a + d] / denom);
            }
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        FloatVector accV = FloatVector.zero(SPECIES);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromArray(SPECIES, a, aOff + i);
            FloatVector vb = FloatVector.fromArray(SPECIES, b, bOff + i);
            accV = va.fma(vb, accV);
        }
        // lanes summed in a fixed order: reduceLanes(ADD) may reassociate differently once C2 compiles it,
        // which would make results depend on JIT timing
        float s = 0f;
        for (int l = 0; l < SPECIES.length(); l++) {
            s += accV.lane(l);
        }
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        FloatVector va = FloatVector.broadcast(SPECIES, alpha);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector vx = FloatVector.fromArray(SPECIES, x, xOff + i);
            FloatVector vy = FloatVector.fromArray(SPECIES, y, yOff + i);
            vx.fma(va, vy).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    private static void scaleInPlace(float[] y, int off, int n, float s) {
        for (int i = off, end = off + n; i < end; i++) {
            y[i] *= s;
        }
    }
}
