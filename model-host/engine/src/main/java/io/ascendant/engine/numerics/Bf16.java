package io.ascendant.engine.numerics;

/**
 * bfloat16 conversions. The reference keeps activations in bf16 between operations; rounding a float to bf16 and
 * back ({@link #round(float)}) reproduces PyTorch's {@code x.to(torch.bfloat16)}: round to nearest, ties to even,
 * NaN preserved.
 */
public final class Bf16 {
    private Bf16() {}

    /** The 16 stored bits of {@code f} rounded to bf16 (round to nearest even). */
    public static short toBits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040); // quiet NaN, keep sign
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float value of stored bf16 bits. */
    public static float fromBits(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** {@code f} rounded to the nearest bf16 value (ties to even), as a float. */
    public static float round(float f) {
        return fromBits(toBits(f));
    }

    /** Rounds {@code len} values of {@code x} from {@code off} to bf16 in place. */
    public static void roundInPlace(float[] x, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            x[i] = round(x[i]);
        }
    }
}
