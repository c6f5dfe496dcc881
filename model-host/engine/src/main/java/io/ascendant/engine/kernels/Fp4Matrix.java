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
    /** Largest batch the register kernels ({@link Fp4SmallBatchKernel}) take (beyond it, the decoded tile). */
    static final int DIRECT_MAX_BATCH = 8;

    private static final int HALF = BLOCK / 2;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MemorySegment packed;
    private final MemorySegment scales;
    private final int rowBytes;
    private final int scaleCols;
    private final Fp4SmallBatchKernel smallBatch;

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
        this.smallBatch = new Fp4SmallBatchKernel(this, packed, rowBytes, scaleCols);
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
            smallBatch.kernel(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
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

    float scaleAt(long index) {
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
