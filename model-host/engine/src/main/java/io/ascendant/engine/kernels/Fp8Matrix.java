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
    /** Largest batch the register kernels ({@link Fp8SmallBatchKernel}) take (beyond it, the decoded tile). */
    static final int DIRECT_MAX_BATCH = 8;

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MemorySegment codes;
    private final MemorySegment scales;
    private final int scaleCols;
    private final Fp8SmallBatchKernel smallBatch;

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
        this.smallBatch = new Fp8SmallBatchKernel(this, codes);
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
            smallBatch.kernel(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
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
    static void widenRange(float[] x, int xOff, int vend, float[] range) {
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
     * Writes {@code xs[c] = x[xOff + c] · 2^120 · scale[r/128, c/128]} for {@code c < vend} and returns true, or
     * returns false if some product might not be exact (then {@code xs} is unspecified).
     */
    private boolean prescale(float[] x, int xOff, int vend, int r, float maxAbs, float minAbs, float[] xs) {
        return prescale(x, xOff, vend, r, maxAbs, minAbs, xs, 0);
    }

    /** {@link #prescale(float[], int, int, int, float, float, float[])} into {@code xs} from {@code xsOff}. */
    boolean prescale(float[] x, int xOff, int vend, int r, float maxAbs, float minAbs, float[] xs, int xsOff) {
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
    float tail(int r, int vend, float[] x, int xOff) {
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
