package io.ascendant.engine.model;

import io.ascendant.engine.numerics.Bf16;

/**
 * Rotary position embedding on the last {@code ropeDim} dimensions of a head, with the reference's interleaved
 * pairs {@code (x[2k], x[2k+1])} and optional YaRN frequency interpolation.
 *
 * <p>Frequencies follow {@code precompute_freqs_cis} in the reference {@code model.py}: {@code f_i =
 * 1/base^(2i/d)} in fp32; when {@code originalSeqLen > 0} the YaRN ramp over the {@code d/2} frequency indices
 * blends {@code f_i/factor} and {@code f_i} (low = floor, high = ceil of the correction dims, clamped to
 * {@code [0, d-1]}; {@code high += 0.001} when they are equal). cos/sin are not scaled (no mscale). The angle at
 * position p is {@code fp32(p · f_i)}.
 *
 * <p>Application follows {@code apply_rotary_emb}: the bf16 input is widened to fp32, multiplied as a complex
 * number by {@code cos + i·sin} (or its conjugate for de-rotation) and rounded back to bf16.
 *
 * <p>Immutable and thread-safe; {@link #angles} writes into a caller buffer.
 */
public final class Rope {
    private final int ropeDim;
    private final float[] freqs; // (ropeDim/2)

    /**
     * @param ropeDim rotary dimensions (64 in V4)
     * @param base theta (10000 for window-only layers, {@code compress_rope_theta} for compressed ones)
     * @param originalSeqLen YaRN original context ({@code 0} disables YaRN)
     */
    public Rope(int ropeDim, double base, int originalSeqLen, double factor, double betaFast, double betaSlow) {
        this.ropeDim = ropeDim;
        this.freqs = frequencies(ropeDim, base, originalSeqLen, factor, betaFast, betaSlow);
    }

    /** The (ropeDim/2) rotary frequencies, fp32, after YaRN when enabled. */
    public static float[] frequencies(
            int dim, double base, int originalSeqLen, double factor, double betaFast, double betaSlow) {
        int half = dim / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float p = (float) Math.pow((float) base, exponent);
            f[i] = 1.0f / p;
        }
        if (originalSeqLen > 0) {
            int[] range = correctionRange(betaFast, betaSlow, dim, base, originalSeqLen);
            double low = range[0];
            double high = range[1];
            if (low == high) {
                high += 0.001;
            }
            float fLow = (float) low;
            float span = (float) (high - low);
            float fFactor = (float) factor;
            for (int i = 0; i < half; i++) {
                float ramp = ((float) i - fLow) / span;
                ramp = Math.min(1f, Math.max(0f, ramp));
                float smooth = 1f - ramp;
                f[i] = f[i] / fFactor * (1f - smooth) + f[i] * smooth;
            }
        }
        return f;
    }

    /** YaRN correction range {low, high} as in the reference (floor/ceil, clamped to [0, dim-1]). */
    public static int[] correctionRange(double lowRot, double highRot, int dim, double base, int maxSeqLen) {
        int low = (int) Math.floor(correctionDim(lowRot, dim, base, maxSeqLen));
        int high = (int) Math.ceil(correctionDim(highRot, dim, base, maxSeqLen));
        return new int[] {Math.max(low, 0), Math.min(high, dim - 1)};
    }

    private static double correctionDim(double rotations, int dim, double base, int maxSeqLen) {
        return dim * Math.log(maxSeqLen / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }

    public int ropeDim() {
        return ropeDim;
    }

    public float frequency(int i) {
        return freqs[i];
    }

    /** Fills {@code cos[0..ropeDim/2)} and {@code sin[...]} for position {@code pos}. */
    public void angles(long pos, float[] cos, float[] sin) {
        float p = (float) pos;
        for (int i = 0; i < freqs.length; i++) {
            float a = p * freqs[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }

    /**
     * Rotates {@code x[off .. off+ropeDim)} in place (interleaved pairs), fp32 arithmetic, result rounded to bf16.
     * {@code inverse} multiplies by the conjugate (the reference's de-rotation of the attention output).
     */
    public static void apply(float[] x, int off, int ropeDim, float[] cos, float[] sin, boolean inverse) {
        applyAt(x, off, ropeDim, cos, 0, sin, 0, inverse);
    }

    /** {@link #apply} with cos/sin read from offsets (per-row angle tables). */
    public static void applyAt(
            float[] x, int off, int ropeDim, float[] cos, int cOff, float[] sin, int sOff, boolean inverse) {
        int half = ropeDim / 2;
        for (int k = 0; k < half; k++) {
            float a = x[off + 2 * k];
            float b = x[off + 2 * k + 1];
            float c = cos[cOff + k];
            float s = inverse ? -sin[sOff + k] : sin[sOff + k];
            x[off + 2 * k] = Bf16.round(a * c - b * s);
            x[off + 2 * k + 1] = Bf16.round(a * s + b * c);
        }
    }
}
