package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.B;
import static io.ascendant.engine.kernels.Vec.I;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector decoding of {@link Fp8Matrix}'s e4m3 codes: {@code L} code bytes widened to int lanes and turned into
 * float bits {@code (code << 20) & 0x87F00000}, which read as a float are the e4m3 value times 2^-120 (subnormal
 * codes included); one multiplication by {@code 2^120 · scale} gives the exact weight. The matmul loops stay in
 * {@link Fp8Matrix}.
 *
 * <p>Threading: stateless.
 */
final class Fp8Decode {
    /** The factor that turns a raw code float (value · 2^-120) into the code's value. */
    static final float TWO_POW_120 = 0x1p120f;

    private Fp8Decode() {}

    /** {@code L} exact weights from byte {@code at}: code values times the block scale {@code s}. */
    static FloatVector weights(MemorySegment w, long at, float s) {
        final float f = s * TWO_POW_120;
        final FloatVector raw = rawCodes(w, at);
        return f != Float.POSITIVE_INFINITY ? raw.mul(f) : raw.mul(TWO_POW_120).mul(s);
    }

    /** {@code L} codes from byte {@code at} as floats of value · 2^-120 (exact, subnormal codes included). */
    static FloatVector rawCodes(MemorySegment w, long at) {
        IntVector iv = (IntVector)
                ByteVector.fromMemorySegment(B, w, at, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I, 0);
        return iv.lanewise(VectorOperators.LSHL, 20)
                .lanewise(VectorOperators.AND, 0x87F00000)
                .reinterpretAsFloats();
    }
}
