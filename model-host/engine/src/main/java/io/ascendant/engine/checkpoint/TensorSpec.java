package io.ascendant.engine.checkpoint;

import java.util.Arrays;

/**
 * One tensor a V4 checkpoint must (or, for MTP, may) hold, derived from the config.
 *
 * @param name official name, e.g. {@code layers.3.attn.wq_a.weight}
 * @param dtype stored dtype
 * @param shape stored shape (packed FP4: bytes {@code [out, in/2]})
 * @param mtp whether it belongs to an MTP block ({@code mtp.N.*}), which plain decoding does not use
 * @param role what the active-bytes count does with it
 */
public record TensorSpec(String name, DType dtype, long[] shape, boolean mtp, Role role) {
    /** How often a tensor is read per decoded token. */
    public enum Role {
        /** Read in full every token (attention, norms, mHC, shared expert, gate, head). */
        DENSE,
        /** A routed expert: read for {@code num_experts_per_tok} of {@code n_routed_experts} experts. */
        EXPERT,
        /** A table read one row per token (the embedding, {@code tid2eid}). */
        EMBEDDING
    }

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Stored bytes. */
    public long byteSize() {
        long n = dtype.byteSize();
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Whether {@code info} has this spec's dtype and shape. */
    public boolean matches(TensorInfo info) {
        return info.dtype() == dtype && Arrays.equals(info.shape(), shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && t.name.equals(name)
                && t.dtype == dtype
                && Arrays.equals(t.shape, shape)
                && t.mtp == mtp
                && t.role == role;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
