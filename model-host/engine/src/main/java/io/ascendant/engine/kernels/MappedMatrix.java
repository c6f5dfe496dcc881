package io.ascendant.engine.kernels;

/**
 * Common driver of the memory-mapped weight matrices: splits rows over the {@link EngineThreads} pool (outside the
 * inner loops) and lets each encoding supply a vector kernel for a run of rows and a scalar oracle for one row.
 *
 * <p>Every public product reads each weight byte once per call, whatever the batch size: the batched kernels take the
 * batch rows in groups of eight (FP8, FP4) or four, each decoded weight vector feeding one accumulator per batch row
 * (the weight row and the inputs' column tile stay in L1 between groups).
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

    /** L1-resident budget, in floats, for the slice of all batch rows one column tile touches (24 KiB). */
    private static final int BATCH_TILE_FLOATS = 6144;
    /** Rows processed together per column tile in batched products. */
    private static final int BATCH_ROW_BLOCK = 16;

    /**
     * Batched product over rows {@code [r0, r1)} for {@code n > 1}: columns are walked in tiles small enough that the
     * tile's slice of all n input rows stays in L1 while a block of 16 weight rows passes over it; within a tile the
     * batch rows go eight at a time through {@link #group8} (FP8, FP4) and then four at a time through {@link #group4},
     * which decode each weight vector once for the group. Every weight byte is read once per call.
     */
    final void kernelBatchTiled(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final float[] xb;
        final int base;
        final int stride;
        if (deinterleavesInput()) {
            xb = Scratch.get().input(n * cols);
            for (int b = 0; b < n; b++) {
                deinterleave(x, xOff + b * xStride, xb, b * cols);
            }
            base = 0;
            stride = cols;
        } else {
            xb = x;
            base = xOff;
            stride = xStride;
        }
        final int align = tileAlign();
        final int tc = Math.max(align, BATCH_TILE_FLOATS / n / align * align);
        final float[] part = Scratch.get().tile(BATCH_ROW_BLOCK * n + 4);
        final float[] sums = new float[4];
        final float[] sums8 = new float[8];
        for (int rb = r0; rb < r1; rb += BATCH_ROW_BLOCK) {
            final int re = Math.min(r1, rb + BATCH_ROW_BLOCK);
            java.util.Arrays.fill(part, 0, BATCH_ROW_BLOCK * n, 0f);
            for (int c0 = 0; c0 < cols; c0 += tc) {
                final int c1 = Math.min(cols, c0 + tc);
                for (int r = rb; r < re; r++) {
                    final int p = (r - rb) * n;
                    int b8 = 0;
                    for (; hasGroup8() && b8 + 8 <= n; b8 += 8) {
                        group8(r, c0, c1, xb, base + b8 * stride, stride, sums8);
                        for (int k = 0; k < 8; k++) {
                            part[p + b8 + k] += sums8[k];
                        }
                    }
                    for (int b0 = b8; b0 < n; b0 += 4) {
                        final int x0 = base + b0 * stride;
                        final int x1 = b0 + 1 < n ? x0 + stride : x0;
                        final int x2 = b0 + 2 < n ? x0 + 2 * stride : x0;
                        final int x3 = b0 + 3 < n ? x0 + 3 * stride : x0;
                        group4(r, c0, c1, xb, x0, x1, x2, x3, sums);
                        part[p + b0] += sums[0];
                        if (b0 + 1 < n) {
                            part[p + b0 + 1] += sums[1];
                        }
                        if (b0 + 2 < n) {
                            part[p + b0 + 2] += sums[2];
                        }
                        if (b0 + 3 < n) {
                            part[p + b0 + 3] += sums[3];
                        }
                    }
                }
            }
            for (int r = rb; r < re; r++) {
                for (int b = 0; b < n; b++) {
                    out[outOff + b * outStride + r] = part[(r - rb) * n + b];
                }
            }
        }
    }

    /**
     * Four dot products of weight row {@code r}, columns {@code [c0, c1)}, with the input rows starting at
     * {@code x0..x3} (column c of row k at {@code xk + c}, or the de-interleaved position for FP4): writes
     * {@code sums[k]}. {@code c0} and {@code c1} are multiples of {@link #tileAlign()} (except {@code c1 = cols}).
     */
    abstract void group4(int r, int c0, int c1, float[] x, int x0, int x1, int x2, int x3, float[] sums);

    /**
     * Eight dot products of weight row {@code r}, columns {@code [c0, c1)}, with the input rows at
     * {@code x0 + k·stride} (k = 0..7): writes {@code sums[k]}. Implemented by the quantised formats, which then decode
     * each weight vector once for eight rows ({@link #hasGroup8()}).
     */
    void group8(int r, int c0, int c1, float[] x, int x0, int stride, float[] sums) {
        throw new UnsupportedOperationException();
    }

    /** Whether {@link #group8} is implemented. */
    boolean hasGroup8() {
        return false;
    }

    /** Column tiles are multiples of this (the scale block, so a tile never splits a block). */
    int tileAlign() {
        return 128;
    }

    /** Whether {@link #group4} reads the input de-interleaved per 32-block (FP4). */
    boolean deinterleavesInput() {
        return false;
    }

    /** Copies one input row into {@code dst} in the layout {@link #group4} reads (FP4 only). */
    void deinterleave(float[] x, int xOff, float[] dst, int dstOff) {
        throw new UnsupportedOperationException();
    }

    /** Rows are handed to threads in multiples of this. */
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
