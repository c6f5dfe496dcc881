package io.ascendant.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The hyper-parameters of a DeepSeek V4 checkpoint, read from its Hugging Face {@code config.json}.
 *
 * <p>Field names are the HF ones (V4-Flash {@code config.json}: {@code hidden_size}, {@code num_hidden_layers},
 * {@code qk_rope_head_dim}, {@code sliding_window}, {@code compress_ratios}, …). The reference
 * {@code inference/config.json} names ({@code dim}, {@code n_layers}, {@code rope_head_dim}, {@code window_size},
 * {@code rope_factor}, …) are accepted as fall-backs so the reference's own configs load too; when a field is given
 * under both names the HF one wins. Optional fields take the value the shipped V4 checkpoints use (documented on
 * each component), never the divergent {@code ModelArgs} defaults of {@code model.py}.
 *
 * <p>{@link #load(Path)} and {@link #parse(String, String)} validate everything the engine relies on (positive
 * sizes, {@code head_dim > qk_rope_head_dim}, heads divisible by {@code o_groups}, one compress ratio per layer,
 * ratios 0 or ≥ 2, top-k ≤ experts, …) and throw {@link ConfigException} naming the file and the field.
 *
 * @param vocabSize {@code vocab_size}: embedding and head rows (129280 for V4)
 * @param hiddenSize {@code hidden_size} ({@code dim}): model width D
 * @param numLayers {@code num_hidden_layers} ({@code n_layers}): main blocks, MTP excluded
 * @param numHeads {@code num_attention_heads} ({@code n_heads}): query heads H
 * @param headDim {@code head_dim}: per-head width, also the width of the single shared K=V vector (512)
 * @param ropeHeadDim {@code qk_rope_head_dim} ({@code rope_head_dim}): the trailing dims that get RoPE (64)
 * @param qLoraRank {@code q_lora_rank}: width of the low-rank query {@code qr}
 * @param oGroups {@code o_groups}: groups of the low-rank output projection {@code wo_a}
 * @param oLoraRank {@code o_lora_rank}: per-group output rank
 * @param slidingWindow {@code sliding_window} ({@code window_size}): raw tokens every query attends to (128)
 * @param indexNHeads {@code index_n_heads}: lightning-indexer heads
 * @param indexHeadDim {@code index_head_dim}: lightning-indexer head width (128)
 * @param indexTopk {@code index_topk}: compressed entries a CSA query keeps
 * @param nRoutedExperts {@code n_routed_experts}
 * @param nSharedExperts {@code n_shared_experts} (the reference asserts 1)
 * @param numExpertsPerTok {@code num_experts_per_tok} ({@code n_activated_experts}): routed top-k
 * @param moeIntermediateSize {@code moe_intermediate_size} ({@code moe_inter_dim}): expert hidden width
 * @param scoringFunc {@code scoring_func} ({@code score_func}): {@code sqrtsoftplus} (default), {@code sigmoid} or
 *     {@code softmax}
 * @param routedScalingFactor {@code routed_scaling_factor} ({@code route_scale}); default 1.0
 * @param numHashLayers {@code num_hash_layers} ({@code n_hash_layers}): first layers routed by {@code tid2eid};
 *     default 0
 * @param swigluLimit {@code swiglu_limit}: clamp of routed experts' SwiGLU, 0 = none; default 0
 * @param hcMult {@code hc_mult}: mHC residual streams; default 4
 * @param hcSinkhornIters {@code hc_sinkhorn_iters}: Sinkhorn normalisations; default 20
 * @param hcEps {@code hc_eps}; default 1e-6
 * @param rmsNormEps {@code rms_norm_eps} ({@code norm_eps}); default 1e-6
 * @param ropeTheta {@code rope_theta}: base of window-only layers (no YaRN); default 10000
 * @param compressRopeTheta {@code compress_rope_theta}: base of CSA/HCA layers (with YaRN); default 160000
 * @param ropeScaling {@code rope_scaling} (YaRN; or a transformers-v5 {@code compress_rope_parameters}), or
 *     {@link RopeScaling#NONE} when absent
 * @param compressRatios {@code compress_ratios}: one entry per main layer then per MTP layer (0 = window only,
 *     4 = CSA with overlap and indexer, any other ratio = HCA); MTP entries missing from the file are 0
 * @param numNextnPredictLayers {@code num_nextn_predict_layers} ({@code n_mtp_layers}): MTP blocks; default 0
 * @param maxPositionEmbeddings {@code max_position_embeddings}; default 1048576
 * @param bosTokenId {@code bos_token_id}; default 0
 * @param eosTokenId {@code eos_token_id}; default 1
 * @param quantization {@code quantization_config}, or {@link Quantization#NONE} for an unquantised (bf16)
 *     checkpoint
 * @param expertDtype {@code expert_dtype} ({@code "fp4"}, {@code "fp8"}) when the config says it (the reference
 *     config and a {@code quantization_config.expert_dtype}); {@code null} when the file does not say, in which case
 *     the stored dtype of the expert weights decides (the HF V4-Flash config.json has no such field although its
 *     experts are FP4)
 */
public record ModelConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int headDim,
        int ropeHeadDim,
        int qLoraRank,
        int oGroups,
        int oLoraRank,
        int slidingWindow,
        int indexNHeads,
        int indexHeadDim,
        int indexTopk,
        int nRoutedExperts,
        int nSharedExperts,
        int numExpertsPerTok,
        int moeIntermediateSize,
        String scoringFunc,
        double routedScalingFactor,
        int numHashLayers,
        double swigluLimit,
        int hcMult,
        int hcSinkhornIters,
        double hcEps,
        double rmsNormEps,
        double ropeTheta,
        double compressRopeTheta,
        RopeScaling ropeScaling,
        List<Integer> compressRatios,
        int numNextnPredictLayers,
        long maxPositionEmbeddings,
        int bosTokenId,
        int eosTokenId,
        Quantization quantization,
        String expertDtype) {

    /**
     * YaRN parameters ({@code rope_scaling}). {@code originalMaxPositionEmbeddings == 0} means no YaRN, as
     * {@code original_seq_len = 0} does in the reference {@code precompute_freqs_cis}.
     */
    public record RopeScaling(
            String type, double factor, long originalMaxPositionEmbeddings, double betaFast, double betaSlow) {
        /** No YaRN. */
        public static final RopeScaling NONE = new RopeScaling("none", 1.0, 0, 32, 1);

        /** Whether YaRN frequency interpolation applies (on compressed layers only; see {@link #usesYarn}). */
        public boolean enabled() {
            return originalMaxPositionEmbeddings > 0;
        }
    }

    /**
     * Weight quantisation ({@code quantization_config}): {@code quant_method} {@code fp8}, {@code fmt}
     * {@code e4m3}, {@code weight_block_size} [128,128], {@code scale_fmt} {@code ue8m0} (activation scales rounded
     * up to powers of two, {@code act_quant(…, scale_fmt="ue8m0")}).
     */
    public record Quantization(String quantMethod, String fmt, String scaleFmt, int blockRows, int blockCols) {
        /** An unquantised checkpoint: linear weights are BF16 and activations are not quantised. */
        public static final Quantization NONE = new Quantization("none", "none", "none", 0, 0);

        /** Whether linear weights are FP8 with block scales (and their inputs go through {@code act_quant}). */
        public boolean fp8() {
            return "fp8".equals(quantMethod);
        }

        /** Whether activation scales are rounded to powers of two (E8M0), as in every shipped V4 checkpoint. */
        public boolean ue8m0() {
            return "ue8m0".equals(scaleFmt);
        }
    }

    public ModelConfig {
        compressRatios = List.copyOf(compressRatios);
    }

    /** Reads and validates {@code dir/config.json} (or {@code dir} itself when it is a file). */
    public static ModelConfig load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    Files.isDirectory(dirOrFile) ? "no config.json in " + dirOrFile : dirOrFile + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config.json: " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    /**
     * Parses and validates a config JSON document.
     *
     * @param source the file name used in error messages
     * @throws ConfigException naming {@code source} and the offending field
     */
    public static ModelConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object");
        }
        return new ConfigReader(root, source).read();
    }

    // ---- derived values the model code uses ----

    /** Compress ratio of layer {@code layer} (main layers 0..numLayers-1, then MTP layers). */
    public int compressRatio(int layer) {
        return layer < compressRatios.size() ? compressRatios.get(layer) : 0;
    }

    /** Whether layer {@code layer} is CSA: ratio 4, overlapping compressor plus lightning indexer. */
    public boolean isCsa(int layer) {
        return compressRatio(layer) == 4;
    }

    /** Whether layer {@code layer} is HCA: a non-overlapping compressor, no indexer (any ratio other than 0, 4). */
    public boolean isHca(int layer) {
        int r = compressRatio(layer);
        return r != 0 && r != 4;
    }

    /** Whether layer {@code layer} routes by {@code tid2eid[token]} instead of scores. */
    public boolean isHashLayer(int layer) {
        return layer < numHashLayers;
    }

    /** Whether layer {@code layer}'s RoPE uses {@code compress_rope_theta} with YaRN (compressed layers only). */
    public boolean usesYarn(int layer) {
        return compressRatio(layer) != 0 && ropeScaling.enabled();
    }

    /** RoPE base of layer {@code layer}: {@code compress_rope_theta} if compressed, else {@code rope_theta}. */
    public double ropeThetaOf(int layer) {
        return compressRatio(layer) != 0 ? compressRopeTheta : ropeTheta;
    }

    /** {@code head_dim − qk_rope_head_dim}: the dims without RoPE (448 for V4). */
    public int nopeHeadDim() {
        return headDim - ropeHeadDim;
    }

    /** mHC mix width {@code (2 + hc_mult) · hc_mult}: the rows of {@code hc_*_fn} (24). */
    public int mixHc() {
        return (2 + hcMult) * hcMult;
    }

    /** {@code H · head_dim / o_groups}: the input width of one {@code wo_a} group. */
    public int woGroupInput() {
        return numHeads * headDim / oGroups;
    }

    /** Total layers including MTP ({@code numLayers + numNextnPredictLayers}). */
    public int totalLayers() {
        return numLayers + numNextnPredictLayers;
    }
}
