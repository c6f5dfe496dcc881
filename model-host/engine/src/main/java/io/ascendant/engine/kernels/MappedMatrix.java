package io.ascendant.engine.kernels;

/**
 * Common driver of the memory-mapped weight matrices: splits rows over the {@link EngineThreads} pool (outside the
 * inner loops) and lets each encoding supply a vector kernel for a run of rows and a scalar oracle for one row.
 *
 * <p>Every public product reads each weight byte once per call, whatever the batch size: the batched kernels take the
 * batch rows in groups of four, each decoded weight vector feeding four accumulators (the row stays in L1 between
 * groups).
 */
public abstract sealed class MappedMatrix implements WeightMatrix permits Fp8Matrix, Fp4Matrix, Bf16Matrix, F32Matrix {
    /** Rows below this many stored bytes per thread are not worth a hand-off to another thread. */
    private static final long MIN_BYTES_PER_TASK = 64 * 1024;

    protected final String name;
    protected final int rows;
    protected final int cols;
    private final EngineThreads threads;

    MappedMatrix(String name, int rows, int cols, EngineThreads threads) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.threads = threads;
    }

    /** The tensor name this matrix was read from (for messages and dumps). */
    public String name() {
        return name;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final void matvec(float[] x, int xOff, float[] out, int outOff) {
        matmulRows(x, xOff, cols, 1, out, outOff, rows, 0, rows);
    }

    @Override
    public final void matmul(float[] x, int n, float[] out) {
        matmulRows(x, 0, cols, n, out, 0, rows, 0, rows);
    }

    @Override
    public final void matmulRows(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int rowStart, int rowEnd) {
        checkArgs(x, xOff, xStride, n, out, outOff, outStride, rowStart, rowEnd);
        int count = rowEnd - rowStart;
        long bytesPerRow = Math.max(1, storedBytes() / Math.max(1, rows));
        int grain = rowGrain();
        int minRows = (int) Math.max(grain, MIN_BYTES_PER_TASK / bytesPerRow);
        if (threads.size() == 1 || count <= minRows) {
            kernel(x, xOff, xStride, n, out, outOff, outStride, rowStart, rowEnd);
            return;
        }
        int perTask = Math.max(minRows, count / (threads.size() * 4));
        perTask = (perTask + grain - 1) / grain * grain;
        int tasks = (count + perTask - 1) / perTask;
        final int chunk = perTask;
        threads.parallelFor(tasks, 1, (s, e) -> {
            for (int t = s; t < e; t++) {
                int r0 = rowStart + t * chunk;
                int r1 = Math.min(rowEnd, r0 + chunk);
                kernel(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
            }
        });
    }

    @Override
    public final float dotRow(int row, float[] x, int xOff) {
        float[] out = new float[1];
        kernel(x, xOff, cols, 1, out, -row, 0, row, row + 1);
        return out[0];
    }

    /**
     * The scalar oracle: {@code Σ_c W[row, c] · x[xOff + c]} with the reference's block order (per scale block an
     * fp32 partial sum in column order, then times the block scale, accumulated in block order).
     */
    public abstract float dotRowScalar(int row, float[] x, int xOff);

    /** A view of this matrix whose products use only {@link #dotRowScalar} (tests, debugging). */
    public final WeightMatrix scalarOracle() {
        return new ScalarOracleMatrix(this);
    }

    /** Rows are split in multiples of this (128 for FP8 so a task shares scale rows). */
    int rowGrain() {
        return 16;
    }

    /**
     * The vector kernel: for rows r in {@code [r0, r1)} and batch rows b in {@code [0, n)},
     * {@code out[outOff + b·outStride + r] = Σ_c W[r, c] · x[xOff + b·xStride + c]}.
     */
    abstract void kernel(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1);

    private void checkArgs(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int rowStart, int rowEnd) {
        if (rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
            throw new IndexOutOfBoundsException(
                    name + ": row range [" + rowStart + ", " + rowEnd + ") outside [0, " + rows + ")");
        }
        if (n < 0 || xOff < 0 || (n > 0 && (long) xOff + (long) (n - 1) * xStride + cols > x.length)) {
            throw new IndexOutOfBoundsException(name + ": input too short for " + n + " × " + cols + " from " + xOff
                    + " (stride " + xStride + ", length " + x.length + ")");
        }
        if (n > 0
                && rowEnd > rowStart
                && ((long) outOff + rowStart < 0 || (long) outOff + (long) (n - 1) * outStride + rowEnd > out.length)) {
            throw new IndexOutOfBoundsException(name + ": output too short for " + n + " × rows [" + rowStart + ", "
                    + rowEnd + ") from " + outOff + " (stride " + outStride + ", length " + out.length + ")");
        }
    }

    /** The oracle view; products are row-by-row scalar dots, single-threaded. */
    private static final class ScalarOracleMatrix implements WeightMatrix {
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
                float[] x,
                int xOff,
                int xStride,
                int n,
                float[] out,
                int outOff,
                int outStride,
                int rowStart,
                int rowEnd) {
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
}
