package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.B;
import static io.ascendant.engine.kernels.Vec.BL;
import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.I;
import static io.ascendant.engine.kernels.Vec.L;

import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp8E4m3;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * <p>Vector kernel (batch 1): the codes are widened to int lanes and turned into float bits
 * {@code (code << 20) & 0x87F00000}, which read as a float are the e4m3 value times 2^-120 (subnormal codes
 * included); the input is prescaled once per call by {@code 2^(120 − e)} with {@code |x| < 2^e}, so the products are
 * exact and the block factor {@code scale · 2^e} restores the magnitude. Batched products ({@link #group4}) decode each
 * weight vector once for four batch rows, with the block scale folded into the decoded values.
 */
public final class Fp8Matrix extends MappedMatrix {
    private static final int BLOCK = 128;
    private static final float TWO_POW_120 = 0x1p120f;
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
        } else {
            kernelBatchTiled(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        }
    }

    private void kernelSingle(float[] x, int xOff, float[] out, int outOff, int r0, int r1) {
        final int cols = this.cols;
        final float[] xs = Scratch.get().input(cols);
        final float g = Prescale.apply(x, xOff, cols, xs, TWO_POW_120);
        final MemorySegment w = codes;
        for (int r = r0; r < r1; r++) {
            final long rowOff = (long) r * cols;
            FloatVector vrow = FloatVector.zero(F);
            float tailAcc = 0f;
            for (int kb = 0; kb < scaleCols; kb++) {
                final int c0 = kb * BLOCK;
                final int c1 = Math.min(cols, c0 + BLOCK);
                FloatVector vblk = FloatVector.zero(F);
                int c = c0;
                for (; c + BL <= c1; c += L) {
                    IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, rowOff + c, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    FloatVector wv = iv.lanewise(VectorOperators.LSHL, 20)
                            .lanewise(VectorOperators.AND, 0x87F00000)
                            .reinterpretAsFloats();
                    vblk = wv.fma(FloatVector.fromArray(F, xs, c), vblk);
                }
                float tail = 0f;
                for (; c < c1; c++) {
                    tail += Float.intBitsToFloat(Fp8E4m3.rawBits(w.get(BYTE, rowOff + c))) * xs[c];
                }
                final float factor = scale(r, kb) * g;
                vrow = vblk.fma(FloatVector.broadcast(F, factor), vrow);
                tailAcc += tail * factor;
            }
            out[outOff + r] = vrow.reduceLanes(VectorOperators.ADD) + tailAcc;
        }
    }

    @Override
    void group4(int r, int c0, int c1, float[] x, int x0, int x1, int x2, int x3, float[] sums) {
        final long rowOff = (long) r * cols;
        final MemorySegment w = codes;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        float t0 = 0f;
        float t1 = 0f;
        float t2 = 0f;
        float t3 = 0f;
        for (int kb0 = c0; kb0 < c1; kb0 += BLOCK) {
            final int kend = Math.min(c1, kb0 + BLOCK);
            // Scale folded into the decoded vector: raw · 2^120 · s is the exact weight value.
            final float s = scale(r, kb0 / BLOCK);
            int c = kb0;
            for (; c + BL <= kend; c += L) {
                IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, rowOff + c, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, I, 0);
                FloatVector wv = iv.lanewise(VectorOperators.LSHL, 20)
                        .lanewise(VectorOperators.AND, 0x87F00000)
                        .reinterpretAsFloats()
                        .mul(TWO_POW_120)
                        .mul(s);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + c), a3);
            }
            for (; c < kend; c++) {
                float wt = Fp8E4m3.decode(w.get(BYTE, rowOff + c)) * s;
                t0 += wt * x[x0 + c];
                t1 += wt * x[x1 + c];
                t2 += wt * x[x2 + c];
                t3 += wt * x[x3 + c];
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
    void group8(int r, int c0, int c1, float[] x, int x0, int stride, float[] sums) {
        final long rowOff = (long) r * cols;
        final MemorySegment w = codes;
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
        for (int kb0 = c0; kb0 < c1; kb0 += BLOCK) {
            final int kend = Math.min(c1, kb0 + BLOCK);
            final float s = scale(r, kb0 / BLOCK);
            int c = kb0;
            for (; c + BL <= kend; c += L) {
                IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, rowOff + c, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2I, I, 0);
                FloatVector wv = iv.lanewise(VectorOperators.LSHL, 20)
                        .lanewise(VectorOperators.AND, 0x87F00000)
                        .reinterpretAsFloats()
                        .mul(TWO_POW_120)
                        .mul(s);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + c), a3);
                a4 = wv.fma(FloatVector.fromArray(F, x, x4 + c), a4);
                a5 = wv.fma(FloatVector.fromArray(F, x, x5 + c), a5);
                a6 = wv.fma(FloatVector.fromArray(F, x, x6 + c), a6);
                a7 = wv.fma(FloatVector.fromArray(F, x, x7 + c), a7);
            }
            for (; c < kend; c++) {
                float wt = Fp8E4m3.decode(w.get(BYTE, rowOff + c)) * s;
                for (int k = 0; k < 8; k++) {
                    sums[k] += wt * x[x0 + k * stride + c];
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
