package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/** An F32 weight {@code [rows, cols]} (little-endian), fp32 dot products (the mHC {@code hc_*_fn} matrices). */
public final class F32Matrix extends MappedMatrix {
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;

    /** @param data {@code rows · cols · 4} bytes */
    public F32Matrix(String name, int rows, int cols, MemorySegment data, EngineThreads threads) {
        super(name, rows, cols, threads);
        if (data.byteSize() != (long) rows * cols * 4) {
            throw new IllegalArgumentException(name + ": F32 [" + rows + ", " + cols + "] needs "
                    + ((long) rows * cols * 4) + " bytes, got " + data.byteSize());
        }
        this.data = data;
    }

    @Override
    public long storedBytes() {
        return data.byteSize();
    }

    private float at(long index) {
        return data.get(FLOAT, index * 4);
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

    @Override
    void kernel(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int r0, int r1) {
        final int cols = this.cols;
        if (n == 1) {
            // the order of kernelBatchDecoded: two chains of lane sums (even and odd vector indices) over the vector
            // columns, added, summed in lane order, then the tail
            final int vend = cols / L * L;
            for (int r = r0; r < r1; r++) {
                final long base = (long) r * cols;
                FloatVector a = FloatVector.zero(F);
                FloatVector b = FloatVector.zero(F);
                int c = 0;
                for (; c + 2 * L <= vend; c += 2 * L) {
                    a = FloatVector.fromMemorySegment(F, data, (base + c) * 4, ByteOrder.LITTLE_ENDIAN)
                            .fma(FloatVector.fromArray(F, x, xOff + c), a);
                    b = FloatVector.fromMemorySegment(F, data, (base + c + L) * 4, ByteOrder.LITTLE_ENDIAN)
                            .fma(FloatVector.fromArray(F, x, xOff + c + L), b);
                }
                if (c < vend) { // the last vector (even index)
                    a = FloatVector.fromMemorySegment(F, data, (base + c) * 4, ByteOrder.LITTLE_ENDIAN)
                            .fma(FloatVector.fromArray(F, x, xOff + c), a);
                }
                float tail = 0f;
                for (c = vend; c < cols; c++) {
                    tail += at(base + c) * x[xOff + c];
                }
                out[outOff + r] = sumLanes(a.add(b)) + tail;
            }
            return;
        }
        kernelBatchDecoded(x, xOff, xStride, n, out, outOff, outStride, r0, r1);
    }

    /** Copies {@code nr} rows of a column chunk. */
    @Override
    void decodeTile(int r, int nr, int c0, int width, float[] tile) {
        for (int i = 0; i < nr; i++) {
            MemorySegment.copy(data, FLOAT, ((long) (r + i) * cols + c0) * 4, tile, i * TILE_COLS, width);
        }
    }
}
