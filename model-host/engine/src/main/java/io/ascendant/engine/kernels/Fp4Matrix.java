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
 * subnormal, exactly). With 16-lane vectors (AVX-512) the nibble instead indexes a vector holding the 16 values (one
 * permute, {@code selectFrom}), which costs half the operations. Batched products decode a tile of exact weights once
 * per step ({@link #decodeTile}).
 */
public final class Fp4Matrix extends MappedMatrix {
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final float TWO_POW_126 = 0x1p126f;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    /** The 16 e2m1 values as float bits, when a vector holds 16 lanes (else null: arithmetic decode). */
    private static final IntVector LUT = lut(1f);
    /** The same times 2^-126: the raw floats of {@link #lowBits}, for the prescaled batch-1 kernel. */
    private static final IntVector LUT_RAW = lut(0x1p-126f);

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
            kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
        }
    }

    private static IntVector lut(float factor) {
        if (L != 16) {
            return null;
        }
        int[] bits = new int[16];
        for (int c = 0; c < 16; c++) {
            bits[c] = Float.floatToRawIntBits(Fp4E2m1.decode(c) * factor); // exact: a power of two, 2^-127 at least
        }
        return IntVector.fromArray(I, bits, 0);
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
                // Even and odd columns in two independent chains, so the FMA latency is hidden.
                FloatVector vblk = FloatVector.zero(F);
                FloatVector vodd = FloatVector.zero(F);
                int k = 0;
                if (LUT_RAW != null) {
                    for (; k + BL <= HALF; k += L) {
                        IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                                .convertShape(VectorOperators.B2I, I, 0);
                        FloatVector lo = iv.lanewise(VectorOperators.AND, 0xf)
                                .selectFrom(LUT_RAW)
                                .reinterpretAsFloats();
                        FloatVector hi = iv.lanewise(VectorOperators.LSHR, 4)
                                .lanewise(VectorOperators.AND, 0xf)
                                .selectFrom(LUT_RAW)
                                .reinterpretAsFloats();
                        vblk = lo.fma(FloatVector.fromArray(F, xd, xb + k), vblk);
                        vodd = hi.fma(FloatVector.fromArray(F, xd, xb + HALF + k), vodd);
                    }
                }
                for (; k + BL <= HALF; k += L) {
                    IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    vblk = lowBits(iv).reinterpretAsFloats().fma(FloatVector.fromArray(F, xd, xb + k), vblk);
                    vodd = highBits(iv).reinterpretAsFloats().fma(FloatVector.fromArray(F, xd, xb + HALF + k), vodd);
                }
                vblk = vblk.add(vodd);
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
            for (int xb = 0; xb < width; xb += BLOCK) {
                final long bOff = rowOff + (xb >> 1);
                final float s = scale(r + i, (c0 + xb) / BLOCK);
                final float f = s * TWO_POW_126;
                final boolean one = f != Float.POSITIVE_INFINITY;
                int k = 0;
                if (LUT != null) {
                    // 16 lanes: the nibbles index a vector of the 16 e2m1 values (one permute each).
                    for (; k + BL <= HALF; k += L) {
                        IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                                .convertShape(VectorOperators.B2I, I, 0);
                        IntVector lo = iv.lanewise(VectorOperators.AND, 0xf).selectFrom(LUT);
                        IntVector hi = iv.lanewise(VectorOperators.LSHR, 4)
                                .lanewise(VectorOperators.AND, 0xf)
                                .selectFrom(LUT);
                        lo.reinterpretAsFloats().mul(s).intoArray(tile, t + xb + k);
                        hi.reinterpretAsFloats().mul(s).intoArray(tile, t + xb + HALF + k);
                    }
                }
                for (; k + BL <= HALF; k += L) {
                    IntVector iv = (IntVector) ByteVector.fromMemorySegment(B, w, bOff + k, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    FloatVector lo = lowBits(iv).reinterpretAsFloats();
                    FloatVector hi = highBits(iv).reinterpretAsFloats();
                    (one ? lo.mul(f) : lo.mul(TWO_POW_126).mul(s)).intoArray(tile, t + xb + k);
                    (one ? hi.mul(f) : hi.mul(TWO_POW_126).mul(s)).intoArray(tile, t + xb + HALF + k);
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
