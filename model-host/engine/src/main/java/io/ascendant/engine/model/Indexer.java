package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.numerics.ActQuant;
import io.ascendant.engine.numerics.Bf16;
import io.ascendant.engine.numerics.Hadamard;
import java.util.Arrays;

/**
 * The lightning indexer of CSA layers (reference {@code Indexer}): picks, per query, the top-k compressed entries
 * the sparse attention will read.
 *
 * <p>Query: {@code q = bf16(wq_b · act_quant(qr))} [IH, ID]; RoPE on each head's last {@code rd} dims; Hadamard
 * (bf16); FP4 simulation in blocks of 32. Keys: the indexer's own compressor (ratio 4, overlap, rotate). Head
 * weights {@code w = bf16(bf16(weights_proj · x) · fp32(ID^-½ · IH^-½))}. Score of entry t: {@code bf16(Σ_h
 * bf16(relu(bf16(q_h · K_t)) · w_h))} (§2.1 item 6). Selection: descending score, lower index first on ties,
 * {@code width} slots with {@code -1} for picks beyond the visible entries (§2.1 item 3).
 */
final class Indexer {
    final int heads; // IH
    final int dim; // ID
    final int topk;
    final int ropeDim;
    final Linear wqB; // (IH·ID, q_lora) FP8
    final Linear weightsProj; // (IH, D) BF16 → bf16
    final Compressor compressor;
    final float weightScale;

    Indexer(WeightSource src, String prefix, int heads, int dim, int topk, int ropeDim, float eps, Rope rope) {
        this.heads = heads;
        this.dim = dim;
        this.topk = topk;
        this.ropeDim = ropeDim;
        this.wqB = Linear.of(src, prefix + ".wq_b.weight", Linear.Out.BF16);
        this.weightsProj = Linear.of(src, prefix + ".weights_proj.weight", Linear.Out.BF16);
        this.compressor = new Compressor(src, prefix + ".compressor", 4, dim, ropeDim, true, eps, rope);
        this.weightScale = (float) (Math.pow(dim, -0.5) * Math.pow(heads, -0.5));
        Shapes.require(prefix + ".wq_b.weight", wqB.rows(), (long) heads * dim);
        Shapes.require(prefix + ".weights_proj.weight", weightsProj.rows(), heads);
    }

    /** Finishes n query rows in place: {@code q[n, IH·ID]} bf16 → RoPE (per-row angles) → Hadamard → FP4 sim. */
    void finishQueries(float[] q, int n, float[] cos, float[] sin) {
        int half = ropeDim / 2;
        for (int r = 0; r < n; r++) {
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * dim;
                Rope.applyAt(q, off + dim - ropeDim, ropeDim, cos, r * half, sin, r * half, false);
                Hadamard.transformBf16(q, off, dim);
                ActQuant.fp4Inplace(q, off, dim, 32);
            }
        }
    }

    /** {@code w[n, IH] = bf16(bf16(weights_proj · x) · scale)}; {@code w} holds the projection on entry. */
    void scaleWeights(float[] w, int n) {
        for (int i = 0, end = n * heads; i < end; i++) {
            w[i] = Bf16.round(w[i] * weightScale);
        }
    }

    /**
     * Scores entries {@code [0, visible)} for one query row.
     *
     * @param q the row's finished query at {@code qOff}, {@code [IH, ID]}
     * @param w the row's head weights at {@code wOff}
     * @param keys the indexer compressor's entries {@code [T, ID]}
     * @param scores output, {@code visible} values
     */
    void score(float[] q, int qOff, float[] w, int wOff, float[] keys, int visible, float[] scores) {
        score(q, qOff, w, wOff, keys, 0, visible, scores, 0);
    }

    /** {@link #score} for entries {@code [t0, t1)}, written to {@code scores[sOff + t]}. */
    void score(float[] q, int qOff, float[] w, int wOff, float[] keys, int t0, int t1, float[] scores, int sOff) {
        for (int t = t0; t < t1; t++) {
            float s = 0f;
            int kOff = t * dim;
            for (int h = 0; h < heads; h++) {
                float dot = Bf16.round(SparseAttention.dot(q, qOff + h * dim, keys, kOff, dim));
                float relu = dot > 0f ? dot : 0f;
                s += Bf16.round(relu * w[wOff + h]);
            }
            scores[sOff + t] = Bf16.round(s);
        }
    }

    /**
     * Top-{@code width} of {@code scores[0, visible)}: indices (plus {@code offset}) in descending score, lower index
     * first on ties, then {@code -1} up to {@code width}.
     *
     * @param keys scratch of at least {@code visible} longs
     */
    static void select(float[] scores, int visible, int width, int offset, int[] out, int outOff, long[] keys) {
        for (int t = 0; t < visible; t++) {
            keys[t] = descendingKey(scores[t], t);
        }
        Arrays.sort(keys, 0, visible);
        int picked = Math.min(width, visible);
        for (int k = 0; k < picked; k++) {
            out[outOff + k] = (int) keys[k] + offset;
        }
        for (int k = picked; k < width; k++) {
            out[outOff + k] = -1;
        }
    }

    static long descendingKey(float v, int index) {
        int s = Float.floatToIntBits(v == 0f ? 0f : v); // -0 ties with +0
        s ^= (s >> 31) & 0x7fffffff;
        long desc = (long) Integer.MAX_VALUE - s;
        return ((desc - (1L << 31)) << 32) | index;
    }
}
