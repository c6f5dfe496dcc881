package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.I;
import static io.ascendant.engine.kernels.Vec.L;
import static io.ascendant.engine.kernels.Vec.S;
import static io.ascendant.engine.kernels.Vec.SL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A BF16 weight {@code [rows, cols]} (little-endian 16-bit words), used in fp32: {@code Σ_c float(W[r, c]) · x[c]}
 * accumulated in fp32. The reference uses such weights in fp32 ({@code gate}, compressor {@code wkv}/{@code wgate},
 * {@code head}) or in bf16 matmuls whose fp32 accumulation is rounded to bf16 by the caller ({@code weights_proj}).
 * The vector kernel widens L words to int lanes and shifts them into the high half of a float.
 */
public final class Bf16Matrix extends MappedMatrix {
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;

    /** @param data {@code rows · cols · 2} bytes */
    public Bf16Matrix(String name, int rows, int cols, MemorySegment data, EngineThreads threads) {
        super(name, rows, cols, threads);
        if (data.byteSize() != (long) rows * cols * 2) {
            throw new IllegalArgumentException(name + ": BF16 [" + rows + ", " + cols + "] needs "
                    + ((long) rows * cols * 2) + " bytes, got " + data.byteSize());
        }
        this.data = data;
    }

    @Override
    public long storedBytes() {
        return data.byteSize();
    }

    private float at(long index) {
        return Float.intBitsToFloat((data.get(SHORT, index * 2) & 0xffff) << 16);
    }

    @Override
    public float dotRowScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols;
        float acc = 0f;
        for (int c = 0; c < cols; c++) {
            acc += at(base + c) * x[xOff + c];
        }
        return acc;
    }

    private FloatVector load(long elementIndex) {
        IntVector iv = (IntVector) ShortVector.fromMemorySegment(S, data, elementIndex * 2, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, I, 0);
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int cols = this.cols;
        if (n == 1 && SL == L) {
            // the order of kernelBatchDecoded: two chains of lane sums (even and odd vector indices) over the vector
            // columns, added, summed in lane order, then the tail; row by row at every width (one sequential weight
            // stream: two interleaved rows streamed 13-17 GB/s on one Zen 5 core against 17-22 for one row at 7168
            // columns, MatvecCpuTime; unlike FP8 and FP4, BF16 is bound by the stream, not by the input loads)
            final int vend = cols / L * L;
            final int pend = vend / (2 * L) * (2 * L);
            for (int r = r0; r < r1; r++) {
                final long base = (long) r * cols;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector b0 = FloatVector.zero(F);
                for (int c = 0; c < pend; c += 2 * L) {
                    a0 = load(base + c).fma(FloatVector.fromArray(F, x, xOff + c), a0);
                    b0 = load(base + c + L).fma(FloatVector.fromArray(F, x, xOff + c + L), b0);
                }
                if (pend < vend) {
                    a0 = load(base + pend).fma(FloatVector.fromArray(F, x, xOff + pend), a0);
                }
                out[outOff + r] = sumLanes(a0.add(b0)) + tail(base, vend, x, xOff);
            }
            return;
        }
        kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
    }

    /** Sum of the columns past {@code vend} of the row starting at element {@code base}, in column order. */
    private float tail(long base, int vend, float[] x, int xOff) {
        float t = 0f;
        for (int c = vend; c < cols; c++) {
            t += at(base + c) * x[xOff + c];
        }
        return t;
    }

    /** Widens {@code nr} rows of a column chunk to fp32 (exact). */
    @Override
    void decodeTile(int r, int nr, int c0, int width, float[] tile) {
        for (int i = 0; i < nr; i++) {
            final long base = (long) (r + i) * cols + c0;
            final int t = i * TILE_COLS;
            int c = 0;
            for (; c + SL <= width; c += L) {
                load(base + c).intoArray(tile, t + c);
            }
            for (; c < width; c++) {
                tile[t + c] = at(base + c);
            }
        }
    }
}
