package io.ascendant.engine.checkpoint;

/** Safetensors dtypes the V4 checkpoints use, with their on-disk element size in bytes. */
public enum DType {
    BF16(2),
    F32(4),
    /** FP8 e4m3fn (1 sign, 4 exponent, 3 mantissa bits, no infinities). */
    F8_E4M3(1),
    /** FP8 e8m0: a power-of-two scale, value = 2^(byte − 127). */
    F8_E8M0(1),
    /** Packed FP4 e2m1: two values per byte, low nibble = element 2k. Stored with dtype tag {@code I8}. */
    I8(1),
    I32(4),
    I64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Size of one stored element in bytes. */
    public int byteSize() {
        return byteSize;
    }
}
