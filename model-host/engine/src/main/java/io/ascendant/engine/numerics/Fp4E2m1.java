package io.ascendant.engine.numerics;

/**
 * FP4 e2m1 ({@code torch.float4_e2m1fn_x2} halves): 1 sign bit (bit 3), magnitudes {0, 0.5, 1, 1.5, 2, 3, 4, 6}
 * for codes 0–7. V4 routed-expert weights pack two codes per byte, the low nibble holding element 2k and the high
 * nibble element 2k+1 ({@code convert.py}: {@code low = x & 0x0F}, {@code high = (x >> 4) & 0x0F}), each 1×32 block
 * with an E8M0 scale. The indexer's {@code fp4_act_quant} rounds to the same grid.
 */
public final class Fp4E2m1 {
    /** Largest magnitude. */
    public static final float MAX = 6f;

    private static final float[] VALUES = {
        0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f
    };

    private Fp4E2m1() {}

    /** The value of a 4-bit code (low 4 bits of {@code code}). */
    public static float decode(int code) {
        return VALUES[code & 0xf];
    }

    /** Element {@code 2k + half} of a packed byte: half 0 = low nibble, 1 = high nibble. */
    public static float decodePacked(byte packed, int half) {
        return VALUES[(packed >>> (half << 2)) & 0xf];
    }

    /**
     * The nearest code to {@code x}, ties to even mantissa (so 0.25→0, 0.75→1, 1.25→1, 1.75→2, 2.5→2, 3.5→4, 5→4),
     * saturating to ±6; the sign of zero is kept; NaN maps to +0 (never produced by the clamped reference paths).
     */
    public static int encode(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        int sign = Float.floatToRawIntBits(x) < 0 ? 8 : 0;
        float a = Math.abs(x);
        int code;
        if (a < 2f) {
            // Step 0.5 in [0, 2): codes 0..4 are exactly a/0.5 rounded half-even (code parity = mantissa parity).
            code = (int) Math.rint(a * 2f);
        } else if (a < 4f) {
            // Step 1 in [2, 4): 2→4, 3→5, 4→6.
            code = 4 + (int) Math.rint(a - 2f);
        } else {
            // Step 2 in [4, 6]: 4→6, 6→7; 5 ties to even (4, code 6); saturate above 6.
            code = a >= 6f ? 7 : 6 + (int) Math.rint((a - 4f) * 0.5f);
        }
        return sign | code;
    }

    /** {@code decode(encode(x))}. */
    public static float round(float x) {
        return decode(encode(x));
    }
}
