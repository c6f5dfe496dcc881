package io.ascendant.engine.numerics;

/**
 * E8M0 scales ({@code torch.float8_e8m0fnu}): an unsigned byte b encodes 2^(b − 127); b = 255 is NaN. The V4 weight
 * scales (FP8 128×128 blocks, FP4 1×32 blocks) and the ue8m0 activation scales use it.
 */
public final class E8m0 {
    private static final float[] VALUES = new float[256];

    static {
        for (int e = 0; e < 256; e++) {
            VALUES[e] = e == 255 ? Float.NaN : e == 0 ? 0x1p-127f : Float.intBitsToFloat(e << 23);
        }
    }

    private E8m0() {}

    /**
     * The value 2^(b − 127) of the low 8 bits of {@code b}; NaN for 255; 2^-127 (a float subnormal) for 0. A table
     * lookup, branch-free (the kernels call it once per scale block).
     */
    public static float decode(int b) {
        return VALUES[b & 0xff];
    }

    /**
     * The code of a power of two {@code 2^k}, k in [-127, 127].
     *
     * @throws IllegalArgumentException if {@code v} is not a power of two in that range
     */
    public static byte encode(float v) {
        if (v == 0x1p-127f) {
            return 0;
        }
        int bits = Float.floatToRawIntBits(v);
        if (v <= 0 || (bits & 0x7fffff) != 0 || ((bits >>> 23) & 0xff) == 255) {
            throw new IllegalArgumentException("E8M0 holds only powers of two 2^-127..2^127, got " + v);
        }
        return (byte) (bits >>> 23);
    }

    /** The code of {@code 2^k}. */
    public static byte ofExponent(int k) {
        if (k < -127 || k > 127) {
            throw new IllegalArgumentException("E8M0 exponent out of range [-127, 127]: " + k);
        }
        return (byte) (k + 127);
    }
}
