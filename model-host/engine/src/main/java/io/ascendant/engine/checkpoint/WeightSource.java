package io.ascendant.engine.checkpoint;

import io.ascendant.engine.kernels.WeightMatrix;

/**
 * Named tensors of a V4 checkpoint with the official names (no {@code model.} prefix:
 * {@code layers.3.attn.wq_a.weight}, {@code layers.3.ffn.experts.7.w1.weight}, {@code hc_head_fn}, …), memory
 * mapped, never copied whole onto the heap except where a method says it returns a copy.
 *
 * <p>Every lookup of a missing tensor, or of one whose dtype or shape contradicts the request, throws
 * {@link CheckpointException} naming the file and the tensor.
 */
public interface WeightSource extends AutoCloseable {

    /** Whether a tensor of that name exists. */
    boolean has(String name);

    /** The stored dtype of a tensor. */
    DType dtype(String name);

    /** The stored shape of a tensor (for packed FP4, the byte shape {@code [out, in/2]}). */
    long[] shape(String name);

    /**
     * A matrix view of {@code name} (a {@code *.weight}), decoding by dtype: F8_E4M3 with its
     * {@code *.scale} (E8M0, 128×128 blocks), I8 packed FP4 with its {@code *.scale} (E8M0, 1×32), BF16, F32.
     */
    WeightMatrix matrix(String name);

    /** A float copy of a small BF16 or F32 tensor (norm weights, biases, {@code hc_*}, {@code attn_sink}). */
    float[] floats(String name);

    /** An int copy of an integer tensor (I64 or I32, for example {@code ffn.gate.tid2eid}). */
    int[] ints(String name);

    /**
     * Copies row {@code row} of a 2-D BF16 or F32 tensor into {@code out} as floats (embedding lookup without
     * loading the whole table).
     */
    void row(String name, int row, float[] out, int outOff);

    @Override
    void close();
}
