package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.numerics.ActQuant;
import io.ascendant.engine.numerics.Bf16;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Routing (top-k, bias only for selection, hash layers, weights applied) computed by hand. */
class MoeRoutingTest {
    private static final int D = 128;
    private static final int E = 4;
    private static final int K = 2;
    private static final int I = 128;
    private static final float[] LOGIT = {0.5f, 2.0f, -1.0f, 1.0f};

    private static ModelConfig config() {
        return ModelConfig.parse("""
                {"vocab_size": 8, "dim": 128, "moe_inter_dim": 128, "n_layers": 2, "n_hash_layers": 1,
                 "n_heads": 1, "head_dim": 128, "rope_head_dim": 64, "q_lora_rank": 128, "o_groups": 1,
                 "o_lora_rank": 128, "n_routed_experts": 4, "n_activated_experts": 2, "route_scale": 1.5,
                 "swiglu_limit": 10.0, "window_size": 4, "compress_ratios": [0, 0]}
                """, "moe-test");
    }

    /** Gate rows e = LOGIT[e]·unit(e) scaled by row r of x (x[r][e] = 1 + r for e < 4 in row-specific ways). */
    private static ArrayWeights weights(int layer, float[] bias) {
        ArrayWeights w = new ArrayWeights();
        SplittableRandom rnd = new SplittableRandom(11);
        String p = "layers." + layer + ".ffn";
        float[] gate = new float[E * D];
        for (int e = 0; e < E; e++) {
            gate[e * D + e] = LOGIT[e];
        }
        w.put(p + ".gate.weight", DType.BF16, gate, E, D);
        if (bias != null) {
            w.put(p + ".gate.bias", DType.F32, bias, E);
        }
        int[] tid2eid = {3, 0, 1, 2, 2, 2, 0, 1, 1, 3, 0, 3, 2, 1, 3, 0};
        w.putInts(p + ".gate.tid2eid", tid2eid, 8, 2);
        for (int e = 0; e < E; e++) {
            w.put(p + ".experts." + e + ".w1.weight", DType.I8, TinyModels.values(rnd, I * D, 0.1f), I, D);
            w.put(p + ".experts." + e + ".w2.weight", DType.I8, TinyModels.values(rnd, D * I, 0.1f), D, I);
            w.put(p + ".experts." + e + ".w3.weight", DType.I8, TinyModels.values(rnd, I * D, 0.1f), I, D);
        }
        w.put(p + ".shared_experts.w1.weight", DType.F8_E4M3, TinyModels.values(rnd, I * D, 0.1f), I, D);
        w.put(p + ".shared_experts.w2.weight", DType.F8_E4M3, TinyModels.values(rnd, D * I, 0.1f), D, I);
        w.put(p + ".shared_experts.w3.weight", DType.F8_E4M3, TinyModels.values(rnd, I * D, 0.1f), I, D);
        return w;
    }

    /** Row r: x[e] = m[r][e] for the four gate channels, small noise elsewhere (bf16 values). */
    private static float[] inputs(float[][] m) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = TinyModels.values(rnd, m.length * D, 0.3f);
        for (int r = 0; r < m.length; r++) {
            for (int e = 0; e < E; e++) {
                x[r * D + e] = m[r][e];
            }
        }
        return x;
    }

    private static float s(float logit) {
        return (float) Math.sqrt(Math.log1p(Math.exp(logit)));
    }

    @Test
    void biasChangesTheSelectionButNotTheWeights() {
        Moe moe = new Moe(weights(1, new float[] {0f, 0f, 5f, 0f}), config(), 1);
        float[] x = inputs(new float[][] {{1, 1, 1, 1}});
        int[] sel = new int[K];
        float[] w = new float[K];
        moe.route(x, 1, new int[] {0}, sel, w);
        // scores s_e = sqrt(softplus(LOGIT[e])); biased: e2 = s(-1)+5 first, then e1 (largest logit)
        assertThat(sel).containsExactly(2, 1);
        float sum = s(-1f) + s(2f);
        assertThat(w[0]).isCloseTo(s(-1f) / sum * 1.5f, within(1e-6f));
        assertThat(w[1]).isCloseTo(s(2f) / sum * 1.5f, within(1e-6f));
    }

    @Test
    void everyBatchRowIsRoutedOnItsOwnScores() {
        Moe moe = new Moe(weights(1, new float[E]), config(), 1);
        // row 0 prefers e1, e3; row 1 (gate channel 0 scaled up) prefers e0, e1; row 2 prefers e3, e0
        float[] x = inputs(new float[][] {{1, 1, 1, 1}, {8, 1, 1, 1}, {2, -1, 1, 4}});
        int[] sel = new int[3 * K];
        float[] w = new float[3 * K];
        moe.route(x, 3, new int[] {0, 0, 0}, sel, w);
        assertThat(sel).containsExactly(1, 3, 0, 1, 3, 0);
        float a = s(4f);
        float b = s(2f);
        assertThat(w[2]).isCloseTo(a / (a + b) * 1.5f, within(1e-6f));
        assertThat(w[3]).isCloseTo(b / (a + b) * 1.5f, within(1e-6f));
        float c = s(4f);
        float d = s(1f);
        assertThat(w[4]).isCloseTo(c / (c + d) * 1.5f, within(1e-6f));
        assertThat(w[5]).isCloseTo(d / (c + d) * 1.5f, within(1e-6f));
    }

    @Test
    void hashLayersRouteByTokenIdWithScoreWeights() {
        Moe moe = new Moe(weights(0, null), config(), 0);
        float[] x = inputs(new float[][] {{1, 1, 1, 1}, {1, 1, 1, 1}});
        int[] sel = new int[2 * K];
        float[] w = new float[2 * K];
        moe.route(x, 2, new int[] {0, 5}, sel, w);
        assertThat(sel).containsExactly(3, 0, 0, 3); // tid2eid rows 0 and 5
        assertThat(w[0]).isCloseTo(s(1f) / (s(1f) + s(0.5f)) * 1.5f, within(1e-6f));
        assertThat(w[2]).isCloseTo(s(0.5f) / (s(0.5f) + s(1f)) * 1.5f, within(1e-6f));
    }

    @Test
    void outputIsTheRouterWeightedSumOfExpertsPlusTheSharedExpert() {
        ArrayWeights src = weights(1, new float[E]);
        Moe moe = new Moe(src, config(), 1);
        float[] x = inputs(new float[][] {{1, 1, 1, 1}, {8, 1, 1, 1}, {2, -1, 1, 4}});
        float[] out = new float[3 * D];
        moe.forward(x, 3, new int[] {0, 0, 0}, out);
        int[][] sel = {{1, 3}, {0, 1}, {3, 0}};
        float[][] logits = {{0.5f, 2f, -1f, 1f}, {4f, 2f, -1f, 1f}, {1f, -2f, -1f, 4f}};
        double maxWeightEffect = 0;
        for (int r = 0; r < 3; r++) {
            float a = s(logits[r][sel[r][0]]);
            float b = s(logits[r][sel[r][1]]);
            float[] wts = {a / (a + b) * 1.5f, b / (a + b) * 1.5f};
            float[] y = new float[D];
            float[] unweighted = new float[D];
            for (int k = 0; k < K; k++) {
                String ep = "layers.1.ffn.experts." + sel[r][k];
                float[] e = expert(src, ep, x, r * D, wts[k], 10f);
                float[] e1 = expert(src, ep, x, r * D, 1f, 10f);
                for (int i = 0; i < D; i++) {
                    y[i] += e[i];
                    unweighted[i] += e1[i];
                }
            }
            // experts are added in increasing id, then the shared expert
            float[] shared = expert(src, "layers.1.ffn.shared_experts", x, r * D, 1f, 0f);
            for (int i = 0; i < D; i++) {
                float expected = Bf16.round(y[i] + shared[i]);
                assertThat(out[r * D + i])
                        .as("row %d dim %d", r, i)
                        .isCloseTo(expected, within(Math.abs(expected) * 1e-2f + 1e-3f));
                maxWeightEffect = Math.max(maxWeightEffect, Math.abs(y[i] - unweighted[i]));
            }
        }
        assertThat(maxWeightEffect)
                .as("the router weights must change the result")
                .isGreaterThan(0.05);
    }

    /** Scalar oracle of one expert: bf16(w2·aq(bf16(weight·silu(clamp(g))·clamp(u)))). */
    private static float[] expert(ArrayWeights src, String p, float[] x, int off, float weight, float limit) {
        float[] xq = new float[D];
        ActQuant.fp8QuantDequant(x, off, D, 128, true, xq, 0);
        float[] w1 = src.floats(p + ".w1.weight");
        float[] w2 = src.floats(p + ".w2.weight");
        float[] w3 = src.floats(p + ".w3.weight");
        float[] h = new float[I];
        for (int j = 0; j < I; j++) {
            float g = 0f;
            float u = 0f;
            for (int i = 0; i < D; i++) {
                g += w1[j * D + i] * xq[i];
                u += w3[j * D + i] * xq[i];
            }
            g = Bf16.round(g);
            u = Bf16.round(u);
            if (limit > 0) {
                u = Math.max(-limit, Math.min(limit, u));
                g = Math.min(g, limit);
            }
            h[j] = Bf16.round(weight * (float) (g / (1 + Math.exp(-g)) * u));
        }
        float[] hq = new float[I];
        ActQuant.fp8QuantDequant(h, 0, I, 128, true, hq, 0);
        float[] y = new float[D];
        for (int i = 0; i < D; i++) {
            float s = 0f;
            for (int j = 0; j < I; j++) {
                s += w2[i * I + j] * hq[j];
            }
            y[i] = Bf16.round(s);
        }
        return y;
    }
}
