package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.B;
import static io.ascendant.engine.kernels.Vec.I;
import static io.ascendant.engine.kernels.Vec.L;

import io.ascendant.engine.numerics.Fp4E2m1;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector decoding of {@link Fp4Matrix}'s packed e2m1 codes into exact fp32 weights: a packed byte per lane, its
 * low nibble (even column) and high nibble (odd column) turned into floats either through the 16-value table (16-lane
 * vectors) or arithmetically (sign to bit 31, magnitude bits to bits 24..22: the value times 2^-126), then times the
 * block scale (a power of two, so exact). The matmul loops stay in {@link Fp4Matrix}.
 *
 * <p>Threading: stateless.
 */
final class Fp4Decode {
    private static final float TWO_POW_126 = 0x1p126f;

    /** The 16 e2m1 values as float bits, when a vector holds 16 lanes (else null: arithmetic decode). */
    static final IntVector LUT = lut();

    private Fp4Decode() {}

    /** {@link #LUT}: null unless a vector holds 16 lanes. */
    private static IntVector lut() {
        if (L != 16) {
            return null;
        }
        int[] bits = new int[16];
        for (int c = 0; c < 16; c++) {
            bits[c] = Float.floatToRawIntBits(Fp4E2m1.decode(c));
        }
        return IntVector.fromArray(I, bits, 0);
    }

    /** Float bits of the low nibbles of {@code iv}'s lanes, value · 2^-126. */
    private static IntVector lowBits(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 28)
                .lanewise(VectorOperators.AND, 0x80000000)
                .lanewise(
                        VectorOperators.OR,
                        iv.lanewise(VectorOperators.LSHL, 22).lanewise(VectorOperators.AND, 0x01C00000));
    }

    /** Float bits of the high nibbles, value · 2^-126. */
    private static IntVector highBits(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 24)
                .lanewise(VectorOperators.AND, 0x80000000)
                .lanewise(
                        VectorOperators.OR,
                        iv.lanewise(VectorOperators.LSHL, 18).lanewise(VectorOperators.AND, 0x01C00000));
    }

    /** The 16 e2m1 values times the block scale {@code s} (exact: a power of two), as int bits for a table lookup. */
    static IntVector table(FloatVector lut, float s) {
        return lut.mul(s).reinterpretAsInts();
    }

    /** Exact weights of the low nibbles from the scaled table ({@code selectFrom} wraps the index to its low 4 bits). */
    static FloatVector even(IntVector iv, IntVector table) {
        return iv.selectFrom(table).reinterpretAsFloats();
    }

    /** Exact weights of the high nibbles from the scaled table. */
    static FloatVector odd(IntVector iv, IntVector table) {
        return iv.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats();
    }

    /** {@code L} packed bytes from {@code at}, widened to int lanes. */
    static IntVector codes(MemorySegment w, long at) {
        return (IntVector)
                ByteVector.fromMemorySegment(B, w, at, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I, 0);
    }

    /** Exact weights of the low nibbles (even columns): table or arithmetic decode, times the block scale. */
    static FloatVector even(IntVector iv, float s) {
        if (LUT != null) {
            return iv.lanewise(VectorOperators.AND, 0xf)
                    .selectFrom(LUT)
                    .reinterpretAsFloats()
                    .mul(s);
        }
        return scaleRaw(lowBits(iv).reinterpretAsFloats(), s);
    }

    /** Exact weights of the high nibbles (odd columns). */
    static FloatVector odd(IntVector iv, float s) {
        if (LUT != null) {
            return iv.lanewise(VectorOperators.LSHR, 4)
                    .lanewise(VectorOperators.AND, 0xf)
                    .selectFrom(LUT)
                    .reinterpretAsFloats()
                    .mul(s);
        }
        return scaleRaw(highBits(iv).reinterpretAsFloats(), s);
    }

    /** Raw nibble floats (value · 2^-126) to exact weights: times {@code 2^126 · s}, in two steps if that overflows. */
    private static FloatVector scaleRaw(FloatVector raw, float s) {
        final float f = s * TWO_POW_126;
        return f != Float.POSITIVE_INFINITY ? raw.mul(f) : raw.mul(TWO_POW_126).mul(s);
    }
}
