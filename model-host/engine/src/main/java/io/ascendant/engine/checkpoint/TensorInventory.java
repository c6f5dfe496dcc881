package io.ascendant.engine.checkpoint;

import io.ascendant.engine.config.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tensor a V4 checkpoint holds for a given {@link ModelConfig}: official names (no {@code model.} prefix),
 * stored dtypes and shapes, following {@code model.py}'s modules and the HF shards (brief §1.6). For the §6 tiny
 * config this yields 427 tensors, for V4-Flash 67,612 outside MTP.
 *
 * <p>Per layer {@code layers.L.}: {@code hc_{attn,ffn}_{fn,base,scale}} F32; {@code attn_norm}/{@code ffn_norm}
 * BF16; {@code attn.attn_sink} F32 [H]; FP8 (+ E8M0 scale) {@code attn.wq_a}, {@code attn.wq_b}, {@code attn.wkv},
 * {@code attn.wo_a}, {@code attn.wo_b}; BF16 {@code attn.q_norm}, {@code attn.kv_norm}; compressed layers add
 * {@code attn.compressor.{ape F32, wkv BF16, wgate BF16, norm BF16}} (width doubled for ratio 4, the overlap);
 * CSA layers add {@code attn.indexer.wq_b} FP8, {@code attn.indexer.weights_proj} BF16 and the indexer's own
 * compressor; {@code ffn.gate.weight} BF16 with {@code ffn.gate.tid2eid} I64 [V, k] on hash layers or
 * {@code ffn.gate.bias} F32 [E] otherwise; routed experts {@code ffn.experts.E.{w1,w2,w3}} FP4 (I8 packed, scale
 * [out, in/32]) or FP8; {@code ffn.shared_experts.{w1,w2,w3}} FP8. Top level: {@code embed.weight}, {@code head.weight}
 * BF16, {@code norm.weight} BF16, {@code hc_head_{fn,base,scale}} F32. MTP block N ({@code mtp.N.}): a full layer plus
 * {@code e_proj}, {@code h_proj} FP8, {@code enorm}, {@code hnorm}, {@code norm} BF16 and its own {@code hc_head_*}.
 *
 * <p>An unquantised config ({@code quantization_config} absent) makes every FP8 linear BF16 without scale.
 */
public final class TensorInventory {
    private final ModelConfig config;
    private final String expertDtype;
    private final Map<String, TensorSpec> specs;

    private TensorInventory(ModelConfig config, String expertDtype, Map<String, TensorSpec> specs) {
        this.config = config;
        this.expertDtype = expertDtype;
        this.specs = specs;
    }

    /**
     * The inventory of {@code config} with routed experts in {@code expertDtype} ("fp4" or "fp8"); when null,
     * {@code config.expertDtype()} and then "fp4" (V4's shipped format) apply.
     */
    public static TensorInventory of(ModelConfig config, String expertDtype) {
        String ed = expertDtype != null ? expertDtype : config.expertDtype() != null ? config.expertDtype() : "fp4";
        Builder b = new Builder(config, ed);
        b.top();
        for (int l = 0; l < config.numLayers(); l++) {
            b.block("layers." + l + ".", l, false);
        }
        for (int m = 0; m < config.numNextnPredictLayers(); m++) {
            String p = "mtp." + m + ".";
            b.block(p, config.numLayers() + m, true);
            b.linear(p + "e_proj", config.hiddenSize(), config.hiddenSize(), true, TensorSpec.Role.DENSE);
            b.linear(p + "h_proj", config.hiddenSize(), config.hiddenSize(), true, TensorSpec.Role.DENSE);
            b.add(p + "enorm.weight", DType.BF16, true, TensorSpec.Role.DENSE, config.hiddenSize());
            b.add(p + "hnorm.weight", DType.BF16, true, TensorSpec.Role.DENSE, config.hiddenSize());
            b.add(p + "norm.weight", DType.BF16, true, TensorSpec.Role.DENSE, config.hiddenSize());
            b.hcHead(p, true);
        }
        return new TensorInventory(config, ed, Collections.unmodifiableMap(b.specs));
    }

    /**
     * The inventory for the tensors actually in {@code ck}: the routed-expert dtype is read from the first expert
     * weight when the config does not state it (the HF V4 config.json does not).
     */
    public static TensorInventory of(ModelConfig config, Checkpoint ck) {
        String ed = config.expertDtype();
        if (ed == null) {
            String probe = "layers.0.ffn.experts.0.w1.weight";
            ed = ck.has(probe) && ck.dtype(probe) == DType.F8_E4M3 ? "fp8" : "fp4";
        }
        return of(config, ed);
    }

    /** The config this inventory derives from. */
    public ModelConfig config() {
        return config;
    }

    /** "fp4" or "fp8". */
    public String expertDtype() {
        return expertDtype;
    }

    /** Every expected tensor by name, in model order (top level, layers, MTP). */
    public Map<String, TensorSpec> specs() {
        return specs;
    }

    /**
     * Checks {@code ck} against this inventory: every non-MTP tensor present with its dtype and shape; MTP tensors,
     * when present, with theirs (and all of them when {@code requireMtp}). Tensors the inventory does not know are
     * ignored (a checkpoint may carry extras such as copies of the embedding for MTP).
     *
     * @throws CheckpointException with one message naming the file and the tensor of the first problem, and how many
     *     further problems there are
     */
    public void validate(Checkpoint ck, boolean requireMtp) {
        List<String> problems = new ArrayList<>();
        for (TensorSpec s : specs.values()) {
            if (!ck.has(s.name())) {
                if (!s.mtp() || requireMtp) {
                    problems.add(ck.dir() + ": tensor '" + s.name() + "' is missing (expected " + s.dtype() + " "
                            + java.util.Arrays.toString(s.shape()) + " from config.json)");
                }
                continue;
            }
            TensorInfo t = ck.info(s.name());
            if (!s.matches(t)) {
                problems.add(t.file() + ": tensor '" + s.name() + "' is " + t.dtype() + " " + t.shapeString()
                        + " but config.json implies " + s.dtype() + " " + java.util.Arrays.toString(s.shape()));
            }
        }
        if (!problems.isEmpty()) {
            String msg = problems.get(0);
            if (problems.size() > 1) {
                msg += " (and " + (problems.size() - 1) + " more problems)";
            }
            throw new CheckpointException(msg);
        }
    }

    /** Bytes of all expected tensors (MTP included when {@code withMtp}). */
    public long totalBytes(boolean withMtp) {
        long n = 0;
        for (TensorSpec s : specs.values()) {
            if (withMtp || !s.mtp()) {
                n += s.byteSize();
            }
        }
        return n;
    }

    /** Number of expected tensors (MTP included when {@code withMtp}). */
    public int count(boolean withMtp) {
        int n = 0;
        for (TensorSpec s : specs.values()) {
            if (withMtp || !s.mtp()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Weight bytes read to decode one token without MTP: every dense tensor of the main layers and the head, the
     * routed experts in proportion {@code num_experts_per_tok / n_routed_experts} (the experts one token routes to),
     * and one embedding row.
     */
    public long activeBytesPerToken() {
        double n = 0;
        double expertShare = (double) config.numExpertsPerTok() / config.nRoutedExperts();
        for (TensorSpec s : specs.values()) {
            if (s.mtp()) {
                continue;
            }
            switch (s.role()) {
                case DENSE -> n += s.byteSize();
                case EXPERT -> n += s.byteSize() * expertShare;
                case EMBEDDING -> n += (double) s.byteSize() / s.shape()[0];
            }
        }
        return Math.round(n);
    }

    /**
     * Growth of the reference's KV caches per token, bf16 storage (brief §1.3): a CSA layer adds a 512-d attention
     * entry and a 128-d indexer entry every 4 tokens, an HCA layer a 512-d entry every r tokens; window-only layers
     * hold a fixed ring of {@code sliding_window} entries and do not grow. MTP layers excluded.
     */
    public double kvBytesPerToken() {
        double n = 0;
        for (int l = 0; l < config.numLayers(); l++) {
            int r = config.compressRatio(l);
            if (r == 0) {
                continue;
            }
            n += 2.0 * config.headDim() / r;
            if (r == 4) {
                n += 2.0 * config.indexHeadDim() / r;
            }
        }
        return n;
    }

    /** Fixed per-sequence KV bytes of the sliding windows, bf16: {@code layers · window · head_dim · 2}. */
    public long windowKvBytes() {
        return (long) config.numLayers() * config.slidingWindow() * config.headDim() * 2;
    }

    private static final class Builder {
        private final ModelConfig c;
        private final String expertDtype;
        private final Map<String, TensorSpec> specs = new LinkedHashMap<>();

        Builder(ModelConfig c, String expertDtype) {
            this.c = c;
            this.expertDtype = expertDtype;
        }

        void add(String name, DType dtype, boolean mtp, TensorSpec.Role role, long... shape) {
            if (specs.put(name, new TensorSpec(name, dtype, shape, mtp, role)) != null) {
                throw new IllegalStateException("duplicate tensor " + name);
            }
        }

        /** An FP8 linear {@code [out, in]} + scale, or BF16 when the checkpoint is unquantised. */
        void linear(String prefix, long out, long in, boolean mtp, TensorSpec.Role role) {
            if (c.quantization().fp8()) {
                add(prefix + ".weight", DType.F8_E4M3, mtp, role, out, in);
                add(prefix + ".scale", DType.F8_E8M0, mtp, role, (out + 127) / 128, (in + 127) / 128);
            } else {
                add(prefix + ".weight", DType.BF16, mtp, role, out, in);
            }
        }

        void expertLinear(String prefix, long out, long in, boolean mtp) {
            if ("fp4".equals(expertDtype)) {
                add(prefix + ".weight", DType.I8, mtp, TensorSpec.Role.EXPERT, out, in / 2);
                add(prefix + ".scale", DType.F8_E8M0, mtp, TensorSpec.Role.EXPERT, out, in / 32);
            } else {
                linear(prefix, out, in, mtp, TensorSpec.Role.EXPERT);
            }
        }

        void top() {
            long v = c.vocabSize();
            long d = c.hiddenSize();
            add("embed.weight", DType.BF16, false, TensorSpec.Role.EMBEDDING, v, d);
            add("head.weight", DType.BF16, false, TensorSpec.Role.DENSE, v, d);
            add("norm.weight", DType.BF16, false, TensorSpec.Role.DENSE, d);
            hcHead("", false);
        }

        void hcHead(String p, boolean mtp) {
            long hc = c.hcMult();
            add(p + "hc_head_fn", DType.F32, mtp, TensorSpec.Role.DENSE, hc, hc * c.hiddenSize());
            add(p + "hc_head_base", DType.F32, mtp, TensorSpec.Role.DENSE, hc);
            add(p + "hc_head_scale", DType.F32, mtp, TensorSpec.Role.DENSE, 1);
        }

        void compressor(String p, int ratio, long dim, boolean mtp) {
            long coff = ratio == 4 ? 2 : 1;
            add(p + ".ape", DType.F32, mtp, TensorSpec.Role.DENSE, ratio, coff * dim);
            add(p + ".wkv.weight", DType.BF16, mtp, TensorSpec.Role.DENSE, coff * dim, c.hiddenSize());
            add(p + ".wgate.weight", DType.BF16, mtp, TensorSpec.Role.DENSE, coff * dim, c.hiddenSize());
            add(p + ".norm.weight", DType.BF16, mtp, TensorSpec.Role.DENSE, dim);
        }

        void block(String p, int layer, boolean mtp) {
            long d = c.hiddenSize();
            long hc = c.hcMult();
            long mix = c.mixHc();
            long h = c.numHeads();
            long hd = c.headDim();
            TensorSpec.Role dense = TensorSpec.Role.DENSE;
            for (String s : new String[] {"attn", "ffn"}) {
                add(p + "hc_" + s + "_fn", DType.F32, mtp, dense, mix, hc * d);
                add(p + "hc_" + s + "_base", DType.F32, mtp, dense, mix);
                add(p + "hc_" + s + "_scale", DType.F32, mtp, dense, 3);
            }
            add(p + "attn_norm.weight", DType.BF16, mtp, dense, d);
            add(p + "ffn_norm.weight", DType.BF16, mtp, dense, d);
            String a = p + "attn.";
            add(a + "attn_sink", DType.F32, mtp, dense, h);
            linear(a + "wq_a", c.qLoraRank(), d, mtp, dense);
            add(a + "q_norm.weight", DType.BF16, mtp, dense, c.qLoraRank());
            linear(a + "wq_b", h * hd, c.qLoraRank(), mtp, dense);
            linear(a + "wkv", hd, d, mtp, dense);
            add(a + "kv_norm.weight", DType.BF16, mtp, dense, hd);
            linear(a + "wo_a", (long) c.oGroups() * c.oLoraRank(), h * hd / c.oGroups(), mtp, dense);
            linear(a + "wo_b", d, (long) c.oGroups() * c.oLoraRank(), mtp, dense);
            int ratio = c.compressRatio(layer);
            if (ratio != 0) {
                compressor(a + "compressor", ratio, hd, mtp);
            }
            if (ratio == 4) {
                long ih = c.indexNHeads();
                long ihd = c.indexHeadDim();
                linear(a + "indexer.wq_b", ih * ihd, c.qLoraRank(), mtp, dense);
                add(a + "indexer.weights_proj.weight", DType.BF16, mtp, dense, ih, d);
                compressor(a + "indexer.compressor", 4, ihd, mtp);
            }
            String f = p + "ffn.";
            long e = c.nRoutedExperts();
            long inter = c.moeIntermediateSize();
            add(f + "gate.weight", DType.BF16, mtp, dense, e, d);
            if (c.isHashLayer(layer)) {
                add(f + "gate.tid2eid", DType.I64, mtp, TensorSpec.Role.EMBEDDING, c.vocabSize(), c.numExpertsPerTok());
            } else {
                add(f + "gate.bias", DType.F32, mtp, dense, e);
            }
            for (int x = 0; x < e; x++) {
                String ep = f + "experts." + x + ".";
                expertLinear(ep + "w1", inter, d, mtp);
                expertLinear(ep + "w2", d, inter, mtp);
                expertLinear(ep + "w3", inter, d, mtp);
            }
            linear(f + "shared_experts.w1", inter, d, mtp, dense);
            linear(f + "shared_experts.w2", d, inter, mtp, dense);
            linear(f + "shared_experts.w3", inter, d, mtp, dense);
        }
    }
}
