package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.numerics.Bf16;

/**
 * One layer's mixture of experts (reference {@code Gate}, {@code Expert}, {@code MoE}).
 *
 * <p>Gate in fp32: {@code s = score_func(x · W_gateᵀ)} ({@code sqrt(softplus)} for V4); selection by
 * {@code tid2eid[token]} in hash layers, else the top-k of {@code s + bias} (bias only for selection; lower expert id
 * first on ties); weights {@code s[picked]}, divided by their sum (not for softmax), times {@code route_scale}.
 *
 * <p>Routed expert (§2.1 item 8): {@code g = bf16(w1·aq(x))}, {@code u = bf16(w3·aq(x))} to fp32, clamp
 * ({@code g ≤ limit}, {@code |u| ≤ limit}), {@code h = bf16(weight · silu(g)·u)}, {@code y += bf16(w2·aq(h))}; the
 * fp32 accumulator {@code y} takes the experts in increasing id, then the shared expert (same SwiGLU, no clamp, no
 * weight), then rounds to bf16. {@code aq} is {@code act_quant(·, 128)}. An expert repeated in a token's
 * {@code tid2eid} row is added once, as the reference's indexed {@code +=} does.
 */
final class Moe {
    final int layer;
    final int experts;
    final int topk;
    final int dim;
    final int inter;
    final String scoreFunc;
    final float routeScale;
    final float limit;
    final Linear gate; // (E, D) fp32
    final float[] bias; // (E) or null
    final int[] tid2eid; // (vocab, K) or null
    final Linear[] w1;
    final Linear[] w2;
    final Linear[] w3;
    final Linear sw1;
    final Linear sw2;
    final Linear sw3;

    Moe(WeightSource src, ModelConfig cfg, int layer) {
        String p = "layers." + layer + ".ffn";
        this.layer = layer;
        this.experts = cfg.nRoutedExperts();
        this.topk = cfg.numExpertsPerTok();
        this.dim = cfg.hiddenSize();
        this.inter = cfg.moeIntermediateSize();
        this.scoreFunc = cfg.scoringFunc();
        this.routeScale = (float) cfg.routedScalingFactor();
        this.limit = (float) cfg.swigluLimit();
        this.gate = Linear.plain(src, p + ".gate.weight", Linear.Out.FP32);
        Shapes.require(p + ".gate.weight", gate.rows(), experts);
        if (cfg.isHashLayer(layer)) {
            this.tid2eid = src.ints(p + ".gate.tid2eid");
            this.bias = null;
            Shapes.require(p + ".gate.tid2eid", tid2eid.length, (long) cfg.vocabSize() * topk);
        } else {
            this.tid2eid = null;
            this.bias = src.has(p + ".gate.bias") ? src.floats(p + ".gate.bias") : null;
        }
        this.w1 = new Linear[experts];
        this.w2 = new Linear[experts];
        this.w3 = new Linear[experts];
        for (int e = 0; e < experts; e++) {
            String ep = p + ".experts." + e;
            w1[e] = Linear.of(src, ep + ".w1.weight", Linear.Out.BF16);
            w2[e] = Linear.of(src, ep + ".w2.weight", Linear.Out.BF16);
            w3[e] = Linear.of(src, ep + ".w3.weight", Linear.Out.BF16);
        }
        sw1 = Linear.of(src, p + ".shared_experts.w1.weight", Linear.Out.BF16);
        sw2 = Linear.of(src, p + ".shared_experts.w2.weight", Linear.Out.BF16);
        sw3 = Linear.of(src, p + ".shared_experts.w3.weight", Linear.Out.BF16);
    }

    /** The routing of n rows: {@code sel[n, K]} expert ids and {@code weight[n, K]} fp32 weights. */
    void route(float[] x, int n, int[] tokens, int[] sel, float[] weight) {
        float[] logits = new float[n * experts]; // (n, E) fp32
        gate.forward(x, n, logits);
        float[] biased = new float[experts];
        for (int r = 0; r < n; r++) {
            int lo = r * experts;
            score(logits, lo);
            if (tid2eid != null) {
                System.arraycopy(tid2eid, tokens[r] * topk, sel, r * topk, topk);
            } else {
                for (int e = 0; e < experts; e++) {
                    biased[e] = bias == null ? logits[lo + e] : logits[lo + e] + bias[e];
                }
                topK(biased, topk, sel, r * topk);
            }
            float sum = 0f;
            for (int k = 0; k < topk; k++) {
                float w = logits[lo + sel[r * topk + k]];
                weight[r * topk + k] = w;
                sum += w;
            }
            for (int k = 0; k < topk; k++) {
                if (!"softmax".equals(scoreFunc)) {
                    weight[r * topk + k] /= sum;
                }
                weight[r * topk + k] *= routeScale;
            }
        }
    }

    private void score(float[] s, int off) {
        switch (scoreFunc) {
            case "softmax" -> {
                float max = Float.NEGATIVE_INFINITY;
                for (int e = 0; e < experts; e++) {
                    max = Math.max(max, s[off + e]);
                }
                float sum = 0f;
                for (int e = 0; e < experts; e++) {
                    s[off + e] = (float) Math.exp(s[off + e] - max);
                    sum += s[off + e];
                }
                for (int e = 0; e < experts; e++) {
                    s[off + e] /= sum;
                }
            }
            case "sigmoid" -> {
                for (int e = 0; e < experts; e++) {
                    s[off + e] = 1f / (1f + (float) Math.exp(-s[off + e]));
                }
            }
            default -> {
                for (int e = 0; e < experts; e++) {
                    s[off + e] = (float) Math.sqrt(softplus(s[off + e]));
                }
            }
        }
    }

    /** {@code F.softplus} (beta 1, threshold 20) in fp32. */
    static float softplus(float x) {
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
    }

    /** Indices of the k largest values, largest first, lower index first on ties. */
    static void topK(float[] v, int k, int[] out, int off) {
        for (int j = 0; j < k; j++) {
            int best = -1;
            float bv = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < v.length; e++) {
                if ((best < 0 || v[e] > bv) && !taken(out, off, j, e)) {
                    best = e;
                    bv = v[e];
                }
            }
            out[off + j] = best;
        }
    }

    private static boolean taken(int[] out, int off, int count, int e) {
        for (int i = 0; i < count; i++) {
            if (out[off + i] == e) {
                return true;
            }
        }
        return false;
    }

    /** {@code out[n, D] = bf16(Σ_routed + shared)} for {@code x[n, D]} (bf16, after ffn_norm). */
    void forward(float[] x, int n, int[] tokens, float[] out) {
        int k = topk;
        int[] sel = new int[n * k];
        float[] weight = new float[n * k];
        route(x, n, tokens, sel, weight);

        float[] xq = new float[n * dim]; // (n, D) act_quant(x), shared by every expert
        Linear.actQuant(x, n, dim, xq);
        float[] y = new float[n * dim]; // (n, D) fp32 accumulator

        // rows per expert, in increasing expert id
        int[] count = new int[experts];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < k; j++) {
                if (!repeatedBefore(sel, r * k, j)) {
                    count[sel[r * k + j]]++;
                }
            }
        }
        int maxRows = 0;
        for (int e = 0; e < experts; e++) {
            maxRows = Math.max(maxRows, count[e]);
        }
        int[] rows = new int[Math.max(1, maxRows)];
        float[] rw = new float[Math.max(1, maxRows)];
        float[] xe = new float[Math.max(1, maxRows) * dim]; // (m, D)
        float[] g = new float[Math.max(n, maxRows) * inter]; // (m, I)
        float[] u = new float[Math.max(n, maxRows) * inter]; // (m, I)
        float[] hq = new float[Math.max(n, maxRows) * inter]; // (m, I)
        float[] ye = new float[Math.max(n, maxRows) * dim]; // (m, D)
        for (int e = 0; e < experts; e++) {
            if (count[e] == 0) {
                continue;
            }
            int m = 0;
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    if (sel[r * k + j] == e && !repeatedBefore(sel, r * k, j)) {
                        rows[m] = r;
                        rw[m] = weight[r * k + j];
                        System.arraycopy(w1[e].quantisedInput ? xq : x, r * dim, xe, m * dim, dim);
                        m++;
                    }
                }
            }
            swiglu(w1[e], w2[e], w3[e], xe, m, rw, limit, g, u, hq, ye);
            for (int i = 0; i < m; i++) {
                int yo = rows[i] * dim;
                int eo = i * dim;
                for (int d = 0; d < dim; d++) {
                    y[yo + d] += ye[eo + d];
                }
            }
        }
        swiglu(sw1, sw2, sw3, sw1.quantisedInput ? xq : x, n, null, 0f, g, u, hq, ye);
        for (int i = 0, end = n * dim; i < end; i++) {
            out[i] = Bf16.round(y[i] + ye[i]);
        }
    }

    private static boolean repeatedBefore(int[] sel, int off, int j) {
        for (int i = 0; i < j; i++) {
            if (sel[off + i] == sel[off + j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * One expert on m rows of already-quantised input {@code xq[m, D]}: {@code ye[m, D] = bf16(w2 · aq(bf16(w ·
     * silu(clamp g) · clamp u)))}; {@code rowWeight == null} for the shared expert (unweighted), {@code limit ≤ 0}
     * for no clamp.
     */
    private void swiglu(
            Linear l1,
            Linear l2,
            Linear l3,
            float[] xq,
            int m,
            float[] rowWeight,
            float lim,
            float[] g,
            float[] u,
            float[] hq,
            float[] ye) {
        l1.forward(xq, m, g); // (m, I) bf16
        l3.forward(xq, m, u); // (m, I) bf16
        int in = l1.rows();
        for (int i = 0; i < m; i++) {
            float w = rowWeight == null ? 1f : rowWeight[i];
            int off = i * in;
            for (int c = 0; c < in; c++) {
                float gate = g[off + c];
                float up = u[off + c];
                if (lim > 0f) {
                    up = Math.max(-lim, Math.min(lim, up));
                    gate = Math.min(gate, lim);
                }
                float h = gate / (1f + (float) Math.exp(-gate)) * up;
                if (rowWeight != null) {
                    h = w * h;
                }
                g[off + c] = Bf16.round(h);
            }
        }
        float[] h2 = l2.input(g, m, hq); // (m, I) act_quant(h)
        l2.forward(h2, m, ye); // (m, D) bf16
    }
}
