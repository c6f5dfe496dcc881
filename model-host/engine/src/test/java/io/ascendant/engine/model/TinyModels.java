package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.config.ModelConfig;
import io.ascendant.engine.numerics.Bf16;
import java.util.SplittableRandom;

/**
 * Random tiny models of the real V4 structure for unit tests: window-only, CSA (with indexer) and HCA (ratio 128)
 * layers, a hash-routed layer, bias routing, the shared expert, mHC. All widths that feed an FP8/FP4 GEMM are
 * multiples of 128 (act_quant blocks). Values are bf16-representable.
 */
final class TinyModels {
    private TinyModels() {}

    static final String CONFIG = """
            {"vocab_size": 96, "dim": 128, "moe_inter_dim": 128, "n_layers": 4, "n_hash_layers": 1,
             "n_heads": 2, "head_dim": 128, "rope_head_dim": 64, "q_lora_rank": 128, "o_groups": 2,
             "o_lora_rank": 64, "n_routed_experts": 4, "n_shared_experts": 1, "n_activated_experts": 2,
             "score_func": "sqrtsoftplus", "route_scale": 1.5, "swiglu_limit": 10.0, "window_size": 128,
             "compress_ratios": [0, 4, 128, 4], "rope_theta": 10000, "compress_rope_theta": 160000,
             "original_seq_len": 64, "rope_factor": 4, "beta_fast": 32, "beta_slow": 1,
             "index_n_heads": 2, "index_head_dim": 128, "index_topk": 8, "hc_mult": 4,
             "hc_sinkhorn_iters": 20, "hc_eps": 1e-6, "norm_eps": 1e-6, "dtype": "fp8", "scale_fmt": "ue8m0",
             "expert_dtype": "fp4"}
            """;

    static ModelConfig config() {
        return ModelConfig.parse(CONFIG, "tiny-test-config");
    }

    static ArrayWeights random(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ArrayWeights w = new ArrayWeights();
        int d = c.hiddenSize();
        int hc = c.hcMult();
        int mix = c.mixHc();
        int hd = c.headDim();
        int h = c.numHeads();
        w.put("embed.weight", DType.BF16, values(rnd, c.vocabSize() * d, 1.0f), c.vocabSize(), d);
        w.put("head.weight", DType.BF16, values(rnd, c.vocabSize() * d, 0.2f), c.vocabSize(), d);
        w.put("norm.weight", DType.BF16, around1(rnd, d), d);
        w.put("hc_head_fn", DType.F32, values(rnd, hc * hc * d, 0.05f), hc, (long) hc * d);
        w.put("hc_head_base", DType.F32, values(rnd, hc, 0.5f), hc);
        w.put("hc_head_scale", DType.F32, new float[] {0.1f}, 1);
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "layers." + l;
            for (String s : new String[] {"attn", "ffn"}) {
                w.put(p + ".hc_" + s + "_fn", DType.F32, values(rnd, mix * hc * d, 0.05f), mix, (long) hc * d);
                w.put(p + ".hc_" + s + "_base", DType.F32, values(rnd, mix, 0.5f), mix);
                w.put(p + ".hc_" + s + "_scale", DType.F32, new float[] {0.1f, 0.1f, 0.1f}, 3);
            }
            w.put(p + ".attn_norm.weight", DType.BF16, around1(rnd, d), d);
            w.put(p + ".ffn_norm.weight", DType.BF16, around1(rnd, d), d);
            String a = p + ".attn";
            w.put(a + ".attn_sink", DType.F32, values(rnd, h, 1f), h);
            linear(w, rnd, a + ".wq_a", DType.F8_E4M3, c.qLoraRank(), d);
            w.put(a + ".q_norm.weight", DType.BF16, around1(rnd, c.qLoraRank()), c.qLoraRank());
            linear(w, rnd, a + ".wq_b", DType.F8_E4M3, h * hd, c.qLoraRank());
            linear(w, rnd, a + ".wkv", DType.F8_E4M3, hd, d);
            w.put(a + ".kv_norm.weight", DType.BF16, around1(rnd, hd), hd);
            linear(w, rnd, a + ".wo_a", DType.F8_E4M3, c.oGroups() * c.oLoraRank(), c.woGroupInput());
            linear(w, rnd, a + ".wo_b", DType.F8_E4M3, d, c.oGroups() * c.oLoraRank());
            int r = c.compressRatio(l);
            if (r != 0) {
                compressor(w, rnd, a + ".compressor", r, hd, d);
            }
            if (r == 4) {
                int ih = c.indexNHeads();
                int id = c.indexHeadDim();
                linear(w, rnd, a + ".indexer.wq_b", DType.F8_E4M3, ih * id, c.qLoraRank());
                linear(w, rnd, a + ".indexer.weights_proj", DType.BF16, ih, d);
                compressor(w, rnd, a + ".indexer.compressor", 4, id, d);
            }
            String f = p + ".ffn";
            int e = c.nRoutedExperts();
            linear(w, rnd, f + ".gate", DType.BF16, e, d);
            if (c.isHashLayer(l)) {
                int k = c.numExpertsPerTok();
                int[] t = new int[c.vocabSize() * k];
                for (int v = 0; v < c.vocabSize(); v++) {
                    int first = rnd.nextInt(e);
                    for (int j = 0; j < k; j++) {
                        t[v * k + j] = (first + j) % e;
                    }
                }
                w.putInts(f + ".gate.tid2eid", t, c.vocabSize(), k);
            } else {
                w.put(f + ".gate.bias", DType.F32, values(rnd, e, 0.1f), e);
            }
            int in = c.moeIntermediateSize();
            for (int x = 0; x < e; x++) {
                linear(w, rnd, f + ".experts." + x + ".w1", DType.I8, in, d);
                linear(w, rnd, f + ".experts." + x + ".w2", DType.I8, d, in);
                linear(w, rnd, f + ".experts." + x + ".w3", DType.I8, in, d);
            }
            linear(w, rnd, f + ".shared_experts.w1", DType.F8_E4M3, in, d);
            linear(w, rnd, f + ".shared_experts.w2", DType.F8_E4M3, d, in);
            linear(w, rnd, f + ".shared_experts.w3", DType.F8_E4M3, in, d);
        }
        return w;
    }

    private static void compressor(ArrayWeights w, SplittableRandom rnd, String p, int r, int dim, int d) {
        int width = (r == 4 ? 2 : 1) * dim;
        w.put(p + ".ape", DType.F32, values(rnd, r * width, 0.5f), r, width);
        linear(w, rnd, p + ".wkv", DType.BF16, width, d);
        linear(w, rnd, p + ".wgate", DType.BF16, width, d);
        w.put(p + ".norm.weight", DType.BF16, around1(rnd, dim), dim);
    }

    private static void linear(ArrayWeights w, SplittableRandom rnd, String p, DType dt, int rows, int cols) {
        w.put(p + ".weight", dt, values(rnd, rows * cols, (float) (1.0 / Math.sqrt(cols)) * 1.5f), rows, cols);
    }

    static float[] values(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Bf16.round((float) (rnd.nextGaussian() * scale));
        }
        return v;
    }

    private static float[] around1(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Bf16.round((float) (1 + 0.1 * rnd.nextGaussian()));
        }
        return v;
    }
}
