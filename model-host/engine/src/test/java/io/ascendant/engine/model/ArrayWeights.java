package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.CheckpointException;
import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.kernels.WeightMatrix;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory {@link WeightSource} for unit tests: tensors are float arrays (already dequantised values) with a
 * declared dtype, so the model treats FP8/FP4-declared matrices as quantised (act_quant on their inputs) while the
 * products here are plain scalar fp32 loops (the obviously-correct oracle).
 */
final class ArrayWeights implements WeightSource {
    record Tensor(DType dtype, long[] shape, float[] values, int[] ints) {}

    final Map<String, Tensor> tensors = new HashMap<>();

    ArrayWeights put(String name, DType dtype, float[] values, long... shape) {
        tensors.put(name, new Tensor(dtype, shape, values, null));
        return this;
    }

    ArrayWeights putInts(String name, int[] values, long... shape) {
        tensors.put(name, new Tensor(DType.I64, shape, null, values));
        return this;
    }

    private Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException("test weights: missing tensor " + name);
        }
        return t;
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public DType dtype(String name) {
        return get(name).dtype();
    }

    @Override
    public long[] shape(String name) {
        return get(name).shape().clone();
    }

    @Override
    public WeightMatrix matrix(String name) {
        Tensor t = get(name);
        return new ArrayMatrix(t.values(), (int) t.shape()[0], (int) t.shape()[1]);
    }

    @Override
    public float[] floats(String name) {
        return get(name).values().clone();
    }

    @Override
    public int[] ints(String name) {
        return get(name).ints().clone();
    }

    @Override
    public void row(String name, int row, float[] out, int outOff) {
        Tensor t = get(name);
        int cols = (int) t.shape()[1];
        System.arraycopy(t.values(), row * cols, out, outOff, cols);
    }

    @Override
    public void close() {}

    /** Scalar oracle matrix. */
    static final class ArrayMatrix implements WeightMatrix {
        final float[] w;
        final int rows;
        final int cols;

        ArrayMatrix(float[] w, int rows, int cols) {
            this.w = w;
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int cols() {
            return cols;
        }

        @Override
        public void matvec(float[] x, int xOff, float[] out, int outOff) {
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                for (int c = 0; c < cols; c++) {
                    s += w[r * cols + c] * x[xOff + c];
                }
                out[outOff + r] = s;
            }
        }

        @Override
        public void matmul(float[] x, int n, float[] out) {
            for (int b = 0; b < n; b++) {
                matvec(x, b * cols, out, b * rows);
            }
        }

        @Override
        public void matmulRows(
                float[] x,
                int xOff,
                int xStride,
                int n,
                float[] out,
                int outOff,
                int outStride,
                int rowStart,
                int rowEnd) {
            for (int b = 0; b < n; b++) {
                for (int r = rowStart; r < rowEnd; r++) {
                    float s = 0f;
                    for (int c = 0; c < cols; c++) {
                        s += w[r * cols + c] * x[xOff + b * xStride + c];
                    }
                    out[outOff + b * outStride + r] = s;
                }
            }
        }

        @Override
        public long storedBytes() {
            return 4L * rows * cols;
        }
    }
}
