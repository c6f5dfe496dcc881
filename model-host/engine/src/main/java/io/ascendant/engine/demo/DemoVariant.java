package io.ascendant.engine.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The generated checkpoints, all with V4-Flash's exact structure (mHC, window-only / CSA / HCA layers, hash and
 * bias routing, shared expert, FP8 linears with 128×128 E8M0 scales, FP4 experts, MTP block present):
 *
 * <ul>
 *   <li>{@link #TINY}: the brief's §6 config (D 256, 4 layers with ratios 0/4/16/4 + one MTP layer, 8 experts,
 *       vocab 1024, window 16, YaRN over 64 positions); 427 tensors, about 9 MB, one {@code model.safetensors}.
 *       Engine tests and goldens. Token ids must stay below 1024 (the V4 tokenizer's ids do not).
 *   <li>{@link #TINY_HCA128}: the same with ratios 0/4/128/4, so a ≥ 300-token input exercises a literal ratio-128
 *       HCA layer; sharded with {@code model.safetensors.index.json}.
 *   <li>{@link #DEMO}: vocab 129280 so the real V4 tokenizer and chat ids work end to end, dims as small as the
 *       structure allows (D 128: one act_quant block; head_dim 128 with 64 RoPE dims; window 128 as shipped; ratios
 *       0/4/128/4); the bf16 embedding and head dominate: about 70 MB, sharded, generated at build/install time and
 *       never committed.
 * </ul>
 */
public enum DemoVariant {
    TINY("tiny", 1024, 256, 4, 256, 128, 2, 128, 8, 2, 128, 4, 128, 8, 16, List.of(0, 4, 16, 4, 0), 64, 4, 0),
    TINY_HCA128(
            "tiny-hca128",
            1024,
            256,
            4,
            256,
            128,
            2,
            128,
            8,
            2,
            128,
            4,
            128,
            8,
            16,
            List.of(0, 4, 128, 4, 0),
            64,
            4,
            2L * 1024 * 1024),
    DEMO(
            "demo",
            129280,
            128,
            2,
            128,
            128,
            2,
            64,
            8,
            2,
            128,
            2,
            128,
            8,
            128,
            List.of(0, 4, 128, 4, 0),
            65536,
            16,
            16L * 1024 * 1024);

    /** Name on the command line. */
    final String id;

    final int vocab;
    final int hidden;
    final int heads;
    final int headDim;
    final int qLora;
    final int oGroups;
    final int oLora;
    final int experts;
    final int topk;
    final int moeInter;
    final int indexHeads;
    final int indexHeadDim;
    final int indexTopk;
    final int window;
    final List<Integer> ratios;
    final int yarnOriginal;
    final int yarnFactor;
    /** Shard size, 0 = a single model.safetensors. */
    final long shardBytes;

    DemoVariant(
            String id,
            int vocab,
            int hidden,
            int heads,
            int headDim,
            int qLora,
            int oGroups,
            int oLora,
            int experts,
            int topk,
            int moeInter,
            int indexHeads,
            int indexHeadDim,
            int indexTopk,
            int window,
            List<Integer> ratios,
            int yarnOriginal,
            int yarnFactor,
            long shardBytes) {
        this.id = id;
        this.vocab = vocab;
        this.hidden = hidden;
        this.heads = heads;
        this.headDim = headDim;
        this.qLora = qLora;
        this.oGroups = oGroups;
        this.oLora = oLora;
        this.experts = experts;
        this.topk = topk;
        this.moeInter = moeInter;
        this.indexHeads = indexHeads;
        this.indexHeadDim = indexHeadDim;
        this.indexTopk = indexTopk;
        this.window = window;
        this.ratios = ratios;
        this.yarnOriginal = yarnOriginal;
        this.yarnFactor = yarnFactor;
        this.shardBytes = shardBytes;
    }

    /** The variant named {@code id} ("tiny", "tiny-hca128", "demo"). */
    public static DemoVariant of(String id) {
        for (DemoVariant v : values()) {
            if (v.id.equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown demo variant '" + id + "' (tiny, tiny-hca128, demo)");
    }

    /** The command-line name. */
    public String id() {
        return id;
    }

    /** The {@code config.json} of this variant, with the Hugging Face field names of the V4-Flash release. */
    public String configJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode c = om.createObjectNode();
        c.putArray("architectures").add("DeepseekV4ForCausalLM");
        c.put("attention_bias", false);
        c.put("attention_dropout", 0.0);
        c.put("bos_token_id", 0);
        c.put("eos_token_id", 1);
        c.put("hc_eps", 1e-6);
        c.put("hc_mult", 4);
        c.put("hc_sinkhorn_iters", 20);
        c.put("head_dim", headDim);
        c.put("hidden_act", "silu");
        c.put("hidden_size", hidden);
        c.put("index_head_dim", indexHeadDim);
        c.put("index_n_heads", indexHeads);
        c.put("index_topk", indexTopk);
        c.put("initializer_range", 0.02);
        c.put("max_position_embeddings", 1048576);
        c.put("model_type", "deepseek_v4");
        c.put("moe_intermediate_size", moeInter);
        c.put("n_routed_experts", experts);
        c.put("n_shared_experts", 1);
        c.put("norm_topk_prob", true);
        c.put("num_attention_heads", heads);
        c.put("num_experts_per_tok", topk);
        c.put("num_hidden_layers", ratios.size() - 1);
        c.put("num_hash_layers", 1);
        c.put("num_key_value_heads", 1);
        c.put("num_nextn_predict_layers", 1);
        c.put("o_groups", oGroups);
        c.put("o_lora_rank", oLora);
        c.put("q_lora_rank", qLora);
        c.put("qk_rope_head_dim", 64);
        ObjectNode q = c.putObject("quantization_config");
        q.put("activation_scheme", "dynamic");
        q.put("fmt", "e4m3");
        q.put("quant_method", "fp8");
        q.put("scale_fmt", "ue8m0");
        q.putArray("weight_block_size").add(128).add(128);
        c.put("rms_norm_eps", 1e-6);
        ObjectNode rs = c.putObject("rope_scaling");
        rs.put("beta_fast", 32);
        rs.put("beta_slow", 1);
        rs.put("factor", yarnFactor);
        rs.put("original_max_position_embeddings", yarnOriginal);
        rs.put("type", "yarn");
        c.put("rope_theta", 10000);
        c.put("routed_scaling_factor", 1.5);
        c.put("scoring_func", "sqrtsoftplus");
        c.put("sliding_window", window);
        c.put("swiglu_limit", 10.0);
        c.put("tie_word_embeddings", false);
        c.put("topk_method", "noaux_tc");
        c.put("torch_dtype", "bfloat16");
        c.put("use_cache", true);
        c.put("vocab_size", vocab);
        c.put("compress_rope_theta", 160000);
        ArrayNode r = c.putArray("compress_ratios");
        ratios.forEach(r::add);
        try {
            return om.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
