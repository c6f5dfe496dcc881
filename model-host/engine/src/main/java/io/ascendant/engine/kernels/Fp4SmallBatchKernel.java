package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Fp4Decode.LUT;
import static io.ascendant.engine.kernels.Fp4Decode.codes;
import static io.ascendant.engine.kernels.Fp4Decode.even;
import static io.ascendant.engine.kernels.Fp4Decode.odd;
import static io.ascendant.engine.kernels.Fp4Decode.table;
import static io.ascendant.engine.kernels.MappedMatrix.sumInLaneOrder;
import static io.ascendant.engine.kernels.MappedMatrix.sumLanes;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link Fp4Matrix}'s products of 2 to {@link Fp4Matrix#DIRECT_MAX_BATCH} inputs in registers (16-lane vectors): the
 * inputs de-interleaved per 32-block, each row's 32-blocks decoded once through the scaled table and multiplied into up
 * to four inputs at a time, two rows at a time. Every input's result is exactly its batch-1 result.
 *
 * <p>Threading: stateless apart from the matrix; called by the matrix's worker threads on disjoint row ranges.
 */
final class Fp4SmallBatchKernel {
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;

    private final Fp4Matrix matrix;
    private final MemorySegment packed;
    private final int cols;
    private final int rowBytes;
    private final int scaleCols;

    Fp4SmallBatchKernel(Fp4Matrix matrix, MemorySegment packed, int rowBytes, int scaleCols) {
        this.matrix = matrix;
        this.packed = packed;
        this.cols = matrix.cols();
        this.rowBytes = rowBytes;
        this.scaleCols = scaleCols;
    }

    /**
     * Small batches (16-lane vectors): row by row, each 32-block decoded once in registers and multiplied into up to
     * four inputs at a time (two chains per input, as in {@link Fp4Matrix}'s batch-1 kernel), so the result for each input is
     * exactly its batch-1 result. Cheaper than the decoded tile while the batch is small (the MoE experts at batch 8
     * see about three sequences each): no tile stores and reloads, and the weights stay one sequential stream.
     */
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int cols = this.cols;
        final float[] xd = Scratch.get().input(n * cols);
        for (int b = 0; b < n; b++) {
            matrix.deinterleave(x, xOff + b * xStride, xd, b * cols);
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
            IntVector t = table(lut, matrix.scaleAt(s0 + kb));
            final FloatVector we0 = even(iv, t);
            final FloatVector wo0 = odd(iv, t);
            iv = codes(w, o1 + bo);
            t = table(lut, matrix.scaleAt(s1 + kb));
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
            IntVector t = table(lut, matrix.scaleAt(s0 + kb));
            final FloatVector we0 = even(iv, t);
            final FloatVector wo0 = odd(iv, t);
            iv = codes(w, o1 + bo);
            t = table(lut, matrix.scaleAt(s1 + kb));
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
            final IntVector t = table(lut, matrix.scaleAt(so + kb));
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
            final IntVector t = table(lut, matrix.scaleAt(so + kb));
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
}
