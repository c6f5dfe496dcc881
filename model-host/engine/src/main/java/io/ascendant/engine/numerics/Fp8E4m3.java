package io.ascendant.engine.numerics;

/**
 * FP8 e4m3fn (PyTorch {@code torch.float8_e4m3fn}, OCP "E4M3"): 1 sign, 4 exponent (bias 7), 3 mantissa bits, no
 * infinities; codes {@code 0x7f}/{@code 0xff} are NaN, the largest finite magnitude is 448 ({@code 0x7e}), the
 * smallest subnormal 2^-9. Used for the V4 linear weights (with 128×128 E8M0 block scales) and for the reference's
 * activation quantisation ({@code act_quant}).
 */
public final class Fp8E4m3 {
    /** Largest finite magnitude. */
    public static final float MAX = 448f;

    private static final float[] DECODE = new float[256];

    static {
        for (int c = 0; c < 256; c++) {
            DECODE[c] = decodeSlow(c);
        }
    }

    private Fp8E4m3() {}

    private static float decodeSlow(int code) {
        int sign = (code >>> 7) & 1;
        int exp = (code >>> 3) & 0xf;
        int man = code & 0x7;
        float v;
        if (exp == 0xf && man == 0x7) {
            return Float.NaN;
        } else if (exp == 0) {
            v = man * 0x1p-9f; // subnormal: man/8 · 2^-6
        } else {
            v = (8 + man) * Math.scalb(1f, exp - 7 - 3);
        }
        return sign == 1 ? -v : v;
    }

    /** The value of a code (the low 8 bits of {@code code} are used); NaN for {@code 0x7f}/{@code 0xff}. */
    public static float decode(int code) {
        return DECODE[code & 0xff];
    }

    /**
     * The float bits the vector kernels build for a code: {@code (code << 20) & 0x87F00000} of the sign-extended
     * byte, which read as a float is {@code decode(code) · 2^-120} for every finite code (subnormals included,
     * since a float subnormal times 2^120 is exact). Kernels multiply by {@code 2^120} (or fold it into a scale).
     * The NaN codes come out as ±480·2^-120; weights never hold them.
     */
    public static int rawBits(byte code) {
        return (code << 20) & 0x87F00000;
    }

    /**
     * Rounds {@code x} to the nearest e4m3 code, ties to even, saturating to ±448 (PyTorch's {@code .to(float8_e4m3fn)}
     * after the clamp the reference always applies); NaN maps to {@code 0x7f}. Signed zero is kept.
     */
    public static byte encode(float x) {
        if (Float.isNaN(x)) {
            return 0x7f;
        }
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x80 : 0;
        float a = Math.min(Math.abs(x), MAX);
        int code;
        if (a < 0x1p-6f) {
            // Subnormal range: multiples of 2^-9; q == 8 is the smallest normal 2^-6 (code 0x08) as well.
            code = (int) Math.rint(a * 0x1p9);
        } else {
            int e = Math.getExponent(a); // 2^e <= a < 2^(e+1), e in [-6, 8]
            int q = (int) Math.rint((double) a * Math.scalb(1.0, 3 - e)); // in [8, 16]
            if (q == 16) {
                e++;
                q = 8;
            }
            code = ((e + 7) << 3) | (q - 8);
        }
        return (byte) (sign | code);
    }

    /** {@code decode(encode(x))}: x rounded to the e4m3 grid (RNE, saturating). */
    public static float round(float x) {
        return decode(encode(x));
    }
}
