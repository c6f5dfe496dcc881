package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.kernels.MappedMatrix;
import io.ascendant.engine.kernels.WeightMatrix;

/**
 * A checkpoint whose matrices are the weight kernels' scalar oracles (row by row, single-threaded, the reference's
 * block order): deterministic whatever the JIT tier, and a batched product equals the single-row one bit for bit.
 * For verification only (tests of the engine and of the model host compare exact tokens with it); it is many times
 * slower than the Vector API kernels, which agree with it within the engine's stated tolerance.
 */
public final class OracleWeights implements WeightSource {
    private final WeightSource delegate;

    /** Wraps {@code delegate}; closing this closes it. */
    public OracleWeights(WeightSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean has(String name) {
        return delegate.has(name);
    }

    @Override
    public DType dtype(String name) {
        return delegate.dtype(name);
    }

    @Override
    public long[] shape(String name) {
        return delegate.shape(name);
    }

    @Override
    public WeightMatrix matrix(String name) {
        WeightMatrix m = delegate.matrix(name);
        return m instanceof MappedMatrix mm ? mm.scalarOracle() : m;
    }

    @Override
    public float[] floats(String name) {
        return delegate.floats(name);
    }

    @Override
    public int[] ints(String name) {
        return delegate.ints(name);
    }

    @Override
    public void row(String name, int row, float[] out, int outOff) {
        delegate.row(name, row, out, outOff);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
