package io.ascendant.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.engine.numerics.Bf16;
import io.ascendant.engine.numerics.E8m0;
import io.ascendant.engine.numerics.Fp4E2m1;
import io.ascendant.engine.numerics.Fp8E4m3;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector kernel against its scalar oracle. Tolerance: the two differ only in fp32 summation order, so
 * {@code |vector − oracle| ≤ 2^-18 · Σ|W[r,c]·x[c]| + 2^-60} per output (measured: a few ulps of the magnitude sum).
 */
class KernelOracleTest {
    private static final EngineThreads ONE = EngineThreads.create(1);
    private static final EngineThreads TWO = EngineThreads.create(2);

    @AfterAll
    static void stop() {
        ONE.close();
        TWO.close();
    }

    enum Kind {
        FP8,
        FP4,
        BF16,
        F32
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(Kind.FP8, 1, 128),
                Arguments.of(Kind.FP8, 7, 200),
                Arguments.of(Kind.FP8, 131, 384),
                Arguments.of(Kind.FP8, 300, 1000),
                Arguments.of(Kind.FP8, 257, 4096),
                // wider than MappedMatrix.ONE_ROW_MAX_COLS: the two-rows-at-a-time FP8 and FP4 batch-1 kernels (BF16:
                // one row)
                Arguments.of(Kind.FP8, 9, 4500),
                Arguments.of(Kind.FP4, 1, 32),
                Arguments.of(Kind.FP4, 9, 96),
                Arguments.of(Kind.FP4, 131, 160),
                Arguments.of(Kind.FP4, 300, 2048),
                Arguments.of(Kind.FP4, 7, 4160),
                Arguments.of(Kind.BF16, 1, 3),
                Arguments.of(Kind.BF16, 13, 77),
                Arguments.of(Kind.BF16, 129, 256),
                Arguments.of(Kind.BF16, 300, 1031),
                Arguments.of(Kind.BF16, 5, 4103),
                Arguments.of(Kind.F32, 1, 5),
                Arguments.of(Kind.F32, 17, 99),
                Arguments.of(Kind.F32, 300, 1024));
    }

    /** A random matrix plus the exact dequantised values (for the tolerance bound). */
    record Fixture(MappedMatrix matrix, double[][] dense) {}

    static Fixture build(Kind kind, int rows, int cols, long seed, EngineThreads threads) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] dense = new double[rows][cols];
        switch (kind) {
            case FP8 -> {
                byte[] codes = new byte[rows * cols];
                int sr = (rows + 127) / 128;
                int sc = (cols + 127) / 128;
                byte[] scales = new byte[sr * sc];
                for (int i = 0; i < scales.length; i++) {
                    scales[i] = E8m0.ofExponent(r.nextInt(-12, 3));
                }
                for (int i = 0; i < codes.length; i++) {
                    int c;
                    do {
                        c = r.nextInt(256);
                    } while ((c & 0x7f) == 0x7f);
                    codes[i] = (byte) c;
                    int row = i / cols;
                    int col = i % cols;
                    dense[row][col] = Fp8E4m3.decode(c) * (double) E8m0.decode(scales[(row / 128) * sc + col / 128]);
                }
                return new Fixture(
                        new Fp8Matrix(
                                "w", rows, cols, MemorySegment.ofArray(codes), MemorySegment.ofArray(scales), threads),
                        dense);
            }
            case FP4 -> {
                byte[] packed = new byte[rows * cols / 2];
                byte[] scales = new byte[rows * cols / 32];
                for (int i = 0; i < scales.length; i++) {
                    scales[i] = E8m0.ofExponent(r.nextInt(-10, 4));
                }
                r.nextBytes(packed);
                for (int row = 0; row < rows; row++) {
                    for (int col = 0; col < cols; col++) {
                        int b = packed[row * cols / 2 + col / 2];
                        dense[row][col] = Fp4E2m1.decodePacked((byte) b, col & 1)
                                * (double) E8m0.decode(scales[row * cols / 32 + col / 32]);
                    }
                }
                return new Fixture(
                        new Fp4Matrix(
                                "w", rows, cols, MemorySegment.ofArray(packed), MemorySegment.ofArray(scales), threads),
                        dense);
            }
            case BF16 -> {
                ByteBuffer bb = ByteBuffer.allocate(rows * cols * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < rows * cols; i++) {
                    float v = Bf16.round((float) r.nextGaussian());
                    bb.putShort(Bf16.toBits(v));
                    dense[i / cols][i % cols] = v;
                }
                return new Fixture(new Bf16Matrix("w", rows, cols, MemorySegment.ofArray(bb.array()), threads), dense);
            }
            case F32 -> {
                ByteBuffer bb = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < rows * cols; i++) {
                    float v = (float) r.nextGaussian();
                    bb.putFloat(v);
                    dense[i / cols][i % cols] = v;
                }
                return new Fixture(new F32Matrix("w", rows, cols, MemorySegment.ofArray(bb.array()), threads), dense);
            }
            default -> throw new IllegalStateException();
        }
    }

    static float[] input(int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = Bf16.round((float) (r.nextGaussian() * Math.pow(2, r.nextInt(-6, 4))));
        }
        return x;
    }

    static double bound(double[] denseRow, float[] x, int xOff) {
        double s = 0;
        for (int c = 0; c < denseRow.length; c++) {
            s += Math.abs(denseRow[c] * x[xOff + c]);
        }
        return s * 0x1p-18 + 0x1p-60;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorMatvecMatchesTheScalarOracle(Kind kind, int rows, int cols) {
        for (EngineThreads threads : new EngineThreads[] {ONE, TWO}) {
            Fixture f = build(kind, rows, cols, rows * 31L + cols, threads);
            int xOff = 3;
            float[] x = input(cols + xOff + 2, 99);
            float[] got = new float[rows + 5];
            float[] want = new float[rows + 5];
            f.matrix().matvec(x, xOff, got, 5);
            f.matrix().scalarOracle().matvec(x, xOff, want, 5);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                for (int c = 0; c < cols; c++) {
                    exact += f.dense()[r][c] * x[xOff + c];
                }
                double tol = bound(f.dense()[r], x, xOff);
                assertThat((double) got[5 + r])
                        .as("%s row %d vector", kind, r)
                        .isCloseTo(want[5 + r], org.assertj.core.api.Assertions.within(tol));
                assertThat((double) want[5 + r])
                        .as("%s row %d oracle vs exact", kind, r)
                        .isCloseTo(exact, org.assertj.core.api.Assertions.within(tol));
            }
            assertThat(got[0]).isZero();
            assertThat(got[4]).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void batchedEqualsSingleRowByRow(Kind kind, int rows, int cols) {
        Fixture f = build(kind, rows, cols, rows * 17L + cols, TWO);
        for (int n : new int[] {2, 3, 8, 11}) {
            float[] x = input(n * cols, 5 + n);
            float[] batched = new float[n * rows];
            f.matrix().matmul(x, n, batched);
            for (int b = 0; b < n; b++) {
                float[] single = new float[rows];
                f.matrix().matvec(x, b * cols, single, 0);
                for (int r = 0; r < rows; r++) {
                    double tol = bound(f.dense()[r], x, b * cols);
                    assertThat((double) batched[b * rows + r])
                            .as("%s n=%d b=%d r=%d", kind, n, b, r)
                            .isCloseTo(single[r], org.assertj.core.api.Assertions.within(tol));
                }
            }
        }
    }

    @Test
    void rowRangeWithStridesWritesOnlyItsSlots() {
        Fixture f = build(Kind.FP8, 256, 384, 1, TWO);
        int n = 3;
        int xStride = 400;
        int outStride = 300;
        float[] x = input(n * xStride, 2);
        float[] out = new float[n * outStride];
        java.util.Arrays.fill(out, -7f);
        f.matrix().matmulRows(x, 7, xStride, n, out, 11, outStride, 128, 200);
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < 256; r++) {
                int slot = 11 + b * outStride + r;
                if (slot >= out.length) {
                    continue;
                }
                if (r >= 128 && r < 200) {
                    float want = f.matrix().dotRowScalar(r, x, 7 + b * xStride);
                    assertThat((double) out[slot])
                            .isCloseTo(
                                    want,
                                    org.assertj.core.api.Assertions.within(bound(f.dense()[r], x, 7 + b * xStride)));
                } else if (r < 200 || r >= 256) {
                    assertThat(out[slot]).as("untouched slot b=%d r=%d", b, r).isEqualTo(-7f);
                }
            }
        }
    }

    @Test
    void fp8KernelHandlesSubnormalCodesAndTinyInputsExactly() {
        // Every code in one row, inputs spanning 2^-20..2^6: products must not underflow in the prescaled kernel.
        int cols = 256;
        byte[] codes = new byte[cols];
        for (int c = 0; c < cols; c++) {
            codes[c] = (byte) ((c & 0x7f) == 0x7f ? 0 : c);
        }
        byte[] scales = {E8m0.ofExponent(-3), E8m0.ofExponent(2)};
        Fp8Matrix m = new Fp8Matrix("w", 1, cols, MemorySegment.ofArray(codes), MemorySegment.ofArray(scales), ONE);
        float[] x = new float[cols];
        for (int c = 0; c < cols; c++) {
            x[c] = (float) Math.pow(2, -20 + (c % 27));
        }
        float[] got = new float[1];
        m.matvec(x, 0, got, 0);
        double exact = 0;
        for (int c = 0; c < cols; c++) {
            exact += Fp8E4m3.decode(codes[c]) * (double) E8m0.decode(scales[c / 128]) * x[c];
        }
        assertThat((double) got[0]).isCloseTo(exact, org.assertj.core.api.Assertions.within(Math.abs(exact) * 1e-6));
    }

    static Stream<Arguments> oddBatchShapes() {
        return Stream.of(
                // K not a multiple of the vector length, partial 128-blocks, several column tiles, rows not a
                // multiple of the 4-row tile
                Arguments.of(Kind.FP8, 5, 200),
                Arguments.of(Kind.FP8, 131, 777),
                Arguments.of(Kind.FP8, 67, 1300),
                Arguments.of(Kind.FP8, 3, 13),
                Arguments.of(Kind.FP4, 5, 96),
                Arguments.of(Kind.FP4, 130, 544),
                Arguments.of(Kind.FP4, 33, 1056),
                Arguments.of(Kind.BF16, 7, 601),
                // wider than MappedMatrix.ONE_ROW_MAX_COLS (FP8 and FP4 batch 1 two rows at a time)
                Arguments.of(Kind.FP8, 5, 4500),
                Arguments.of(Kind.FP4, 3, 4160),
                Arguments.of(Kind.BF16, 3, 4103),
                Arguments.of(Kind.F32, 9, 517));
    }

    @ParameterizedTest
    @MethodSource("oddBatchShapes")
    void batchedProductsEqualPerSequenceProductsBitForBit(Kind kind, int rows, int cols) {
        for (EngineThreads threads : new EngineThreads[] {ONE, TWO}) {
            Fixture f = build(kind, rows, cols, rows * 7L + cols, threads);
            // 65 and 70 cross the 64-row batch block; 1..9 cover every micro-kernel remainder
            for (int n : new int[] {2, 3, 4, 5, 6, 7, 8, 9, 16, 65, 70}) {
                float[] x = input(n * cols, 41 + n);
                float[] batched = new float[n * rows];
                f.matrix().matmul(x, n, batched);
                for (int b = 0; b < n; b++) {
                    float[] single = new float[rows];
                    f.matrix().matvec(x, b * cols, single, 0);
                    for (int r = 0; r < rows; r++) {
                        double tol = bound(f.dense()[r], x, b * cols);
                        // same summation order in both kernels: bit for bit
                        assertThat(Float.floatToRawIntBits(batched[b * rows + r]))
                                .as("%s [%d, %d] n=%d b=%d r=%d", kind, rows, cols, n, b, r)
                                .isEqualTo(Float.floatToRawIntBits(single[r]));
                        assertThat((double) batched[b * rows + r])
                                .as("%s oracle n=%d b=%d r=%d", kind, n, b, r)
                                .isCloseTo(
                                        f.matrix().dotRowScalar(r, x, b * cols),
                                        org.assertj.core.api.Assertions.within(tol));
                    }
                }
            }
        }
    }

    @Test
    void fp8BatchWithAnInputOutsideThePrescaledRangeStillEqualsSingleProducts() {
        // One input holds 2^110: its copy times 2^120·scale would overflow, so batch 1 takes the multiplying kernel
        // for it and the batch takes the decoded tile for every input of those rows; results stay bit for bit.
        int rows = 140;
        int cols = 300;
        Fixture f = build(Kind.FP8, rows, cols, 5, TWO);
        for (int n : new int[] {2, 3, 8}) {
            float[] x = input(n * cols, 77 + n);
            x[cols + 7] = 0x1p110f;
            float[] batched = new float[n * rows];
            f.matrix().matmul(x, n, batched);
            for (int b = 0; b < n; b++) {
                float[] single = new float[rows];
                f.matrix().matvec(x, b * cols, single, 0);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(batched[b * rows + r]))
                            .as("n=%d b=%d r=%d", n, b, r)
                            .isEqualTo(Float.floatToRawIntBits(single[r]));
                    assertThat((double) single[r])
                            .as("oracle n=%d b=%d r=%d", n, b, r)
                            .isCloseTo(
                                    f.matrix().dotRowScalar(r, x, b * cols),
                                    org.assertj.core.api.Assertions.within(bound(f.dense()[r], x, b * cols)));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("oddBatchShapes")
    void batchedRowRangeNotAlignedToTheTileMatchesTheOracle(Kind kind, int rows, int cols) {
        Fixture f = build(kind, rows, cols, rows * 3L + cols, TWO);
        int n = 5;
        int xStride = cols + 3;
        int outStride = rows + 2;
        float[] x = input(n * xStride + 1, 8);
        float[] out = new float[1 + n * outStride];
        java.util.Arrays.fill(out, -7f);
        int r0 = Math.min(1, rows - 1);
        int r1 = Math.max(r0 + 1, rows - 1);
        f.matrix().matmulRows(x, 1, xStride, n, out, 1, outStride, r0, r1);
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < rows; r++) {
                int slot = 1 + b * outStride + r;
                if (r >= r0 && r < r1) {
                    assertThat((double) out[slot])
                            .as("%s b=%d r=%d", kind, b, r)
                            .isCloseTo(
                                    f.matrix().dotRowScalar(r, x, 1 + b * xStride),
                                    org.assertj.core.api.Assertions.within(bound(f.dense()[r], x, 1 + b * xStride)));
                } else {
                    assertThat(out[slot]).as("untouched slot b=%d r=%d", b, r).isEqualTo(-7f);
                }
            }
        }
    }

    @Test
    void batchedKernelsDecodeEveryFp8AndFp4CodeAndExtremeScalesExactly() {
        // One row per code pattern; scales from 2^-127 (E8M0 0) to 2^10: the folded factor 2^120·s must stay exact.
        int cols = 256;
        byte[] codes = new byte[4 * cols];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < cols; c++) {
                codes[r * cols + c] = (byte) ((c & 0x7f) == 0x7f ? 0 : c);
            }
        }
        byte[] scales = {E8m0.ofExponent(-3), E8m0.ofExponent(10)};
        Fp8Matrix fp8 = new Fp8Matrix("w", 4, cols, MemorySegment.ofArray(codes), MemorySegment.ofArray(scales), ONE);
        byte[] packed = new byte[4 * cols / 2];
        byte[] fp4Scales = new byte[4 * cols / 32];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (byte) i;
        }
        for (int i = 0; i < fp4Scales.length; i++) {
            fp4Scales[i] = (byte) (i % 2 == 0 ? 0 : 137); // 2^-127 and 2^10
        }
        Fp4Matrix fp4 =
                new Fp4Matrix("w", 4, cols, MemorySegment.ofArray(packed), MemorySegment.ofArray(fp4Scales), ONE);
        int n = 3;
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.pow(2, -8 + (i % 11)) * (i % 3 == 0 ? -1 : 1);
        }
        for (MappedMatrix m : new MappedMatrix[] {fp8, fp4}) {
            float[] got = new float[n * 4];
            m.matmul(x, n, got);
            for (int b = 0; b < n; b++) {
                for (int r = 0; r < 4; r++) {
                    double exact = 0;
                    double mag = 0;
                    for (int c = 0; c < cols; c++) {
                        double w = m == fp8
                                ? Fp8E4m3.decode(codes[r * cols + c]) * (double) E8m0.decode(scales[c / 128])
                                : Fp4E2m1.decodePacked(packed[(r * cols + c) / 2], c & 1)
                                        * (double) E8m0.decode(fp4Scales[(r * cols + c) / 32]);
                        exact += w * x[b * cols + c];
                        mag += Math.abs(w * x[b * cols + c]);
                    }
                    assertThat((double) got[b * 4 + r])
                            .as("%s b=%d r=%d", m.getClass().getSimpleName(), b, r)
                            .isCloseTo(exact, org.assertj.core.api.Assertions.within(mag * 0x1p-20 + 0x1p-140));
                }
            }
        }
    }
}
