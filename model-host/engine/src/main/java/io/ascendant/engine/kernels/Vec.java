package io.ascendant.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, fixed once: {@link #F} floats of the preferred shape (16 lanes with AVX-512, 8
 * with AVX2), and byte/short species with the same lane count so a load of {@code L} codes widens to exactly one
 * float vector.
 */
final class Vec {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final int L = F.length();
    /** Byte species with at least {@code L} lanes (64-bit minimum shape); only its first {@code L} lanes are used. */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64.length() >= L
            ? ByteVector.SPECIES_64
            : VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Short species with at least {@code L} lanes. */
    static final VectorSpecies<Short> S = ShortVector.SPECIES_64.length() >= L
            ? ShortVector.SPECIES_64
            : VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    /** Bytes a {@link #B} load touches (≥ L): a vector step at byte i needs {@code i + BL <= end}. */
    static final int BL = B.length();
    /** Shorts a {@link #S} load touches (≥ L). */
    static final int SL = S.length();

    static {
        assert IntVector.SPECIES_PREFERRED.length() == L;
    }

    private Vec() {}
}
