package io.ascendant.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the fields of a V4 {@code config.json} (HF names first, reference names second) and validates them. */
final class ConfigReader {
    private final JsonNode root;
    private final String source;

    ConfigReader(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    ModelConfig read() {
        int numLayers = requiredInt("num_hidden_layers", "n_layers");
        int numMtp = optionalInt(0, "num_nextn_predict_layers", "n_mtp_layers");
        ModelConfig config = new ModelConfig(
                requiredInt("vocab_size"),
                requiredInt("hidden_size", "dim"),
                numLayers,
                requiredInt("num_attention_heads", "n_heads"),
                requiredInt("head_dim"),
                requiredInt("qk_rope_head_dim", "rope_head_dim"),
                requiredInt("q_lora_rank"),
                requiredInt("o_groups"),
                requiredInt("o_lora_rank"),
                requiredInt("sliding_window", "window_size"),
                optionalInt(64, "index_n_heads"),
                optionalInt(128, "index_head_dim"),
                optionalInt(512, "index_topk"),
                requiredInt("n_routed_experts"),
                optionalInt(1, "n_shared_experts"),
                requiredInt("num_experts_per_tok", "n_activated_experts"),
                requiredInt("moe_intermediate_size", "moe_inter_dim"),
                optionalString("sqrtsoftplus", "scoring_func", "score_func"),
                optionalDouble(1.0, "routed_scaling_factor", "route_scale"),
                optionalInt(0, "num_hash_layers", "n_hash_layers"),
                optionalDouble(0.0, "swiglu_limit"),
                optionalInt(4, "hc_mult"),
                optionalInt(20, "hc_sinkhorn_iters"),
                optionalDouble(1e-6, "hc_eps"),
                optionalDouble(1e-6, "rms_norm_eps", "norm_eps"),
                theta("rope_theta", "rope_parameters", 10000.0),
                theta("compress_rope_theta", "compress_rope_parameters", 160000.0),
                ropeScaling(),
                compressRatios(numLayers, numMtp),
                numMtp,
                optionalLong(1048576L, "max_position_embeddings"),
                optionalInt(0, "bos_token_id"),
                optionalInt(1, "eos_token_id"),
                quantization(),
                expertDtype());
        validate(config);
        return config;
    }

    private ModelConfig.RopeScaling ropeScaling() {
        JsonNode rs = root.get("rope_scaling");
        String field = "rope_scaling";
        if (rs == null || rs.isNull()) {
            // transformers v5 style: compress_rope_parameters carries the YaRN of the compressed layers.
            rs = root.get("compress_rope_parameters");
            field = "compress_rope_parameters";
        }
        if (rs != null && !rs.isNull()) {
            if (!rs.isObject()) {
                throw fail(field, "must be an object");
            }
            String type = rs.hasNonNull("type")
                    ? rs.get("type").asText()
                    : rs.hasNonNull("rope_type") ? rs.get("rope_type").asText() : "yarn";
            if (type.equals("default") || type.equals("none")) {
                return ModelConfig.RopeScaling.NONE;
            }
            if (!"yarn".equals(type)) {
                throw fail(field + ".type", "only \"yarn\" is supported, got \"" + type + "\"");
            }
            return new ModelConfig.RopeScaling(
                    type,
                    number(rs, field + ".factor", "factor").doubleValue(),
                    number(rs, field + ".original_max_position_embeddings", "original_max_position_embeddings")
                            .longValue(),
                    rs.hasNonNull("beta_fast")
                            ? number(rs, field + ".beta_fast", "beta_fast").doubleValue()
                            : 32,
                    rs.hasNonNull("beta_slow")
                            ? number(rs, field + ".beta_slow", "beta_slow").doubleValue()
                            : 1);
        }
        // Reference config names: original_seq_len (0 = no YaRN), rope_factor, beta_fast, beta_slow.
        long original = optionalLong(0L, "original_seq_len");
        if (original == 0) {
            return ModelConfig.RopeScaling.NONE;
        }
        return new ModelConfig.RopeScaling(
                "yarn",
                optionalDouble(40.0, "rope_factor"),
                original,
                optionalDouble(32, "beta_fast"),
                optionalDouble(1, "beta_slow"));
    }

    /** A theta given at top level, else inside a transformers-v5 parameters object, else the default. */
    private double theta(String topLevel, String parametersObject, double def) {
        JsonNode v = root.get(topLevel);
        if (v != null && !v.isNull()) {
            return optionalDouble(def, topLevel);
        }
        JsonNode p = root.get(parametersObject);
        if (p != null && p.isObject() && p.hasNonNull("rope_theta")) {
            return number(p, parametersObject + ".rope_theta", "rope_theta").doubleValue();
        }
        return def;
    }

    private List<Integer> compressRatios(int numLayers, int numMtp) {
        JsonNode node = root.get("compress_ratios");
        if (node == null || node.isNull()) {
            throw fail("compress_ratios", "is required (one ratio per layer: 0, 4 or an HCA ratio)");
        }
        if (!node.isArray()) {
            throw fail("compress_ratios", "must be an array of integers");
        }
        List<Integer> ratios = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.canConvertToExactIntegral() || !v.isNumber()) {
                throw fail("compress_ratios[" + i + "]", "must be an integer, got " + v);
            }
            ratios.add(v.asInt());
        }
        if (ratios.size() < numLayers) {
            throw fail(
                    "compress_ratios",
                    "has " + ratios.size() + " entries but num_hidden_layers is " + numLayers
                            + " (one entry per layer, then one per MTP layer)");
        }
        if (ratios.size() > numLayers + numMtp) {
            throw fail(
                    "compress_ratios",
                    "has " + ratios.size() + " entries, more than num_hidden_layers + num_nextn_predict_layers = "
                            + (numLayers + numMtp));
        }
        return ratios;
    }

    private ModelConfig.Quantization quantization() {
        JsonNode q = root.get("quantization_config");
        if (q == null || q.isNull()) {
            // Reference config: "dtype": "fp8" + "scale_fmt": "ue8m0".
            String dtype = optionalString("bf16", "dtype");
            if ("fp8".equals(dtype)) {
                return new ModelConfig.Quantization("fp8", "e4m3", optionalString("none", "scale_fmt"), 128, 128);
            }
            return ModelConfig.Quantization.NONE;
        }
        if (!q.isObject()) {
            throw fail("quantization_config", "must be an object");
        }
        String method = q.hasNonNull("quant_method") ? q.get("quant_method").asText() : "fp8";
        if (!"fp8".equals(method)) {
            throw fail("quantization_config.quant_method", "only \"fp8\" is supported, got \"" + method + "\"");
        }
        String fmt = q.hasNonNull("fmt") ? q.get("fmt").asText() : "e4m3";
        if (!"e4m3".equals(fmt)) {
            throw fail("quantization_config.fmt", "only \"e4m3\" is supported, got \"" + fmt + "\"");
        }
        int br = 128;
        int bc = 128;
        JsonNode block = q.get("weight_block_size");
        if (block != null && !block.isNull()) {
            if (!block.isArray() || block.size() != 2) {
                throw fail("quantization_config.weight_block_size", "must be [rows, cols]");
            }
            br = block.get(0).asInt();
            bc = block.get(1).asInt();
            if (br != 128 || bc != 128) {
                throw fail(
                        "quantization_config.weight_block_size",
                        "only [128, 128] is supported, got [" + br + ", " + bc + "]");
            }
        }
        String scaleFmt = q.hasNonNull("scale_fmt") ? q.get("scale_fmt").asText() : "none";
        return new ModelConfig.Quantization(method, fmt, scaleFmt, br, bc);
    }

    private String expertDtype() {
        JsonNode q = root.get("quantization_config");
        String v = null;
        if (q != null && q.isObject() && q.hasNonNull("expert_dtype")) {
            v = q.get("expert_dtype").asText();
        } else if (root.hasNonNull("expert_dtype")) {
            v = root.get("expert_dtype").asText();
        }
        if (v != null && !"fp4".equals(v) && !"fp8".equals(v)) {
            throw fail("expert_dtype", "must be \"fp4\" or \"fp8\", got \"" + v + "\"");
        }
        return v;
    }

    private void validate(ModelConfig c) {
        positive("vocab_size", c.vocabSize());
        positive("hidden_size", c.hiddenSize());
        positive("num_hidden_layers", c.numLayers());
        positive("num_attention_heads", c.numHeads());
        positive("head_dim", c.headDim());
        positive("qk_rope_head_dim", c.ropeHeadDim());
        positive("q_lora_rank", c.qLoraRank());
        positive("o_groups", c.oGroups());
        positive("o_lora_rank", c.oLoraRank());
        positive("sliding_window", c.slidingWindow());
        positive("n_routed_experts", c.nRoutedExperts());
        positive("num_experts_per_tok", c.numExpertsPerTok());
        positive("moe_intermediate_size", c.moeIntermediateSize());
        positive("hc_mult", c.hcMult());
        positive("hc_sinkhorn_iters", c.hcSinkhornIters());
        if (c.ropeHeadDim() % 2 != 0) {
            throw fail("qk_rope_head_dim", "must be even (RoPE rotates pairs), got " + c.ropeHeadDim());
        }
        if (c.headDim() <= c.ropeHeadDim()) {
            throw fail("head_dim", "must exceed qk_rope_head_dim (" + c.ropeHeadDim() + "), got " + c.headDim());
        }
        if (c.numHeads() % c.oGroups() != 0) {
            throw fail("o_groups", "must divide num_attention_heads (" + c.numHeads() + "), got " + c.oGroups());
        }
        if (c.numExpertsPerTok() > c.nRoutedExperts()) {
            throw fail(
                    "num_experts_per_tok",
                    "must not exceed n_routed_experts (" + c.nRoutedExperts() + "), got " + c.numExpertsPerTok());
        }
        if (c.nSharedExperts() != 1) {
            throw fail("n_shared_experts", "V4 has exactly one shared expert, got " + c.nSharedExperts());
        }
        if (c.numHashLayers() < 0 || c.numHashLayers() > c.numLayers()) {
            throw fail("num_hash_layers", "must be in [0, num_hidden_layers], got " + c.numHashLayers());
        }
        if (c.numNextnPredictLayers() < 0) {
            throw fail("num_nextn_predict_layers", "must be ≥ 0, got " + c.numNextnPredictLayers());
        }
        String sf = c.scoringFunc();
        if (!sf.equals("sqrtsoftplus") && !sf.equals("sigmoid") && !sf.equals("softmax")) {
            throw fail("scoring_func", "must be sqrtsoftplus, sigmoid or softmax, got \"" + sf + "\"");
        }
        boolean anyCompressed = false;
        boolean anyCsa = false;
        for (int i = 0; i < c.compressRatios().size(); i++) {
            int r = c.compressRatios().get(i);
            if (r < 0 || r == 1) {
                throw fail("compress_ratios[" + i + "]", "must be 0 (window only), 4 (CSA) or ≥ 2 (HCA), got " + r);
            }
            anyCompressed |= r != 0;
            anyCsa |= r == 4;
        }
        if (anyCsa) {
            positive("index_n_heads", c.indexNHeads());
            positive("index_head_dim", c.indexHeadDim());
            positive("index_topk", c.indexTopk());
            if (Integer.bitCount(c.indexHeadDim()) != 1) {
                throw fail("index_head_dim", "must be a power of two (Hadamard transform), got " + c.indexHeadDim());
            }
            if (c.indexHeadDim() <= c.ropeHeadDim()) {
                throw fail(
                        "index_head_dim",
                        "must exceed qk_rope_head_dim (" + c.ropeHeadDim() + "), got " + c.indexHeadDim());
            }
        }
        if (c.quantization().fp8()) {
            multipleOf("hidden_size", c.hiddenSize(), 128);
            multipleOf("q_lora_rank", c.qLoraRank(), 128);
            multipleOf("moe_intermediate_size", c.moeIntermediateSize(), 128);
            multipleOf("o_lora_rank · o_groups", c.oLoraRank() * c.oGroups(), 128);
        }
        if (anyCompressed && c.compressRopeTheta() <= 0) {
            throw fail("compress_rope_theta", "must be positive, got " + c.compressRopeTheta());
        }
        if (c.ropeTheta() <= 0) {
            throw fail("rope_theta", "must be positive, got " + c.ropeTheta());
        }
        if (c.ropeScaling().enabled() && c.ropeScaling().factor() <= 0) {
            throw fail(
                    "rope_scaling.factor",
                    "must be positive, got " + c.ropeScaling().factor());
        }
    }

    private void positive(String field, int v) {
        if (v <= 0) {
            throw fail(field, "must be positive, got " + v);
        }
    }

    private void multipleOf(String field, int v, int m) {
        if (v % m != 0) {
            throw fail(field, "must be a multiple of " + m + " for FP8 128-blocks and act_quant, got " + v);
        }
    }

    private ConfigException fail(String field, String what) {
        return new ConfigException(source + ": field '" + field + "' " + what);
    }

    private JsonNode find(String... names) {
        for (String n : names) {
            JsonNode v = root.get(n);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }

    private int requiredInt(String... names) {
        JsonNode v = find(names);
        if (v == null) {
            throw new ConfigException(source + ": missing required field '" + names[0] + "'");
        }
        return toInt(names[0], v);
    }

    private int optionalInt(int def, String... names) {
        JsonNode v = find(names);
        return v == null ? def : toInt(names[0], v);
    }

    private long optionalLong(long def, String... names) {
        JsonNode v = find(names);
        if (v == null) {
            return def;
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral()) {
            throw fail(names[0], "must be an integer, got " + v);
        }
        return v.asLong();
    }

    private double optionalDouble(double def, String... names) {
        JsonNode v = find(names);
        if (v == null) {
            return def;
        }
        if (!v.isNumber()) {
            throw fail(names[0], "must be a number, got " + v);
        }
        return v.asDouble();
    }

    private String optionalString(String def, String... names) {
        JsonNode v = find(names);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw fail(names[0], "must be a string, got " + v);
        }
        return v.asText();
    }

    private int toInt(String field, JsonNode v) {
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw fail(field, "must be an integer, got " + v);
        }
        return v.asInt();
    }

    private Number number(JsonNode parent, String field, String name) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            throw new ConfigException(source + ": missing required field '" + field + "'");
        }
        if (!v.isNumber()) {
            throw fail(field, "must be a number, got " + v);
        }
        return v.numberValue();
    }
}
