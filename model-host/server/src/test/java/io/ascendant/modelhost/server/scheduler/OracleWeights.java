package io.ascendant.modelhost.server.scheduler;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.kernels.MappedMatrix;
import io.ascendant.engine.kernels.WeightMatrix;

/**
 * A checkpoint whose matrices are the engine's scalar oracle kernels: deterministic whatever the JIT tier, so the
 * prefix-cache test compares exact tokens (the Vector API kernels agree with these within the engine's tolerance).
 */
final class OracleWeights implements WeightSource {
    private final WeightSource delegate;

    OracleWeights(WeightSource delegate) {
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
