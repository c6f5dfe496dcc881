package io.ascendant.engine.numerics;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reference's activation quantisation ({@code kernel.py} {@code act_quant} and {@code fp4_act_quant}),
 * reproduced bit for bit on the CPU.
 *
 * <p>{@code act_quant(x, block, scale_fmt)}, per row and per {@code block} consecutive values:
 * {@code amax = max(max|x|, 1e-4)}; with {@code scale_fmt = "ue8m0"} (every V4 checkpoint) the scale is
 * {@code s = 2^ceil(log2(amax · fp32(1/448)))}, the ceiling taken from the float's exponent and mantissa bits
 * ({@code fast_log2_ceil}); without it {@code s = amax · fp32(1/448)}. Then {@code q = e4m3_RNE(clamp(x / s, ±448))}.
 * A GEMM then computes {@code Σ_blocks (q·w) · s · s_w}; because s is a power of two, passing the dequantised
 * {@code q·s} (exact in fp32) to a {@link io.ascendant.engine.kernels.WeightMatrix} gives the same result, which is
 * what {@link #fp8QuantDequant} produces.
 *
 * <p>{@code fp4_act_quant(x, 32)}: {@code amax = max(max|x|, 6·2^-126)}, {@code s = 2^ceil(log2(amax · fp32(1/6)))},
 * {@code q = e2m1_RNE(clamp(x / s, ±6))}, written back as {@code bf16(q · s)} (the indexer's FP4 simulation).
 *
 * <p>The in-place FP8 variant ({@code act_quant(…, inplace=True)}, used by model.py on the window KV and the
 * compressor output "to match QAT") is, in the released kernel, a cast to the input dtype (bf16), not to e4m3: for
 * bf16 inputs and power-of-two scales it returns its input bit for bit (brief §2.1 item 14). {@link
 * #fp8InplaceReleased} reproduces that; {@link #fp8InplaceE4m3} is the rounding the comment intends, offered as an
 * option and off by default in the model.
 *
 * <p>All methods work on float arrays holding bf16-representable values (the reference's bf16 activations) and
 * allocate nothing.
 */
public final class ActQuant {
    /** {@code fp32(1/448)}: the kernel multiplies by this constant rather than dividing by 448. */
    public static final float FP8_MAX_INV = (float) (1.0 / 448.0);
    /** {@code fp32(1/6)}. */
    public static final float FP4_MAX_INV = (float) (1.0 / 6.0);
    /** The FP8 path's amax floor. */
    public static final float FP8_AMAX_FLOOR = 1e-4f;
    /** The FP4 path's amax floor, {@code 6·2^-126}. */
    public static final float FP4_AMAX_FLOOR = 6f * 0x1p-126f;

    private ActQuant() {}

    /**
     * {@code fast_round_scale}: {@code 2^ceil(log2(amax · maxInv))} computed as the kernel does, from the exponent
     * field plus one when any mantissa bit is set.
     */
    public static float roundScale(float amax, float maxInv) {
        int bits = Float.floatToRawIntBits(amax * maxInv);
        int exp = (bits >>> 23) & 0xff;
        int man = bits & 0x7fffff;
        int e = exp - 127 + (man != 0 ? 1 : 0);
        return Float.intBitsToFloat((e + 127) << 23);
    }

    /** The FP8 scale of one block: {@code amax} is {@code max|x|} over the block before the floor. */
    public static float fp8Scale(float amax, boolean ue8m0) {
        float a = Math.max(amax, FP8_AMAX_FLOOR);
        return ue8m0 ? roundScale(a, FP8_MAX_INV) : a * FP8_MAX_INV;
    }

    /** The FP4 scale of one block (always a power of two). */
    public static float fp4Scale(float amax) {
        return roundScale(Math.max(amax, FP4_AMAX_FLOOR), FP4_MAX_INV);
    }

    /** {@code max|x|} over {@code x[off, off+len)}. */
    public static float absMax(float[] x, int off, int len) {
        float m = 0f;
        for (int i = off, end = off + len; i < end; i++) {
            m = Math.max(m, Math.abs(x[i]));
        }
        return m;
    }

    /**
     * {@code act_quant} returning codes and scales: for each block b of {@code x[off, off+len)},
     * {@code scales[scaleOff + b]} and the e4m3 codes {@code codes[codeOff + i]}.
     *
     * @param len a multiple of {@code block} (the reference asserts it)
     */
    public static void fp8Quant(
            float[] x,
            int off,
            int len,
            int block,
            boolean ue8m0,
            byte[] codes,
            int codeOff,
            float[] scales,
            int scaleOff) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            float s = fp8Scale(absMax(x, start, block), ue8m0);
            scales[scaleOff + b] = s;
            for (int i = 0; i < block; i++) {
                codes[codeOff + b * block + i] = Fp8E4m3.encode(clampFp8(x[start + i] / s));
            }
        }
    }

    /**
     * {@code act_quant} followed by dequantisation, {@code out = e4m3(clamp(x/s)) · s} in fp32 (exact for ue8m0
     * scales): the input a {@link io.ascendant.engine.kernels.WeightMatrix} expects for an FP8/FP4 weight. {@code out}
     * may be {@code x}.
     */
    public static void fp8QuantDequant(float[] x, int off, int len, int block, boolean ue8m0, float[] out, int outOff) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            int o = outOff + b * block;
            float s = fp8Scale(absMaxVector(x, start, block), ue8m0);
            if (!ue8m0) {
                // x / s with a non-power-of-two s: keep the division (a reciprocal would round differently).
                for (int i = 0; i < block; i++) {
                    out[o + i] = Fp8E4m3.round(clampFp8(x[start + i] / s)) * s;
                }
                continue;
            }
            // ue8m0: s is a power of two, so x·(1/s) == x/s exactly and q·s is exact.
            FloatVector inv = FloatVector.broadcast(F, 1f / s);
            FloatVector sv = FloatVector.broadcast(F, s);
            int i = 0;
            for (int end = F.loopBound(block); i < end; i += F.length()) {
                FloatVector q = FloatVector.fromArray(F, x, start + i)
                        .mul(inv)
                        .max(-Fp8E4m3.MAX)
                        .min(Fp8E4m3.MAX);
                roundE4m3(q).mul(sv).intoArray(out, o + i);
            }
            for (; i < block; i++) {
                out[o + i] = Fp8E4m3.round(clampFp8(x[start + i] / s)) * s;
            }
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * Rounds lanes already clamped to ±448 to the e4m3 grid, ties to even: normal magnitudes (≥ 2^-6) keep 3 mantissa
     * bits by adding {@code 0x7FFFF + lsb} to the float bits and clearing the low 20 (a carry moves to the exponent as
     * it should); subnormal magnitudes are rounded to multiples of 2^-9 by adding and subtracting 2^14, whose float
     * ulp is 2^-9. Identical to {@link Fp8E4m3#round} on every such input (tested).
     */
    static FloatVector roundE4m3(FloatVector q) {
        FloatVector a = q.abs();
        IntVector bits = a.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 20).lanewise(VectorOperators.AND, 1);
        FloatVector normal = bits.add(0x7FFFF)
                .add(lsb)
                .lanewise(VectorOperators.AND, 0xFFF00000)
                .reinterpretAsFloats();
        FloatVector sub = a.add(0x1p14f).sub(0x1p14f);
        FloatVector r = normal.blend(sub, a.lt(0x1p-6f));
        // copy the sign of q (keeps -0 for negative inputs that round to zero)
        return r.reinterpretAsInts()
                .or(q.reinterpretAsInts().lanewise(VectorOperators.AND, 0x80000000))
                .reinterpretAsFloats();
    }

    /** {@code max|x|} over {@code x[off, off+len)}, vectorised. */
    static float absMaxVector(float[] x, int off, int len) {
        FloatVector m = FloatVector.zero(F);
        int i = 0;
        for (int end = F.loopBound(len); i < end; i += F.length()) {
            m = m.max(FloatVector.fromArray(F, x, off + i).abs());
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            r = Math.max(r, Math.abs(x[off + i]));
        }
        return r;
    }

    /** The scalar definition of {@link #fp8QuantDequant} (the oracle its vector path is tested against). */
    static void fp8QuantDequantScalar(float[] x, int off, int len, int block, boolean ue8m0, float[] out, int outOff) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            float s = fp8Scale(absMax(x, start, block), ue8m0);
            int o = outOff + b * block;
            for (int i = 0; i < block; i++) {
                out[o + i] = Fp8E4m3.round(clampFp8(x[start + i] / s)) * s;
            }
        }
    }

    /**
     * The released in-place kernel ({@code act_quant(…, inplace=True)}): {@code x = bf16(fp32(bf16(clamp(x/s))) · s)}.
     * A no-op for bf16 inputs with ue8m0 scales; kept so the model states the reference call where it happens.
     */
    public static void fp8InplaceReleased(float[] x, int off, int len, int block, boolean ue8m0) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            float s = fp8Scale(absMax(x, start, block), ue8m0);
            for (int i = start, end = start + block; i < end; i++) {
                x[i] = Bf16.round(Bf16.round(clampFp8(x[i] / s)) * s);
            }
        }
    }

    /** The intended QAT rounding of the in-place call: {@code x = bf16(e4m3(clamp(x/s)) · s)} (off by default). */
    public static void fp8InplaceE4m3(float[] x, int off, int len, int block, boolean ue8m0) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            float s = fp8Scale(absMax(x, start, block), ue8m0);
            for (int i = start, end = start + block; i < end; i++) {
                x[i] = Bf16.round(Fp8E4m3.round(clampFp8(x[i] / s)) * s);
            }
        }
    }

    /**
     * {@code fp4_act_quant(x, block, inplace=True)}: {@code x = bf16(e2m1(clamp(x/s, ±6)) · s)} per block (32 in
     * the reference), s a power of two.
     */
    public static void fp4Inplace(float[] x, int off, int len, int block) {
        checkBlocks(len, block);
        for (int b = 0, nb = len / block; b < nb; b++) {
            int start = off + b * block;
            float s = fp4Scale(absMax(x, start, block));
            for (int i = start, end = start + block; i < end; i++) {
                float q = Math.max(-Fp4E2m1.MAX, Math.min(Fp4E2m1.MAX, x[i] / s));
                x[i] = Bf16.round(Fp4E2m1.round(q) * s);
            }
        }
    }

    private static float clampFp8(float v) {
        return Math.max(-Fp8E4m3.MAX, Math.min(Fp8E4m3.MAX, v));
    }

    private static void checkBlocks(int len, int block) {
        if (block <= 0 || len % block != 0) {
            throw new IllegalArgumentException("length " + len + " is not a multiple of the block size " + block);
        }
    }
}
