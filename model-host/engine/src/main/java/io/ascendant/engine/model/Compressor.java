package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.numerics.ActQuant;
import io.ascendant.engine.numerics.Bf16;
import io.ascendant.engine.numerics.Hadamard;

/**
 * The learned KV compressor of CSA/HCA layers and of the lightning indexer (reference {@code Compressor}).
 *
 * <p>Every token is projected in fp32 ({@code wkv}, {@code wgate}: BF16 weights used as fp32) to {@code c·d}
 * channels ({@code c = 2} with overlap, ratio 4) and the score gets the position bias {@code ape[pos mod r]}. Every
 * {@code r} tokens one entry is pooled per channel with a softmax over tokens: without overlap over the block's r
 * tokens; with overlap over 2r tokens, the previous block's channels {@code [0, d)} then the current block's
 * channels {@code [d, 2d)} (entry 0's missing half is kv 0, score −inf; §2.1 item 2). The pooled fp32 vector is
 * rounded to bf16, RMS-normalised, RoPE'd on the last {@code rd} dims at the block's first position {@code j·r};
 * the indexer's compressor then applies the Hadamard rotation and the FP4 simulation (§2.1 item 10). The main
 * compressor's "fp8 simulation" of the non-rope dims is a no-op as released (§2.1 item 14), applied only when
 * {@code ascendant.engine.kvFp8Sim=true}.
 */
final class Compressor {
    static final boolean KV_FP8_SIM = Boolean.getBoolean("ascendant.engine.kvFp8Sim");

    final int ratio;
    final boolean overlap;
    final int dim; // d: entry width
    final int width; // c·d
    final int ropeDim;
    final boolean rotate;
    final float[] ape; // (ratio, c·d)
    final Linear wkv; // (c·d, D) fp32
    final Linear wgate; // (c·d, D) fp32
    final float[] norm; // (d)
    final float eps;
    final Rope rope;

    Compressor(WeightSource src, String prefix, int ratio, int dim, int ropeDim, boolean rotate, float eps, Rope rope) {
        this.ratio = ratio;
        this.overlap = ratio == 4;
        this.dim = dim;
        this.width = (overlap ? 2 : 1) * dim;
        this.ropeDim = ropeDim;
        this.rotate = rotate;
        this.ape = src.floats(prefix + ".ape");
        this.wkv = Linear.plain(src, prefix + ".wkv.weight", Linear.Out.FP32);
        this.wgate = Linear.plain(src, prefix + ".wgate.weight", Linear.Out.FP32);
        this.norm = src.floats(prefix + ".norm.weight");
        this.eps = eps;
        this.rope = rope;
        Shapes.require(prefix + ".ape", ape.length, ratio * width);
        Shapes.require(prefix + ".wkv.weight", wkv.rows(), width);
        Shapes.require(prefix + ".wgate.weight", wgate.rows(), width);
        Shapes.require(prefix + ".norm.weight", norm.length, dim);
    }

    /** fp32 projections of n rows of x (bf16 values): {@code kv[n, c·d]}, {@code score[n, c·d]} (no ape yet). */
    void project(float[] x, int n, float[] kv, float[] score) {
        wkv.forward(x, n, kv);
        wgate.forward(x, n, score);
    }

    /**
     * Prefill of a fresh sequence: tokens at positions {@code 0..S-1} (rows of kv/score), appends {@code S / r}
     * entries and leaves the decode state as the reference does (last complete block in the overlap half, the
     * remainder in the current half).
     */
    void prefill(CompressorState st, float[] kv, float[] score, int seqLen, float[] pooled) {
        int r = ratio;
        int w = width;
        int rem = seqLen % r;
        int cutoff = seqLen - rem;
        int offset = overlap ? r : 0;
        if (overlap && cutoff >= r) {
            for (int t = 0; t < r; t++) {
                int row = cutoff - r + t;
                System.arraycopy(kv, row * w, st.kv, t * w, w);
                for (int c = 0; c < w; c++) {
                    st.score[t * w + c] = score[row * w + c] + ape[t * w + c];
                }
            }
        }
        for (int t = 0; t < rem; t++) {
            int row = cutoff + t;
            int slot = offset + t;
            System.arraycopy(kv, row * w, st.kv, slot * w, w);
            for (int c = 0; c < w; c++) {
                st.score[slot * w + c] = score[row * w + c] + ape[t * w + c];
            }
        }
        int blocks = cutoff / r;
        int d = dim;
        for (int b = 0; b < blocks; b++) {
            for (int c = 0; c < d; c++) {
                // softmax over the block's tokens (and, with overlap, the previous block's), per channel
                float max = Float.NEGATIVE_INFINITY;
                if (overlap && b > 0) {
                    for (int t = 0; t < r; t++) {
                        int row = (b - 1) * r + t;
                        max = Math.max(max, score[row * w + c] + ape[t * w + c]);
                    }
                }
                int hi = overlap ? d : 0;
                for (int t = 0; t < r; t++) {
                    int row = b * r + t;
                    max = Math.max(max, score[row * w + hi + c] + ape[t * w + hi + c]);
                }
                float sum = 0f;
                if (overlap && b > 0) {
                    for (int t = 0; t < r; t++) {
                        int row = (b - 1) * r + t;
                        sum += (float) Math.exp(score[row * w + c] + ape[t * w + c] - max);
                    }
                }
                for (int t = 0; t < r; t++) {
                    int row = b * r + t;
                    sum += (float) Math.exp(score[row * w + hi + c] + ape[t * w + hi + c] - max);
                }
                float acc = 0f;
                if (overlap) {
                    // block 0's previous half: kv 0, score −inf → contributes 0
                    if (b > 0) {
                        for (int t = 0; t < r; t++) {
                            int row = (b - 1) * r + t;
                            float p = (float) Math.exp(score[row * w + c] + ape[t * w + c] - max) / sum;
                            acc += kv[row * w + c] * p;
                        }
                    }
                }
                for (int t = 0; t < r; t++) {
                    int row = b * r + t;
                    float p = (float) Math.exp(score[row * w + hi + c] + ape[t * w + hi + c] - max) / sum;
                    acc += kv[row * w + hi + c] * p;
                }
                pooled[c] = acc;
            }
            int off = st.reserve(b);
            finish(pooled, (long) b * r, st.entries, off);
        }
    }

    /**
     * One decode step at position {@code pos} for the row at {@code rowOff} of kv/score; returns whether an entry
     * (index {@code pos / r}) was completed.
     */
    boolean decode(CompressorState st, float[] kv, float[] score, int rowOff, int pos, float[] pooled) {
        int r = ratio;
        int w = width;
        int d = dim;
        int phase = pos % r;
        int slot = (overlap ? r : 0) + phase;
        System.arraycopy(kv, rowOff, st.kv, slot * w, w);
        for (int c = 0; c < w; c++) {
            st.score[slot * w + c] = score[rowOff + c] + ape[phase * w + c];
        }
        if ((pos + 1) % r != 0) {
            return false;
        }
        int slots = overlap ? 2 * r : r;
        for (int c = 0; c < d; c++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < slots; t++) {
                int ch = overlap && t >= r ? d + c : c;
                max = Math.max(max, st.score[t * w + ch]);
            }
            float sum = 0f;
            for (int t = 0; t < slots; t++) {
                int ch = overlap && t >= r ? d + c : c;
                sum += (float) Math.exp(st.score[t * w + ch] - max);
            }
            float acc = 0f;
            for (int t = 0; t < slots; t++) {
                int ch = overlap && t >= r ? d + c : c;
                float p = (float) Math.exp(st.score[t * w + ch] - max) / sum;
                acc += st.kv[t * w + ch] * p;
            }
            pooled[c] = acc;
        }
        if (overlap) {
            System.arraycopy(st.kv, r * w, st.kv, 0, r * w);
            System.arraycopy(st.score, r * w, st.score, 0, r * w);
        }
        int off = st.reserve(pos / r);
        finish(pooled, (long) pos + 1 - r, st.entries, off);
        return true;
    }

    /** fp32 pooled → bf16 → RMSNorm → RoPE at {@code pos} → (Hadamard + FP4 sim | released fp8 no-op). */
    private void finish(float[] pooled, long pos, float[] dst, int off) {
        int d = dim;
        for (int c = 0; c < d; c++) {
            pooled[c] = Bf16.round(pooled[c]);
        }
        Norms.rmsNormRow(pooled, 0, d, norm, eps, dst, off);
        float[] cos = new float[ropeDim / 2];
        float[] sin = new float[ropeDim / 2];
        rope.angles(pos, cos, sin);
        Rope.apply(dst, off + d - ropeDim, ropeDim, cos, sin, false);
        if (rotate) {
            Hadamard.transformBf16(dst, off, d);
            ActQuant.fp4Inplace(dst, off, d, 32);
        } else if (KV_FP8_SIM) {
            ActQuant.fp8InplaceE4m3(dst, off, d - ropeDim, 64, true);
        }
    }
}
