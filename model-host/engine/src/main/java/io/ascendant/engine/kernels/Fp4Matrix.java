package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.B;
import static io.ascendant.engine.kernels.Vec.BL;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.I;
import static io.ascendant.engine.kernels.Vec.L;

import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp4E2m1;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An FP4 e2m1 weight {@code [rows, cols]} stored as bytes {@code [rows, cols/2]} (two codes per byte, low nibble =
 * column 2k, high nibble = column 2k+1) with E8M0 scales {@code [rows, cols/32]}: {@code W[r, c] = e2m1(code) ·
 * 2^(scale[r, c/32] − 127)}. The V4 routed experts.
 *
 * <p>Numerics follow {@code fp4_gemm}: per 32-column block an fp32 partial sum, times the block scale, accumulated in
 * fp32; the caller passes {@code act_quant}-ed inputs ({@link io.ascendant.engine.numerics.ActQuant#fp8QuantDequant},
 * block 128) as for FP8.
 *
 * <p>Vector kernel (batch 1): the input is prescaled and split per 32-block into its even and odd columns once per
 * call, so the low nibbles of {@code L} consecutive bytes meet {@code L} consecutive even inputs and the high nibbles
 * the odd ones, with no shuffles. A nibble becomes float bits arithmetically: sign to bit 31, the three magnitude
 * bits to bits 24..22, which read as a float are the e2m1 value times 2^-126 (code 1, 0.5, lands on a float
 * subnormal, exactly).
 */
public final class Fp4Matrix extends MappedMatrix {
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final float TWO_POW_126 = 0x1p126f;
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
        } else {
            kernelBatchTiled(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        }
    }

    /** Float bits of the low nibbles of {@code iv}'s lanes, value · 2^-126. */
    private static IntVector lowBits(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 28)
                .lanewise(VectorOperators.AND, 0x80000000)
                .lanewise(
                        VectorOperators.OR,
                        iv.lanewise(VectorOperators.LSHL, 22).lanewise(VectorOperators.AND, 0x01C00000));
    }

    /** Float bits of the high nibbles, value · 2^-126. */
    private static IntVector highBits(IntVector iv) {
        return iv.lanewise(VectorOperators.LSHL, 24)
                .lanewise(VectorOperators.AND, 0x80000000)
                .lanewise(
                        VectorOperators.OR,
                        iv.lanewise(VectorOperators.LSHL, 18).lanewise(VectorOperators.AND, 0x01C00000));
    }

    private static float rawValue(int nibble) {
        return Fp4E2m1.decode(nibble) * 0x1p-126f;
    }

    private void kernelSingle(float[] x, int xOff, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final Scratch scratch = Scratch.get();
        final float[] xs = scratch.input(cols);
        final float[] xd = scratch.tile(cols);
        final float g = Prescale.apply(x, xOff, cols, xs, TWO_POW_126);
        // Per 32-block: 16 even columns, then 16 odd columns.
        for (int c = 0; c < cols; c += BLOCK) {
            for (int k = 0; k < HALF; k++) {
                xd[c + k] = xs[c + 2 * k];
                xd[c + HALF + k] = xs[c + 2 * k + 1];
            }
        }
        final MemorySegment w = packed;
        for (int r = r0; r < r1; r++) {
            final long rowOff = (long) r * rowBytes;
            FloatVector vrow = FloatVector.zero(F);
            float tailAcc = 0f;
            for (int kb = 0; kb < scaleCols; kb++) {
                final long bOff = rowOff + (long) kb * HALF;
                final int xb = kb * BLOCK;
                FloatVector vblk = FloatVector.zero(F);
                int k = 0;
                for (; k + BL <= HALF; k += L) {
                    IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    vblk = lowBits(iv).reinterpretAsFloats().fma(FloatVector.fromArray(F, xd, xb + k), vblk);
                    vblk = highBits(iv).reinterpretAsFloats().fma(FloatVector.fromArray(F, xd, xb + HALF + k), vblk);
                }
                float tail = 0f;
                for (; k < HALF; k++) {
                    int byt = w.get(BYTE, bOff + k);
                    tail += rawValue(byt) * xd[xb + k] + rawValue(byt >>> 4) * xd[xb + HALF + k];
                }
                final float factor = scale(r, kb) * g;
                vrow = vblk.fma(FloatVector.broadcast(F, factor), vrow);
                tailAcc += tail * factor;
            }
            out[outOff + r] = vrow.reduceLanes(VectorOperators.ADD) + tailAcc;
        }
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

    @Override
    void group4(int r, int c0, int c1, float[] xd, int x0, int x1, int x2, int x3, float[] sums) {
        final long rowOff = (long) r * rowBytes;
        final MemorySegment w = packed;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        float t0 = 0f;
        float t1 = 0f;
        float t2 = 0f;
        float t3 = 0f;
        for (int xb = c0; xb < c1; xb += BLOCK) {
            final long bOff = rowOff + (xb >> 1);
            // Scale folded into the decoded vectors: raw · 2^126 · s is the exact weight value.
            final float s = scale(r, xb / BLOCK);
            int k = 0;
            for (; k + BL <= HALF; k += L) {
                IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, I, 0);
                FloatVector lo =
                        lowBits(iv).reinterpretAsFloats().mul(TWO_POW_126).mul(s);
                FloatVector hi =
                        highBits(iv).reinterpretAsFloats().mul(TWO_POW_126).mul(s);
                final int e = xb + k;
                final int o = xb + HALF + k;
                a0 = hi.fma(FloatVector.fromArray(F, xd, x0 + o), lo.fma(FloatVector.fromArray(F, xd, x0 + e), a0));
                a1 = hi.fma(FloatVector.fromArray(F, xd, x1 + o), lo.fma(FloatVector.fromArray(F, xd, x1 + e), a1));
                a2 = hi.fma(FloatVector.fromArray(F, xd, x2 + o), lo.fma(FloatVector.fromArray(F, xd, x2 + e), a2));
                a3 = hi.fma(FloatVector.fromArray(F, xd, x3 + o), lo.fma(FloatVector.fromArray(F, xd, x3 + e), a3));
            }
            for (; k < HALF; k++) {
                int byt = w.get(BYTE, bOff + k);
                float wl = Fp4E2m1.decode(byt) * s;
                float wh = Fp4E2m1.decode(byt >>> 4) * s;
                final int e = xb + k;
                final int o = xb + HALF + k;
                t0 += wl * xd[x0 + e] + wh * xd[x0 + o];
                t1 += wl * xd[x1 + e] + wh * xd[x1 + o];
                t2 += wl * xd[x2 + e] + wh * xd[x2 + o];
                t3 += wl * xd[x3 + e] + wh * xd[x3 + o];
            }
        }
        sums[0] = a0.reduceLanes(VectorOperators.ADD) + t0;
        sums[1] = a1.reduceLanes(VectorOperators.ADD) + t1;
        sums[2] = a2.reduceLanes(VectorOperators.ADD) + t2;
        sums[3] = a3.reduceLanes(VectorOperators.ADD) + t3;
    }

    @Override
    boolean hasGroup8() {
        return true;
    }

    @Override
    void group8(int r, int c0, int c1, float[] xd, int x0, int stride, float[] sums) {
        final long rowOff = (long) r * rowBytes;
        final MemorySegment w = packed;
        final int x1 = x0 + stride;
        final int x2 = x1 + stride;
        final int x3 = x2 + stride;
        final int x4 = x3 + stride;
        final int x5 = x4 + stride;
        final int x6 = x5 + stride;
        final int x7 = x6 + stride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F);
        FloatVector a5 = FloatVector.zero(F);
        FloatVector a6 = FloatVector.zero(F);
        FloatVector a7 = FloatVector.zero(F);
        java.util.Arrays.fill(sums, 0, 8, 0f); // scalar tails accumulate here first
        for (int xb = c0; xb < c1; xb += BLOCK) {
            final long bOff = rowOff + (xb >> 1);
            final float s = scale(r, xb / BLOCK);
            int k = 0;
            for (; k + BL <= HALF; k += L) {
                IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, I, 0);
                FloatVector lo =
                        lowBits(iv).reinterpretAsFloats().mul(TWO_POW_126).mul(s);
                FloatVector hi =
                        highBits(iv).reinterpretAsFloats().mul(TWO_POW_126).mul(s);
                final int e = xb + k;
                final int o = xb + HALF + k;
                a0 = hi.fma(FloatVector.fromArray(F, xd, x0 + o), lo.fma(FloatVector.fromArray(F, xd, x0 + e), a0));
                a1 = hi.fma(FloatVector.fromArray(F, xd, x1 + o), lo.fma(FloatVector.fromArray(F, xd, x1 + e), a1));
                a2 = hi.fma(FloatVector.fromArray(F, xd, x2 + o), lo.fma(FloatVector.fromArray(F, xd, x2 + e), a2));
                a3 = hi.fma(FloatVector.fromArray(F, xd, x3 + o), lo.fma(FloatVector.fromArray(F, xd, x3 + e), a3));
                a4 = hi.fma(FloatVector.fromArray(F, xd, x4 + o), lo.fma(FloatVector.fromArray(F, xd, x4 + e), a4));
                a5 = hi.fma(FloatVector.fromArray(F, xd, x5 + o), lo.fma(FloatVector.fromArray(F, xd, x5 + e), a5));
                a6 = hi.fma(FloatVector.fromArray(F, xd, x6 + o), lo.fma(FloatVector.fromArray(F, xd, x6 + e), a6));
                a7 = hi.fma(FloatVector.fromArray(F, xd, x7 + o), lo.fma(FloatVector.fromArray(F, xd, x7 + e), a7));
            }
            for (; k < HALF; k++) {
                int byt = w.get(BYTE, bOff + k);
                float wl = Fp4E2m1.decode(byt) * s;
                float wh = Fp4E2m1.decode(byt >>> 4) * s;
                for (int j = 0; j < 8; j++) {
                    final int xj = x0 + j * stride;
                    sums[j] += wl * xd[xj + xb + k] + wh * xd[xj + xb + HALF + k];
                }
            }
        }
        sums[0] += a0.reduceLanes(VectorOperators.ADD);
        sums[1] += a1.reduceLanes(VectorOperators.ADD);
        sums[2] += a2.reduceLanes(VectorOperators.ADD);
        sums[3] += a3.reduceLanes(VectorOperators.ADD);
        sums[4] += a4.reduceLanes(VectorOperators.ADD);
        sums[5] += a5.reduceLanes(VectorOperators.ADD);
        sums[6] += a6.reduceLanes(VectorOperators.ADD);
        sums[7] += a7.reduceLanes(VectorOperators.ADD);
    }
}
