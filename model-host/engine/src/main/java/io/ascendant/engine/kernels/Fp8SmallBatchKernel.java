package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Fp8Decode.rawCodes;
import static io.ascendant.engine.kernels.MappedMatrix.sumInLaneOrder;
import static io.ascendant.engine.kernels.MappedMatrix.sumLanes;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * {@link Fp8Matrix}'s products of 2 to {@link Fp8Matrix#DIRECT_MAX_BATCH} inputs in registers: per 128-row group the
 * inputs prescaled by the block scales (as the batch-1 kernel does), each row's codes then decoded once and multiplied
 * into up to four inputs at a time, two rows at a time. Every input's result is exactly its batch-1 result.
 *
 * <p>Threading: stateless apart from the matrix; called by the matrix's worker threads on disjoint row ranges.
 */
final class Fp8SmallBatchKernel {
    private static final int BLOCK = 128;

    private final Fp8Matrix matrix;
    private final MemorySegment codes;
    private final int cols;

    Fp8SmallBatchKernel(Fp8Matrix matrix, MemorySegment codes) {
        this.matrix = matrix;
        this.codes = codes;
        this.cols = matrix.cols();
    }

    /**
     * Small batches: per group of 128 rows every input is prescaled as in {@link Fp8Matrix}'s batch-1 kernel, then each row's
     * codes are decoded once in registers and multiplied into up to four inputs at a time (two chains per input), so
     * each input's result is exactly its batch-1 result. Cheaper than the decoded tile up to batch 8: no multiply,
     * store and reload per weight. A group whose inputs cannot be prescaled exactly goes through the tile.
     */
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int vend = cols / L * L;
        if (vend == 0) {
            matrix.kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
            return;
        }
        final float[] xs = Scratch.get().input(n * vend);
        final float[] lanes = new float[L]; // the two-row kernels' lane sums, one array per call
        final float[] range = {0f, Float.POSITIVE_INFINITY};
        for (int b = 0; b < n; b++) {
            Fp8Matrix.widenRange(x, xOff + b * xStride, vend, range);
        }
        int r = r0;
        while (r < r1) {
            final int groupEnd = Math.min(r1, (r / BLOCK + 1) * BLOCK);
            boolean exact = true;
            for (int b = 0; b < n && exact; b++) {
                exact = matrix.prescale(x, xOff + b * xStride, vend, r, range[0], range[1], xs, b * vend);
            }
            if (!exact) {
                matrix.kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r, groupEnd);
                r = groupEnd;
                continue;
            }
            // two rows at a time, r and r + half: each input load then feeds two rows' multiply-adds, which halves
            // the input reads (from L2 at these widths), the batched kernel's limit; and the two rows are two
            // sequential weight streams far apart, which the prefetcher follows better than adjacent rows
            final int half = (groupEnd - r) / 2;
            for (int i = 0; i < half; i++) {
                directRows(x, xOff, xStride, n, xs, vend, out, outOff, outStride, r + i, half, lanes);
            }
            if ((groupEnd - r) % 2 == 1) {
                directRows(x, xOff, xStride, n, xs, vend, out, outOff, outStride, groupEnd - 1, 0, lanes);
            }
            r = groupEnd;
        }
    }

    /**
     * Row {@code r} (and row {@code r + gap} when {@code gap > 0}) times the {@code n} prescaled inputs, four at a time,
     * tails added.
     */
    private void directRows(
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] xs,
            int vend,
            float[] out,
            int outOff,
            int outStride,
            int r,
            int gap,
            float[] lanes) {
        for (int b = 0; b < n; b += 4) {
            final int m = Math.min(4, n - b);
            final int o = outOff + b * outStride + r;
            final int x0 = b * vend;
            final int x1 = (b + m - 1) * vend;
            final int x3 = (b + Math.min(3, m - 1)) * vend;
            if (gap > 0 && m <= 2) {
                twoRowsTwoInputs(xs, x0, x1, vend, r, gap, out, o, outStride, m, lanes);
            } else if (gap > 0) {
                twoRowsFourInputs(xs, x0, x0 + vend, x0 + 2 * vend, x3, vend, r, gap, out, o, outStride, m, lanes);
            } else if (m <= 2) {
                twoInputs(xs, x0, x1, vend, r, out, o, outStride, m);
            } else {
                fourInputs(xs, x0, x0 + vend, x0 + 2 * vend, x3, vend, r, out, o, outStride, m);
            }
            for (int k = 0; k < m; k++) {
                out[o + k * outStride] += matrix.tail(r, vend, x, xOff + (b + k) * xStride);
                if (gap > 0) {
                    out[o + gap + k * outStride] += matrix.tail(r + gap, vend, x, xOff + (b + k) * xStride);
                }
            }
        }
    }

    /**
     * One row times two prescaled inputs (two chains each); writes the first {@code m} lane sums, {@code outStride}
     * apart (the caller adds the tails).
     */
    private void twoInputs(float[] xs, int x0, int x1, int vend, int r, float[] out, int o, int outStride, int m) {
        final MemorySegment w = codes;
        final long w0 = (long) r * cols;
        final int pend = vend / (2 * L) * (2 * L);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        for (int c = 0; c < pend; c += 2 * L) {
            final FloatVector u = rawCodes(w, w0 + c);
            final FloatVector v = rawCodes(w, w0 + c + L);
            a0 = u.fma(FloatVector.fromArray(F, xs, x0 + c), a0);
            b0 = v.fma(FloatVector.fromArray(F, xs, x0 + c + L), b0);
            a1 = u.fma(FloatVector.fromArray(F, xs, x1 + c), a1);
            b1 = v.fma(FloatVector.fromArray(F, xs, x1 + c + L), b1);
        }
        if (pend < vend) {
            final FloatVector u = rawCodes(w, w0 + pend);
            a0 = u.fma(FloatVector.fromArray(F, xs, x0 + pend), a0);
            a1 = u.fma(FloatVector.fromArray(F, xs, x1 + pend), a1);
        }
        out[o] = sumLanes(a0.add(b0));
        if (m > 1) {
            out[o + outStride] = sumLanes(a1.add(b1));
        }
    }

    /**
     * Rows {@code r} and {@code r + gap} times two prescaled inputs, each row's chains exactly those of {@link
     * #twoInputs}; writes row {@code r}'s first {@code m} lane sums at {@code o}, {@code outStride} apart, and row
     * {@code r + gap}'s at {@code o + gap}.
     */
    private void twoRowsTwoInputs(
            float[] xs,
            int x0,
            int x1,
            int vend,
            int r,
            int gap,
            float[] out,
            int o,
            int outStride,
            int m,
            float[] lanes) {
        final MemorySegment w = codes;
        final long w0 = (long) r * cols;
        final long w1 = w0 + (long) gap * cols;
        final int pend = vend / (2 * L) * (2 * L);
        FloatVector a00 = FloatVector.zero(F);
        FloatVector b00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector b01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector b10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector b11 = FloatVector.zero(F);
        for (int c = 0; c < pend; c += 2 * L) {
            final FloatVector u0 = rawCodes(w, w0 + c);
            final FloatVector v0 = rawCodes(w, w0 + c + L);
            final FloatVector u1 = rawCodes(w, w1 + c);
            final FloatVector v1 = rawCodes(w, w1 + c + L);
            FloatVector xe = FloatVector.fromArray(F, xs, x0 + c);
            FloatVector xo = FloatVector.fromArray(F, xs, x0 + c + L);
            a00 = u0.fma(xe, a00);
            b00 = v0.fma(xo, b00);
            a10 = u1.fma(xe, a10);
            b10 = v1.fma(xo, b10);
            xe = FloatVector.fromArray(F, xs, x1 + c);
            xo = FloatVector.fromArray(F, xs, x1 + c + L);
            a01 = u0.fma(xe, a01);
            b01 = v0.fma(xo, b01);
            a11 = u1.fma(xe, a11);
            b11 = v1.fma(xo, b11);
        }
        if (pend < vend) {
            final FloatVector u0 = rawCodes(w, w0 + pend);
            final FloatVector u1 = rawCodes(w, w1 + pend);
            final FloatVector xe0 = FloatVector.fromArray(F, xs, x0 + pend);
            final FloatVector xe1 = FloatVector.fromArray(F, xs, x1 + pend);
            a00 = u0.fma(xe0, a00);
            a10 = u1.fma(xe0, a10);
            a01 = u0.fma(xe1, a01);
            a11 = u1.fma(xe1, a11);
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
     * Rows {@code r} and {@code r + gap} times four prescaled inputs, each row's chains exactly those of {@link
     * #fourInputs}; writes row {@code r}'s first {@code m} lane sums at {@code o}, {@code outStride} apart, and row
     * {@code r + gap}'s at {@code o + gap}.
     */
    private void twoRowsFourInputs(
            float[] xs,
            int x0,
            int x1,
            int x2,
            int x3,
            int vend,
            int r,
            int gap,
            float[] out,
            int o,
            int outStride,
            int m,
            float[] lanes) {
        final MemorySegment w = codes;
        final long w0 = (long) r * cols;
        final long w1 = w0 + (long) gap * cols;
        final int pend = vend / (2 * L) * (2 * L);
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
        for (int c = 0; c < pend; c += 2 * L) {
            final FloatVector u0 = rawCodes(w, w0 + c);
            final FloatVector v0 = rawCodes(w, w0 + c + L);
            final FloatVector u1 = rawCodes(w, w1 + c);
            final FloatVector v1 = rawCodes(w, w1 + c + L);
            FloatVector xe = FloatVector.fromArray(F, xs, x0 + c);
            FloatVector xo = FloatVector.fromArray(F, xs, x0 + c + L);
            a00 = u0.fma(xe, a00);
            b00 = v0.fma(xo, b00);
            a10 = u1.fma(xe, a10);
            b10 = v1.fma(xo, b10);
            xe = FloatVector.fromArray(F, xs, x1 + c);
            xo = FloatVector.fromArray(F, xs, x1 + c + L);
            a01 = u0.fma(xe, a01);
            b01 = v0.fma(xo, b01);
            a11 = u1.fma(xe, a11);
            b11 = v1.fma(xo, b11);
            xe = FloatVector.fromArray(F, xs, x2 + c);
            xo = FloatVector.fromArray(F, xs, x2 + c + L);
            a02 = u0.fma(xe, a02);
            b02 = v0.fma(xo, b02);
            a12 = u1.fma(xe, a12);
            b12 = v1.fma(xo, b12);
            xe = FloatVector.fromArray(F, xs, x3 + c);
            xo = FloatVector.fromArray(F, xs, x3 + c + L);
            a03 = u0.fma(xe, a03);
            b03 = v0.fma(xo, b03);
            a13 = u1.fma(xe, a13);
            b13 = v1.fma(xo, b13);
        }
        if (pend < vend) {
            final FloatVector u0 = rawCodes(w, w0 + pend);
            final FloatVector u1 = rawCodes(w, w1 + pend);
            FloatVector xe = FloatVector.fromArray(F, xs, x0 + pend);
            a00 = u0.fma(xe, a00);
            a10 = u1.fma(xe, a10);
            xe = FloatVector.fromArray(F, xs, x1 + pend);
            a01 = u0.fma(xe, a01);
            a11 = u1.fma(xe, a11);
            xe = FloatVector.fromArray(F, xs, x2 + pend);
            a02 = u0.fma(xe, a02);
            a12 = u1.fma(xe, a12);
            xe = FloatVector.fromArray(F, xs, x3 + pend);
            a03 = u0.fma(xe, a03);
            a13 = u1.fma(xe, a13);
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

    /** One row times four prescaled inputs; writes the first {@code m} lane sums (the caller adds the tails). */
    private void fourInputs(
            float[] xs, int x0, int x1, int x2, int x3, int vend, int r, float[] out, int o, int outStride, int m) {
        final MemorySegment w = codes;
        final long w0 = (long) r * cols;
        final int pend = vend / (2 * L) * (2 * L);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector b3 = FloatVector.zero(F);
        for (int c = 0; c < pend; c += 2 * L) {
            final FloatVector u = rawCodes(w, w0 + c);
            final FloatVector v = rawCodes(w, w0 + c + L);
            a0 = u.fma(FloatVector.fromArray(F, xs, x0 + c), a0);
            b0 = v.fma(FloatVector.fromArray(F, xs, x0 + c + L), b0);
            a1 = u.fma(FloatVector.fromArray(F, xs, x1 + c), a1);
            b1 = v.fma(FloatVector.fromArray(F, xs, x1 + c + L), b1);
            a2 = u.fma(FloatVector.fromArray(F, xs, x2 + c), a2);
            b2 = v.fma(FloatVector.fromArray(F, xs, x2 + c + L), b2);
            a3 = u.fma(FloatVector.fromArray(F, xs, x3 + c), a3);
            b3 = v.fma(FloatVector.fromArray(F, xs, x3 + c + L), b3);
        }
        if (pend < vend) {
            final FloatVector u = rawCodes(w, w0 + pend);
            a0 = u.fma(FloatVector.fromArray(F, xs, x0 + pend), a0);
            a1 = u.fma(FloatVector.fromArray(F, xs, x1 + pend), a1);
            a2 = u.fma(FloatVector.fromArray(F, xs, x2 + pend), a2);
            a3 = u.fma(FloatVector.fromArray(F, xs, x3 + pend), a3);
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
