package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Fp8Decode.TWO_POW_120;
import static io.ascendant.engine.kernels.Fp8Decode.rawCodes;
import static io.ascendant.engine.kernels.Fp8Decode.weights;
import static io.ascendant.engine.kernels.Vec.BL;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp8E4m3;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An FP8 e4m3 weight {@code [rows, cols]} with E8M0 scales {@code [⌈rows/128⌉, ⌈cols/128⌉]}: {@code W[r, c] =
 * e4m3(code[r, c]) · 2^(scale[r/128, c/128] − 127)}.
 *
 * <p>Numerics follow {@code fp8_gemm}: per 128-column block an fp32 partial sum of weight code times input, then
 * times the block's scale, accumulated in fp32. The input is the caller's: for the reference's FP8 linears that is
 * the output of {@link io.ascendant.engine.numerics.ActQuant#fp8QuantDequant} (exactly {@code q·s_a}, so the products
 * equal the reference's {@code (q·w)·s_a·s_w}); for {@code wo_a}, which {@code convert.py} dequantises to bf16
 * ({@code code·scale}, exact in bf16) and uses in a bf16 einsum, the plain bf16 activations.
 *
 * <p>Vector kernels: the codes are widened to int lanes and turned into float bits {@code (code << 20) & 0x87F00000},
 * which read as a float are the e4m3 value times 2^-120 (subnormal codes included); one multiplication by
 * {@code 2^120 · scale} gives the exact weight. Batch 1 instead folds {@code 2^120 · scale} into a copy of the input
 * once per 128 rows and multiplies the raw code floats by it in registers (one row at a time, see
 * {@link #kernelSingle}); batched products decode each weight once per step into an fp32 tile ({@link #decodeTile},
 * {@link MappedMatrix#kernelBatchDecoded}); both sum in the same order, so their results are identical.
 */
public final class Fp8Matrix extends MappedMatrix {
    private static final int BLOCK = 128;
    /** Largest batch the register kernel {@link #kernelDirect} takes (beyond it, the decoded tile). */
    static final int DIRECT_MAX_BATCH = 8;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MemorySegment codes;
    private final MemorySegment scales;
    private final int scaleCols;

    /**
     * @param codes {@code rows · cols} e4m3 bytes, row-major
     * @param scales {@code ⌈rows/128⌉ · ⌈cols/128⌉} E8M0 bytes, row-major
     */
    public Fp8Matrix(
            String name, int rows, int cols, MemorySegment codes, MemorySegment scales, EngineThreads threads) {
        super(name, rows, cols, threads);
        this.scaleCols = (cols + BLOCK - 1) / BLOCK;
        long need = (long) rows * cols;
        long needScales = (long) ((rows + BLOCK - 1) / BLOCK) * scaleCols;
        if (codes.byteSize() != need || scales.byteSize() != needScales) {
            throw new IllegalArgumentException(name + ": FP8 [" + rows + ", " + cols + "] needs " + need
                    + " code bytes and " + needScales + " scale bytes, got " + codes.byteSize() + " and "
                    + scales.byteSize());
        }
        this.codes = codes;
        this.scales = scales;
    }

    @Override
    public long storedBytes() {
        return codes.byteSize() + scales.byteSize();
    }

    private float scale(int r, int kb) {
        return E8m0.decode(scales.get(BYTE, (long) (r / BLOCK) * scaleCols + kb));
    }

    @Override
    public float dotRowScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols;
        float acc = 0f;
        for (int kb = 0; kb < scaleCols; kb++) {
            int c0 = kb * BLOCK;
            int c1 = Math.min(cols, c0 + BLOCK);
            float partial = 0f;
            for (int c = c0; c < c1; c++) {
                partial += Fp8E4m3.decode(codes.get(BYTE, base + c)) * x[xOff + c];
            }
            acc += partial * scale(row, kb);
        }
        return acc;
    }

    @Override
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        if (n == 1) {
            kernelSingle(x, xOff, out, outOff, r0, r1);
        } else if (n <= DIRECT_MAX_BATCH && BL == L) {
            kernelDirect(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        } else {
            kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        }
    }

    /**
     * Batch 1. Per row the order of {@link MappedMatrix#kernelBatchDecoded}: two chains of lane sums of exact weight
     * times input (vectors of even and of odd index), added, summed in lane order, plus the scalar sum of the tail
     * columns.
     *
     * <p>The block scale is folded into the input instead of the weights: for each group of 128 rows (one scale row)
     * the input is copied once as {@code x[c] · 2^120 · scale[c/128]}, a power-of-two multiple, so the raw code floats
     * (value · 2^-120) times that copy are exactly the products {@code W[r, c] · x[c]}: an FMA on them rounds exactly as
     * an FMA on the dequantised weights does, and the inner loop spends no multiplication per weight. Where the copy
     * could not be exact (a factor that would overflow or push a nonzero input below the normal range, or a non-finite
     * input) the group falls back to {@link #kernelRows}, which multiplies each decoded weight.
     */
    private void kernelSingle(float[] x, int xOff, float[] out, int outOff, int r0, int r1) {
        if (BL != L) {
            kernelBatchDecoded(x, xOff, cols, 1, out, outOff, rows, r0, r1);
            return;
        }
        final int vend = cols / L * L;
        final float[] xs = Scratch.get().input(Math.max(vend, 1));
        final float[] range = {0f, Float.POSITIVE_INFINITY};
        widenRange(x, xOff, vend, range);
        final float maxAbs = range[0];
        final float minAbs = range[1];
        int r = r0;
        while (r < r1) {
            final int groupEnd = Math.min(r1, (r / BLOCK + 1) * BLOCK);
            if (vend > 0 && prescale(x, xOff, vend, r, maxAbs, minAbs, xs)) {
                kernelRowsPrescaled(xs, x, xOff, vend, out, outOff, r, groupEnd);
            } else {
                kernelRows(x, xOff, out, outOff, r, groupEnd);
            }
            r = groupEnd;
        }
    }

    /**
     * Widens {@code range} = {largest magnitude, smallest nonzero magnitude} by the first {@code vend} inputs from
     * {@code xOff} (a NaN or infinity makes the largest NaN or infinity, which {@link #prescale} refuses).
     */
    private static void widenRange(float[] x, int xOff, int vend, float[] range) {
        if (vend == 0) {
            return;
        }
        FloatVector mx = FloatVector.zero(F);
        FloatVector mn = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        for (int c = 0; c < vend; c += L) {
            final FloatVector a = FloatVector.fromArray(F, x, xOff + c).abs();
            mx = mx.max(a);
            mn = mn.min(a.blend(Float.POSITIVE_INFINITY, a.eq(0f)));
        }
        final float max = mx.reduceLanes(VectorOperators.MAX);
        range[0] = Float.isNaN(max) || Float.isNaN(range[0]) ? Float.NaN : Math.max(range[0], max);
        range[1] = Math.min(range[1], mn.reduceLanes(VectorOperators.MIN));
    }

    /**
     * Small batches: per group of 128 rows every input is prescaled as in {@link #kernelSingle}, then each row's
     * codes are decoded once in registers and multiplied into up to four inputs at a time (two chains per input), so
     * each input's result is exactly its batch-1 result. Cheaper than the decoded tile up to batch 8: no multiply,
     * store and reload per weight. A group whose inputs cannot be prescaled exactly goes through the tile.
     */
    private void kernelDirect(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int vend = cols / L * L;
        if (vend == 0) {
            kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
            return;
        }
        final float[] xs = Scratch.get().input(n * vend);
        final float[] lanes = new float[L]; // the two-row kernels' lane sums, one array per call
        final float[] range = {0f, Float.POSITIVE_INFINITY};
        for (int b = 0; b < n; b++) {
            widenRange(x, xOff + b * xStride, vend, range);
        }
        int r = r0;
        while (r < r1) {
            final int groupEnd = Math.min(r1, (r / BLOCK + 1) * BLOCK);
            boolean exact = true;
            for (int b = 0; b < n && exact; b++) {
                exact = prescale(x, xOff + b * xStride, vend, r, range[0], range[1], xs, b * vend);
            }
            if (!exact) {
                kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r, groupEnd);
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
                out[o + k * outStride] += tail(r, vend, x, xOff + (b + k) * xStride);
                if (gap > 0) {
                    out[o + gap + k * outStride] += tail(r + gap, vend, x, xOff + (b + k) * xStride);
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

    /**
     * Writes {@code xs[c] = x[xOff + c] · 2^120 · scale[r/128, c/128]} for {@code c < vend} and returns true, or
     * returns false if some product might not be exact (then {@code xs} is unspecified).
     */
    private boolean prescale(float[] x, int xOff, int vend, int r, float maxAbs, float minAbs, float[] xs) {
        return prescale(x, xOff, vend, r, maxAbs, minAbs, xs, 0);
    }

    /** {@link #prescale(float[], int, int, int, float, float, float[])} into {@code xs} from {@code xsOff}. */
    private boolean prescale(float[] x, int xOff, int vend, int r, float maxAbs, float minAbs, float[] xs, int xsOff) {
        if (!(maxAbs < 0x1p100f)) { // NaN, infinity or huge inputs: the plain kernel
            return false;
        }
        for (int k0 = 0; k0 < vend; k0 += BLOCK) {
            final float f = scale(r, k0 / BLOCK) * TWO_POW_120; // a power of two (2^-7 .. 2^247) or NaN
            if (!(maxAbs * f < 0x1p126f) || (f < 1f && minAbs * f < 0x1p-125f)) {
                return false;
            }
            final int kend = Math.min(vend, k0 + BLOCK);
            for (int c = k0; c < kend; c += L) {
                FloatVector.fromArray(F, x, xOff + c).mul(f).intoArray(xs, xsOff + c);
            }
        }
        return true;
    }

    /**
     * Rows {@code [r0, r1)} (one scale row) on the prescaled input: raw code floats times {@code xs}, no multiply per
     * weight; two chains per row (even and odd vector indices, {@link MappedMatrix#kernelBatchDecoded}'s order), one
     * row at a time up to {@link MappedMatrix#ONE_ROW_MAX_COLS} columns, else two rows sharing each input load.
     */
    private void kernelRowsPrescaled(
            float[] xs, float[] x, int xOff, int vend, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final MemorySegment w = codes;
        final int pend = vend / (2 * L) * (2 * L);
        int r = r0;
        if (cols > ONE_ROW_MAX_COLS) {
            r = twoRowsPrescaled(xs, x, xOff, vend, out, outOff, r0, r1);
        }
        for (; r < r1; r++) {
            final long o0 = (long) r * cols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            for (int c = 0; c < pend; c += 2 * L) {
                a0 = rawCodes(w, o0 + c).fma(FloatVector.fromArray(F, xs, c), a0);
                b0 = rawCodes(w, o0 + c + L).fma(FloatVector.fromArray(F, xs, c + L), b0);
            }
            if (pend < vend) { // one more vector, of even index
                a0 = rawCodes(w, o0 + pend).fma(FloatVector.fromArray(F, xs, pend), a0);
            }
            out[outOff + r] = sumLanes(a0.add(b0)) + tail(r, vend, x, xOff);
        }
    }

    /** Two rows at a time, two chains each; returns the first row not done (at most one left). */
    private int twoRowsPrescaled(float[] xs, float[] x, int xOff, int vend, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final MemorySegment w = codes;
        final int pend = vend / (2 * L) * (2 * L);
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            final long o0 = (long) r * cols;
            final long o1 = o0 + cols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector b1 = FloatVector.zero(F);
            for (int c = 0; c < pend; c += 2 * L) {
                final FloatVector xv = FloatVector.fromArray(F, xs, c);
                a0 = rawCodes(w, o0 + c).fma(xv, a0);
                a1 = rawCodes(w, o1 + c).fma(xv, a1);
                final FloatVector xw = FloatVector.fromArray(F, xs, c + L);
                b0 = rawCodes(w, o0 + c + L).fma(xw, b0);
                b1 = rawCodes(w, o1 + c + L).fma(xw, b1);
            }
            if (pend < vend) {
                final FloatVector xv = FloatVector.fromArray(F, xs, pend);
                a0 = rawCodes(w, o0 + pend).fma(xv, a0);
                a1 = rawCodes(w, o1 + pend).fma(xv, a1);
            }
            out[outOff + r] = sumLanes(a0.add(b0)) + tail(r, vend, x, xOff);
            out[outOff + r + 1] = sumLanes(a1.add(b1)) + tail(r + 1, vend, x, xOff);
        }
        return r;
    }

    /**
     * Rows {@code [r0, r1)} with each decoded weight multiplied by its scale (any input, any scale), one row at a time
     * in the same chains. A 128-column block holds an even number of vectors, so each block starts at an even index.
     */
    private void kernelRows(float[] x, int xOff, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final int vend = cols / L * L;
        final MemorySegment w = codes;
        for (int r = r0; r < r1; r++) {
            final long o0 = (long) r * cols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            for (int k0 = 0; k0 < vend; k0 += BLOCK) {
                final int kend = Math.min(vend, k0 + BLOCK);
                final float s0 = scale(r, k0 / BLOCK);
                int c = k0;
                for (; c + 2 * L <= kend; c += 2 * L) {
                    a0 = weights(w, o0 + c, s0).fma(FloatVector.fromArray(F, x, xOff + c), a0);
                    b0 = weights(w, o0 + c + L, s0).fma(FloatVector.fromArray(F, x, xOff + c + L), b0);
                }
                if (c < kend) { // the last vector of a partial block (even index)
                    a0 = weights(w, o0 + c, s0).fma(FloatVector.fromArray(F, x, xOff + c), a0);
                }
            }
            out[outOff + r] = sumLanes(a0.add(b0)) + tail(r, vend, x, xOff);
        }
    }

    /** Sum over the columns past the last full vector, in column order. */
    private float tail(int r, int vend, float[] x, int xOff) {
        final long o = (long) r * cols;
        float t = 0f;
        for (int c = vend; c < cols; c++) {
            t += Fp8E4m3.decode(codes.get(BYTE, o + c)) * scale(r, c / BLOCK) * x[xOff + c];
        }
        return t;
    }

    /**
     * Decodes {@code nr} rows of a column chunk into exact fp32 weights: the raw float of the code bits (value ·
     * 2^-120) times {@code 2^120 · scale}, one multiplication per weight (two when that factor would overflow).
     */
    @Override
    void decodeTile(int r, int nr, int c0, int width, float[] tile) {
        final MemorySegment w = codes;
        for (int i = 0; i < nr; i++) {
            final long rowOff = (long) (r + i) * cols + c0;
            final int t = i * TILE_COLS;
            for (int k0 = 0; k0 < width; k0 += BLOCK) {
                final int kend = Math.min(width, k0 + BLOCK);
                final float s = scale(r + i, (c0 + k0) / BLOCK);
                int c = k0;
                for (; c + BL <= kend; c += L) {
                    weights(w, rowOff + c, s).intoArray(tile, t + c);
                }
                for (; c < kend; c++) {
                    tile[t + c] = Fp8E4m3.decode(w.get(BYTE, rowOff + c)) * s;
                }
            }
        }
    }
}
