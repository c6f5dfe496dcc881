package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.config.ModelConfig;

/**
 * One block (reference {@code Block}): mHC pre-mix → attn_norm → attention → mHC post-mix, then mHC pre-mix →
 * ffn_norm → MoE → mHC post-mix. Holds the block's weights; the data flow is in {@link V4Model#forward}.
 */
final class Layer {
    final int index;
    final Linear hcAttnFn; // (mix_hc, hc·D) fp32
    final float[] hcAttnBase; // (mix_hc)
    final float[] hcAttnScale; // (3)
    final Linear hcFfnFn;
    final float[] hcFfnBase;
    final float[] hcFfnScale;
    final float[] attnNorm; // (D)
    final float[] ffnNorm; // (D)
    final Attention attn;
    final Moe ffn;

    Layer(WeightSource src, ModelConfig cfg, int index, Rope rope) {
        String p = "layers." + index;
        this.index = index;
        this.hcAttnFn = Linear.plain(src, p + ".hc_attn_fn", Linear.Out.FP32);
        this.hcAttnBase = src.floats(p + ".hc_attn_base");
        this.hcAttnScale = src.floats(p + ".hc_attn_scale");
        this.hcFfnFn = Linear.plain(src, p + ".hc_ffn_fn", Linear.Out.FP32);
        this.hcFfnBase = src.floats(p + ".hc_ffn_base");
        this.hcFfnScale = src.floats(p + ".hc_ffn_scale");
        this.attnNorm = src.floats(p + ".attn_norm.weight");
        this.ffnNorm = src.floats(p + ".ffn_norm.weight");
        int mix = cfg.mixHc();
        Shapes.require(p + ".hc_attn_fn", hcAttnFn.rows(), mix);
        Shapes.require(p + ".hc_attn_fn cols", hcAttnFn.cols(), (long) cfg.hcMult() * cfg.hiddenSize());
        Shapes.require(p + ".hc_attn_base", hcAttnBase.length, mix);
        Shapes.require(p + ".hc_attn_scale", hcAttnScale.length, 3);
        Shapes.require(p + ".hc_ffn_fn", hcFfnFn.rows(), mix);
        Shapes.require(p + ".hc_ffn_base", hcFfnBase.length, mix);
        Shapes.require(p + ".hc_ffn_scale", hcFfnScale.length, 3);
        Shapes.require(p + ".attn_norm.weight", attnNorm.length, cfg.hiddenSize());
        Shapes.require(p + ".ffn_norm.weight", ffnNorm.length, cfg.hiddenSize());
        this.attn = new Attention(src, cfg, index, rope);
        this.ffn = new Moe(src, cfg, index);
    }
}
