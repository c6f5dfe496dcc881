package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import jdk.incubator.vector.FloatVector;

/**
 * Common driver of the memory-mapped weight matrices: splits rows over the {@link EngineThreads} pool (outside the
 * inner loops) and lets each encoding supply a batch-1 vector kernel, a tile decoder for the batched products and a
 * scalar oracle for one row.
 *
 * <p>Every public product reads each weight byte from memory once per call for up to {@link #BATCH_BLOCK} batch rows
 * and decodes it once ({@link #kernelBatchDecoded}).
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

    /** Weight rows decoded together into one tile (and sharing every input vector load of the micro-kernels). */
    static final int TILE_ROWS = 4;
    /** Columns per decoded tile: a multiple of the FP8 block (128) and of the FP4 block (32); 8 KiB of floats. */
    static final int TILE_COLS = 512;
    /**
     * Widest input (columns) for which the FP8 and FP4 batch-1 kernels go one row at a time: the weights are then one
     * sequential stream, which the hardware prefetcher follows much better than several interleaved rows (measured
     * about 2x on rows of 1 to 4 KiB; FP4 at 4096 columns 9.7 vs 6.5 GB/s per Zen 5 core), and the input stays in the L1
     * cache. Wider inputs go two rows at a time, sharing each input load: at 7168 columns FP4 then streams 6.0 against
     * 5.4 GB/s, FP8 20 against 9 ({@code MatvecCpuTime}). BF16 goes one row at a time at every width.
     */
    static final int ONE_ROW_MAX_COLS = 4096;
    /** Batch rows sharing one decoded tile: up to this many rows read each weight byte once per call. */
    static final int BATCH_BLOCK = 64;

    /**
     * Batched product over rows {@code [r0, r1)} for {@code n > 1}, weights decoded once per step.
     *
     * <p>Loop order: for each block of {@link #BATCH_BLOCK} batch rows, for each block of {@link #TILE_ROWS} weight
     * rows, for each chunk of {@link #TILE_COLS} columns, the encoding's {@link #decodeTile} turns the weights of the
     * chunk into exact fp32 values (block scale folded in, a power of two, so the decoded values are the dequantised
     * weights exactly) in a small L1-resident tile; then a register micro-kernel multiplies the tile into every batch
     * row, four weight rows by four (then two, one) batch rows at a time (4 weight loads and 4 input loads feed 16
     * FMAs), so the decode cost is paid once per weight and the loads stay below the FMA rate. Each (weight row, batch
     * row) pair keeps two vectors of fp32 lane sums across the chunks, one for the column vectors of even index and one
     * for those of odd index (two passes of the micro-kernel over the tile), added and reduced once at the end.
     *
     * <p>Numerics: an fp32 dot product of the exact weights and the inputs; it differs from the scalar oracle only in
     * summation order (the reference's per-block partial times a power-of-two scale equals the sum of the scaled
     * products up to that order). The batch-1 kernels use the same order (per lane two chains, even and odd vector
     * indices, columns in tile order; the chains added; lanes summed by {@link #sumLanes}; then the scalar tail
     * columns' sum), so a batched product equals the per-sequence products bit for bit: a sequence's results do not
     * depend on what it was batched with. (Two chains let the batch-1 kernels go one row at a time without waiting on
     * the FMA latency; see {@link #ONE_ROW_MAX_COLS}.)
     */
    final void kernelBatchDecoded(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final Scratch scratch = Scratch.get();
        final float[] xb;
        final int base;
        final int stride;
        if (deinterleavesInput()) {
            xb = scratch.input(n * cols);
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
        final float[] tile = scratch.tile(TILE_ROWS * TILE_COLS);
        final float[] acc = scratch.acc(2 * TILE_ROWS * BATCH_BLOCK * L);
        final float[] tails = scratch.tails(TILE_ROWS * BATCH_BLOCK);
        final int cols = this.cols;
        for (int b0 = 0; b0 < n; b0 += BATCH_BLOCK) {
            final int nb = Math.min(BATCH_BLOCK, n - b0);
            final int xBlock = base + b0 * stride;
            for (int rb = r0; rb < r1; rb += TILE_ROWS) {
                final int nr = Math.min(TILE_ROWS, r1 - rb);
                java.util.Arrays.fill(acc, 0, 2 * TILE_ROWS * nb * L, 0f);
                java.util.Arrays.fill(tails, 0, TILE_ROWS * nb, -0f); // -0 + t == t, also for t = -0
                for (int c0 = 0; c0 < cols; c0 += TILE_COLS) {
                    final int width = Math.min(TILE_COLS, cols - c0);
                    decodeTile(rb, nr, c0, width, tile);
                    if (nr < TILE_ROWS) {
                        for (int i = nr; i < TILE_ROWS; i++) {
                            java.util.Arrays.fill(tile, i * TILE_COLS, i * TILE_COLS + width, 0f);
                        }
                    }
                    final int vend = width / L * L;
                    final int xc = xBlock + c0;
                    for (int parity = 0; parity < 2; parity++) {
                        // even vector indices into the first plane of lane sums, odd ones into the second
                        final int start = parity * L;
                        final int plane = parity * TILE_ROWS * nb * L;
                        int b = 0;
                        for (; b + 4 <= nb; b += 4) {
                            TileMicroKernels.micro4x4(
                                    tile, start, vend, xb, xc + b * stride, stride, acc, plane, b, nb);
                        }
                        for (; b + 2 <= nb; b += 2) {
                            TileMicroKernels.micro4x2(
                                    tile, start, vend, xb, xc + b * stride, stride, acc, plane, b, nb);
                        }
                        for (; b < nb; b++) {
                            TileMicroKernels.micro4x1(tile, start, vend, xb, xc + b * stride, acc, plane, b, nb);
                        }
                    }
                    for (int i = 0; i < nr; i++) {
                        for (int bb = 0; bb < nb; bb++) {
                            float t = 0f;
                            final int xr = xc + bb * stride;
                            for (int c = vend; c < width; c++) {
                                t += tile[i * TILE_COLS + c] * xb[xr + c];
                            }
                            tails[i * nb + bb] += t;
                        }
                    }
                }
                for (int i = 0; i < nr; i++) {
                    for (int bb = 0; bb < nb; bb++) {
                        final int a = (i * nb + bb) * L;
                        final FloatVector lanes = FloatVector.fromArray(F, acc, a)
                                .add(FloatVector.fromArray(F, acc, a + TILE_ROWS * nb * L));
                        out[outOff + (b0 + bb) * outStride + rb + i] = sumLanes(lanes) + tails[i * nb + bb];
                    }
                }
            }
        }
    }

    /**
     * The lanes of {@code v} summed in lane order. Every kernel reduces this way (not with {@code reduceLanes}, whose
     * order differs between the interpreter and C2), so a product's result does not depend on the batch it ran in nor
     * on when the JIT compiled it.
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /**
     * The lanes stored at {@code lanes[0, L)} summed in lane order, as {@link #sumLanes}. The large two-row kernels
     * store their accumulators with {@code intoArray} into an array of their caller's and call this instead: their
     * size leaves the JIT no inlining budget, and a vector passed to a call that is not inlined is boxed. (Not for
     * {@link #sumLanes} itself: an array allocated per row there halved batch-1 decode speed.)
     */
    static float sumInLaneOrder(float[] lanes) {
        float s = lanes[0];
        for (int i = 1; i < lanes.length; i++) {
            s += lanes[i];
        }
        return s;
    }

    /**
     * Writes the exact fp32 values of weight rows {@code [r, r + nr)}, columns {@code [c0, c0 + width)} into
     * {@code tile[i·TILE_COLS + (c − c0)]} (for FP4 in the de-interleaved column order of {@link #deinterleave}).
     * {@code c0} is a multiple of {@link #TILE_COLS}; {@code nr ≤ TILE_ROWS}.
     */
    abstract void decodeTile(int r, int nr, int c0, int width, float[] tile);

    /** Whether the batched kernel reads the input de-interleaved per 32-block (FP4). */
    boolean deinterleavesInput() {
        return false;
    }

    /** Copies one input row into {@code dst} in the layout {@link #decodeTile} writes (FP4 only). */
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
}
