package io.ascendant.engine.kernels;

/**
 * The view {@link MappedMatrix#scalarOracle()} returns: products are row-by-row {@link MappedMatrix#dotRowScalar}
 * calls, single-threaded (tests, debugging).
 */
final class ScalarOracleMatrix implements WeightMatrix {
    private final MappedMatrix m;

    ScalarOracleMatrix(MappedMatrix m) {
        this.m = m;
    }

    @Override
    public int rows() {
        return m.rows;
    }

    @Override
    public int cols() {
        return m.cols;
    }

    @Override
    public void matvec(float[] x, int xOff, float[] out, int outOff) {
        matmulRows(x, xOff, m.cols, 1, out, outOff, m.rows, 0, m.rows);
    }

    @Override
    public void matmul(float[] x, int n, float[] out) {
        matmulRows(x, 0, m.cols, n, out, 0, m.rows, 0, m.rows);
    }

    @Override
    public void matmulRows(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int rowStart, int rowEnd) {
        for (int b = 0; b < n; b++) {
            for (int r = rowStart; r < rowEnd; r++) {
                out[outOff + b * outStride + r] = m.dotRowScalar(r, x, xOff + b * xStride);
            }
        }
    }

    @Override
    public float dotRow(int row, float[] x, int xOff) {
        return m.dotRowScalar(row, x, xOff);
    }

    @Override
    public long storedBytes() {
        return m.storedBytes();
    }
}
