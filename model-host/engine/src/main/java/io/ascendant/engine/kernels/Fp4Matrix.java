package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Fp4Decode.LUT;
import static io.ascendant.engine.kernels.Fp4Decode.codes;
import static io.ascendant.engine.kernels.Fp4Decode.even;
import static io.ascendant.engine.kernels.Fp4Decode.odd;
import static io.ascendant.engine.kernels.Fp4Decode.table;
import static io.ascendant.engine.kernels.Vec.BL;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp4E2m1;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * An FP4 e2m1 weight {@code [rows, cols]} stored as bytes {@code [rows, cols/2]} (two codes per byte, low nibble =
 * column 2k, high nibble = column 2k+1) with E8M0 scales {@code [rows, cols/32]}: {@code W[r, c] = e2m1(code) ·
 * 2^(scale[r, c/32] − 127)}. The V4 routed experts.
 *
 * <p>Numerics follow {@code fp4_gemm}: per 32-column block an fp32 partial sum, times the block scale, accumulated in
 * fp32; the caller passes {@code act_quant}-ed inputs ({@link io.ascendant.engine.numerics.ActQuant#fp8QuantDequant},
 * block 128) as for FP8.
 *
 * <p>Vector kernels: the input is split per 32-block into its even and odd columns once per call, so the low nibbles
 * of {@code L} consecutive bytes meet {@code L} consecutive even inputs and the high nibbles the odd ones, with no
 * shuffles. A nibble becomes float bits arithmetically: sign to bit 31, the three magnitude
 * bits to bits 24..22, which read as a float are the e2m1 value times 2^-126 (code 1, 0.5, lands on a float
 * subnormal, exactly). With 16-lane vectors (AVX-512) the nibble instead indexes a vector holding the 16 values (one
 * permute, {@code selectFrom}), which costs half the operations; at batch 1 that table is multiplied by the block
 * scale once per 32-block (exact: a power of two), so the lookup yields the exact weights with no multiplication per
 * weight. Batch 1 multiplies them in registers (one row at a time, or two for inputs wider than
 * {@link MappedMatrix#ONE_ROW_MAX_COLS}); batched products decode a tile of exact weights once per step
 * ({@link #decodeTile}); both sum in the same order, so their results are identical.
 */
public final class Fp4Matrix extends MappedMatrix {
    private static final int BLOCK = 32;
    /** Largest batch the register kernel {@link #kernelDirect} takes (beyond it, the decoded tile). */
    static final int DIRECT_MAX_BATCH = 8;

    private static final int HALF = BLOCK / 2;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MemorySegment packed;
    private final MemorySegment scales;
    private final int rowBytes;
    private final int scaleCols;

    /**
     * @param packed {@code rows · cols/2} bytes, row-major
     * @param scales {@code rows · cols/32} E8M0 bytes, row-major
     */
    public Fp4Matrix(
            String name, int rows, int cols, MemorySegment packed, MemorySegment scales, EngineThreads threads) {
        super(name, rows, cols, threads);
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException(name + ": FP4 columns must be a multiple of 32, got " + cols);
        }
        this.rowBytes = cols / 2;
        this.scaleCols = cols / BLOCK;
        long need = (long) rows * rowBytes;
        long needScales = (long) rows * scaleCols;
        if (packed.byteSize() != need || scales.byteSize() != needScales) {
            throw new IllegalArgumentException(name + ": FP4 [" + rows + ", " + cols + "] needs " + need
                    + " packed bytes and " + needScales + " scale bytes, got " + packed.byteSize() + " and "
                    + scales.byteSize());
        }
        this.packed = packed;
        this.scales = scales;
    }

    @Override
    public long storedBytes() {
        return packed.byteSize() + scales.byteSize();
    }

    private float scale(int r, int kb) {
        return E8m0.decode(scales.get(BYTE, (long) r * scaleCols + kb));
    }

    @Override
    public float dotRowScalar(int row, float[] x, int xOff) {
        long base = (long) row * rowBytes;
        float acc = 0f;
        for (int kb = 0; kb < scaleCols; kb++) {
            float partial = 0f;
            for (int c = kb * BLOCK, end = c + BLOCK; c < end; c++) {
                partial += Fp4E2m1.decodePacked(packed.get(BYTE, base + (c >> 1)), c & 1) * x[xOff + c];
            }
            acc += partial * scale(row, kb);
        }
        return acc;
    }

    @Override
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        if (n == 1) {
            kernelSingle(x, xOff, out, outOff, r0, r1);
        } else if (n <= DIRECT_MAX_BATCH && BL == L && HALF == L) {
            kernelDirect(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        } else {
            kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        }
    }

    /**
     * Batch 1 with 16-lane vectors on the input de-interleaved per 32-block, one row at a time (the weights one
     * sequential stream) in two chains, the even columns' vectors and the odd columns' vectors: per row the order of
     * {@link MappedMatrix#kernelBatchDecoded} on the decoded tile (whose vectors alternate even and odd columns).
     */
    private void kernelSingle(float[] x, int xOff, float[] out, int outOff, int r0, int r1) {
        if (BL != L || HALF != L) {
            // not 16 lanes: the tile kernel (same order, one decode per weight, slower at batch 1)
            kernelBatchDecoded(x, xOff, cols, 1, out, outOff, rows, r0, r1);
            return;
        }
        final int cols = this.cols;
        final float[] xd = Scratch.get().input(cols);
        deinterleave(x, xOff, xd, 0);
        final MemorySegment w = packed;
        final FloatVector lut = LUT.reinterpretAsFloats();
        int r = r0;
        if (cols > ONE_ROW_MAX_COLS) {
            r = twoRows(xd, lut, out, outOff, r0, r1);
        }
        for (; r < r1; r++) {
            final long o0 = (long) r * rowBytes;
            final long so = (long) r * scaleCols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
                final IntVector iv = codes(w, o0 + (xb >> 1));
                final IntVector t = table(lut, scaleAt(so + kb));
                a0 = even(iv, t).fma(FloatVector.fromArray(F, xd, xb), a0);
                b0 = odd(iv, t).fma(FloatVector.fromArray(F, xd, xb + HALF), b0);
            }
            out[outOff + r] = sumLanes(a0.add(b0));
        }
    }

    /**
     * Batch 1 for wide inputs: two rows at a time sharing each input load, two chains each (even columns' vectors, odd
     * columns' vectors); returns the first row not done (at most one left).
     */
    private int twoRows(float[] xd, FloatVector lut, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final MemorySegment w = packed;
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            final long o0 = (long) r * rowBytes;
            final long o1 = o0 + rowBytes;
            final long so = (long) r * scaleCols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector b1 = FloatVector.zero(F);
            for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
                final long bo = xb >> 1;
                final FloatVector xe = FloatVector.fromArray(F, xd, xb);
                final FloatVector xo = FloatVector.fromArray(F, xd, xb + HALF);
                IntVector iv = codes(w, o0 + bo);
                IntVector t = table(lut, scaleAt(so + kb));
                a0 = even(iv, t).fma(xe, a0);
                b0 = odd(iv, t).fma(xo, b0);
                iv = codes(w, o1 + bo);
                t = table(lut, scaleAt(so + scaleCols + kb));
                a1 = even(iv, t).fma(xe, a1);
                b1 = odd(iv, t).fma(xo, b1);
            }
            out[outOff + r] = sumLanes(a0.add(b0));
            out[outOff + r + 1] = sumLanes(a1.add(b1));
        }
        return r;
    }

    /**
     * Small batches (16-lane vectors): row by row, each 32-block decoded once in registers and multiplied into up to
     * four inputs at a time (two chains per input, as in {@link #kernelSingle}), so the result for each input is
     * exactly its batch-1 result. Cheaper than the decoded tile while the batch is small (the MoE experts at batch 8
     * see about three sequences each): no tile stores and reloads, and the weights stay one sequential stream.
     */
    private void kernelDirect(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int cols = this.cols;
        final float[] xd = Scratch.get().input(n * cols);
        for (int b = 0; b < n; b++) {
            deinterleave(x, xOff + b * xStride, xd, b * cols);
        }
        final FloatVector lut = LUT.reinterpretAsFloats();
        final float[] lanes = new float[L]; // the two-row kernels' lane sums, one array per call
        // two rows at a time, r and r + half: each input load then feeds two rows' multiply-adds, which halves the
        // input reads (from L2 at these widths), the batched kernel's limit; and the two rows are two sequential weight
        // streams far apart, which the prefetcher follows (adjacent rows of 1-2 KiB share their 4 KiB pages and
        // streamed at half the speed)
        final int half = (r1 - r0) / 2;
        for (int i = 0; i < half; i++) {
            final int r = r0 + i;
            for (int b = 0; b < n; b += 4) {
                final int m = Math.min(4, n - b);
                final int x0 = b * cols;
                final int o = outOff + b * outStride + r;
                if (m <= 2) {
                    twoRowsTwoInputs(xd, x0, (b + m - 1) * cols, r, half, out, o, outStride, m, lanes);
                } else {
                    final int x3 = (b + Math.min(3, m - 1)) * cols;
                    twoRowsFourInputs(xd, x0, x0 + cols, x0 + 2 * cols, x3, r, half, out, o, outStride, m, lanes);
                }
            }
        }
        int r = r0 + 2 * half;
        for (; r < r1; r++) {
            for (int b = 0; b < n; b += 4) {
                final int m = Math.min(4, n - b);
                final int x0 = b * cols;
                if (m <= 2) {
                    // one or two inputs left (one: the second repeats it, computed and not written)
                    twoInputs(xd, x0, (b + m - 1) * cols, lut, r, out, outOff + b * outStride + r, outStride, m);
                } else {
                    // three: the fourth repeats the third
                    final int x3 = (b + Math.min(3, m - 1)) * cols;
                    fourInputs(
                            xd,
                            x0,
                            x0 + cols,
                            x0 + 2 * cols,
                            x3,
                            lut,
                            r,
                            out,
                            outOff + b * outStride + r,
                            outStride,
                            m);
                }
            }
        }
    }

    /**
     * Rows {@code r} and {@code r + gap} times two de-interleaved inputs, each row's chains exactly those of {@link
     * #twoInputs}; writes row {@code r}'s first {@code m} results at {@code o}, {@code outStride} apart, and row
     * {@code r + gap}'s at {@code o + gap}.
     */
    private void twoRowsTwoInputs(
            float[] xd, int x0, int x1, int r, int gap, float[] out, int o, int outStride, int m, float[] lanes) {
        final int cols = this.cols;
        final MemorySegment w = packed;
        final FloatVector lut = LUT.reinterpretAsFloats();
        final long o0 = (long) r * rowBytes;
        final long o1 = o0 + (long) gap * rowBytes;
        final long s0 = (long) r * scaleCols;
        final long s1 = s0 + (long) gap * scaleCols;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector b01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector b10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector b11 = FloatVector.zero(F);
        for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
            final long bo = xb >> 1;
            IntVector iv = codes(w, o0 + bo);
            IntVector t = table(lut, scaleAt(s0 + kb));
            final FloatVector we0 = even(iv, t);
            final FloatVector wo0 = odd(iv, t);
            iv = codes(w, o1 + bo);
            t = table(lut, scaleAt(s1 + kb));
            final FloatVector we1 = even(iv, t);
            final FloatVector wo1 = odd(iv, t);
            FloatVector xe = FloatVector.fromArray(F, xd, x0 + xb);
            FloatVector xo = FloatVector.fromArray(F, xd, x0 + xb + HALF);
            a00 = we0.fma(xe, a00);
            b00 = wo0.fma(xo, b00);
            a10 = we1.fma(xe, a10);
            b10 = wo1.fma(xo, b10);
            xe = FloatVector.fromArray(F, xd, x1 + xb);
            xo = FloatVector.fromArray(F, xd, x1 + xb + HALF);
            a01 = we0.fma(xe, a01);
            b01 = wo0.fma(xo, b01);
            a11 = we1.fma(xe, a11);
            b11 = wo1.fma(xo, b11);
        }
        a00.add(b00).intoArray(lanes, 0);
        out[o] = sumInLaneOrder(lanes);
        a10.add(b10).intoArray(lanes, 0);
        out[o + gap] = sumInLaneOrder(lanes);
        if (m > 1) {
            a01.add(b01).intoArray(lanes, 0);
            out[o + outStride] = sumInLaneOrder(lanes);
            a11.add(b11).intoArray(lanes, 0);
            out[o + gap + outStride] = sumInLaneOrder(lanes);
        }
    }

    /**
     * Rows {@code r} and {@code r + gap} times four de-interleaved inputs, each row's chains exactly those of {@link
     * #fourInputs}; writes row {@code r}'s first {@code m} results at {@code o}, {@code outStride} apart, and row
     * {@code r + gap}'s at {@code o + gap}.
     */
    private void twoRowsFourInputs(
            float[] xd,
            int x0,
            int x1,
            int x2,
            int x3,
            int r,
            int gap,
            float[] out,
            int o,
            int outStride,
            int m,
            float[] lanes) {
        final int cols = this.cols;
        final MemorySegment w = packed;
        final FloatVector lut = LUT.reinterpretAsFloats();
        final long o0 = (long) r * rowBytes;
        final long o1 = o0 + (long) gap * rowBytes;
        final long s0 = (long) r * scaleCols;
        final long s1 = s0 + (long) gap * scaleCols;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector b01 = FloatVector.zero(F);
        FloatVector a02 = FloatVector.zero(F);
        FloatVector b02 = FloatVector.zero(F);
        FloatVector a03 = FloatVector.zero(F);
        FloatVector b03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector b10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector b11 = FloatVector.zero(F);
        FloatVector a12 = FloatVector.zero(F);
        FloatVector b12 = FloatVector.zero(F);
        FloatVector a13 = FloatVector.zero(F);
        FloatVector b13 = FloatVector.zero(F);
        for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
            final long bo = xb >> 1;
            IntVector iv = codes(w, o0 + bo);
            IntVector t = table(lut, scaleAt(s0 + kb));
            final FloatVector we0 = even(iv, t);
            final FloatVector wo0 = odd(iv, t);
            iv = codes(w, o1 + bo);
            t = table(lut, scaleAt(s1 + kb));
            final FloatVector we1 = even(iv, t);
            final FloatVector wo1 = odd(iv, t);
            FloatVector xe = FloatVector.fromArray(F, xd, x0 + xb);
            FloatVector xo = FloatVector.fromArray(F, xd, x0 + xb + HALF);
            a00 = we0.fma(xe, a00);
            b00 = wo0.fma(xo, b00);
            a10 = we1.fma(xe, a10);
            b10 = wo1.fma(xo, b10);
            xe = FloatVector.fromArray(F, xd, x1 + xb);
            xo = FloatVector.fromArray(F, xd, x1 + xb + HALF);
            a01 = we0.fma(xe, a01);
            b01 = wo0.fma(xo, b01);
            a11 = we1.fma(xe, a11);
            b11 = wo1.fma(xo, b11);
            xe = FloatVector.fromArray(F, xd, x2 + xb);
            xo = FloatVector.fromArray(F, xd, x2 + xb + HALF);
            a02 = we0.fma(xe, a02);
            b02 = wo0.fma(xo, b02);
            a12 = we1.fma(xe, a12);
            b12 = wo1.fma(xo, b12);
            xe = FloatVector.fromArray(F, xd, x3 + xb);
            xo = FloatVector.fromArray(F, xd, x3 + xb + HALF);
            a03 = we0.fma(xe, a03);
            b03 = wo0.fma(xo, b03);
            a13 = we1.fma(xe, a13);
            b13 = wo1.fma(xo, b13);
        }
        a00.add(b00).intoArray(lanes, 0);
        out[o] = sumInLaneOrder(lanes);
        a10.add(b10).intoArray(lanes, 0);
        out[o + gap] = sumInLaneOrder(lanes);
        if (m > 1) {
            a01.add(b01).intoArray(lanes, 0);
            out[o + outStride] = sumInLaneOrder(lanes);
            a11.add(b11).intoArray(lanes, 0);
            out[o + gap + outStride] = sumInLaneOrder(lanes);
        }
        if (m > 2) {
            a02.add(b02).intoArray(lanes, 0);
            out[o + 2 * outStride] = sumInLaneOrder(lanes);
            a12.add(b12).intoArray(lanes, 0);
            out[o + gap + 2 * outStride] = sumInLaneOrder(lanes);
        }
        if (m > 3) {
            a03.add(b03).intoArray(lanes, 0);
            out[o + 3 * outStride] = sumInLaneOrder(lanes);
            a13.add(b13).intoArray(lanes, 0);
            out[o + gap + 3 * outStride] = sumInLaneOrder(lanes);
        }
    }

    /** One row times two de-interleaved inputs; writes the first {@code m} results, {@code outStride} apart. */
    private void twoInputs(
            float[] xd, int x0, int x1, FloatVector lut, int r, float[] out, int o, int outStride, int m) {
        final int cols = this.cols;
        final MemorySegment w = packed;
        final long o0 = (long) r * rowBytes;
        final long so = (long) r * scaleCols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
            final IntVector iv = codes(w, o0 + (xb >> 1));
            final IntVector t = table(lut, scaleAt(so + kb));
            final FloatVector we = even(iv, t);
            final FloatVector wo = odd(iv, t);
            a0 = we.fma(FloatVector.fromArray(F, xd, x0 + xb), a0);
            b0 = wo.fma(FloatVector.fromArray(F, xd, x0 + xb + HALF), b0);
            a1 = we.fma(FloatVector.fromArray(F, xd, x1 + xb), a1);
            b1 = wo.fma(FloatVector.fromArray(F, xd, x1 + xb + HALF), b1);
        }
        out[o] = sumLanes(a0.add(b0));
        if (m > 1) {
            out[o + outStride] = sumLanes(a1.add(b1));
        }
    }

    /** One row times four de-interleaved inputs; writes the first {@code m} results, {@code outStride} apart. */
    private void fourInputs(
            float[] xd,
            int x0,
            int x1,
            int x2,
            int x3,
            FloatVector lut,
            int r,
            float[] out,
            int o,
            int outStride,
            int m) {
        final int cols = this.cols;
        final MemorySegment w = packed;
        final long o0 = (long) r * rowBytes;
        final long so = (long) r * scaleCols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector b3 = FloatVector.zero(F);
        for (int kb = 0, xb = 0; xb < cols; kb++, xb += BLOCK) {
            final IntVector iv = codes(w, o0 + (xb >> 1));
            final IntVector t = table(lut, scaleAt(so + kb));
            final FloatVector we = even(iv, t);
            final FloatVector wo = odd(iv, t);
            a0 = we.fma(FloatVector.fromArray(F, xd, x0 + xb), a0);
            b0 = wo.fma(FloatVector.fromArray(F, xd, x0 + xb + HALF), b0);
            a1 = we.fma(FloatVector.fromArray(F, xd, x1 + xb), a1);
            b1 = wo.fma(FloatVector.fromArray(F, xd, x1 + xb + HALF), b1);
            a2 = we.fma(FloatVector.fromArray(F, xd, x2 + xb), a2);
            b2 = wo.fma(FloatVector.fromArray(F, xd, x2 + xb + HALF), b2);
            a3 = we.fma(FloatVector.fromArray(F, xd, x3 + xb), a3);
            b3 = wo.fma(FloatVector.fromArray(F, xd, x3 + xb + HALF), b3);
        }
        out[o] = sumLanes(a0.add(b0));
        if (m > 1) {
            out[o + outStride] = sumLanes(a1.add(b1));
        }
        if (m > 2) {
            out[o + 2 * outStride] = sumLanes(a2.add(b2));
        }
        if (m > 3) {
            out[o + 3 * outStride] = sumLanes(a3.add(b3));
        }
    }

    private float scaleAt(long index) {
        return E8m0.decode(scales.get(BYTE, index));
    }

    @Override
    boolean deinterleavesInput() {
        return true;
    }

    /** Per 32-block: the 16 even columns, then the 16 odd columns. */
    @Override
    void deinterleave(float[] x, int xOff, float[] dst, int dstOff) {
        for (int c = 0; c < cols; c += BLOCK) {
            for (int k = 0; k < HALF; k++) {
                dst[dstOff + c + k] = x[xOff + c + 2 * k];
                dst[dstOff + c + HALF + k] = x[xOff + c + 2 * k + 1];
            }
        }
    }

    /**
     * Decodes {@code nr} rows of a column chunk into exact fp32 weights, per 32-block the 16 even columns then the 16
     * odd ones (the order of {@link #deinterleave}): the nibble's raw float (value · 2^-126) times {@code 2^126 ·
     * scale}.
     */
    @Override
    void decodeTile(int r, int nr, int c0, int width, float[] tile) {
        final MemorySegment w = packed;
        for (int i = 0; i < nr; i++) {
            final long rowOff = (long) (r + i) * rowBytes + (c0 >> 1);
            final int t = i * TILE_COLS;
            if (LUT != null && BL == L && HALF == L) {
                // 16 lanes: one vector per half block, from the value table scaled once per block
                final FloatVector lut = LUT.reinterpretAsFloats();
                final long so = (long) (r + i) * scaleCols + c0 / BLOCK;
                for (int xb = 0, kb = 0; xb < width; xb += BLOCK, kb++) {
                    final IntVector iv = codes(w, rowOff + (xb >> 1));
                    final IntVector tb = table(lut, scaleAt(so + kb));
                    even(iv, tb).intoArray(tile, t + xb);
                    odd(iv, tb).intoArray(tile, t + xb + HALF);
                }
                continue;
            }
            for (int xb = 0; xb < width; xb += BLOCK) {
                final long bOff = rowOff + (xb >> 1);
                final float s = scale(r + i, (c0 + xb) / BLOCK);
                int k = 0;
                for (; k + BL <= HALF; k += L) {
                    final IntVector iv = codes(w, bOff + k);
                    even(iv, s).intoArray(tile, t + xb + k);
                    odd(iv, s).intoArray(tile, t + xb + HALF + k);
                }
                for (; k < HALF; k++) {
                    int byt = w.get(BYTE, bOff + k);
                    tile[t + xb + k] = Fp4E2m1.decode(byt & 0xf) * s;
                    tile[t + xb + HALF + k] = Fp4E2m1.decode((byt >>> 4) & 0xf) * s;
                }
            }
        }
    }
}
