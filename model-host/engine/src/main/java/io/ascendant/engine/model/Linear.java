package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.DType;
import io.ascendant.engine.checkpoint.WeightSource;
import io.ascendant.engine.kernels.WeightMatrix;
import io.ascendant.engine.numerics.ActQuant;
import io.ascendant.engine.numerics.Bf16;

/**
 * One projection as the reference's {@code linear()} dispatches it by weight dtype: FP8 and FP4 weights get their
 * input through {@code act_quant(x, 128, "ue8m0")} (simulated: quantise-dequantise) and write bf16; BF16 weights
 * are a bf16 {@code F.linear} (bf16 output) or, where the reference keeps the layer in fp32 (compressor, gate,
 * head), an fp32 product with fp32 output.
 */
final class Linear {
    /** Activation block of the FP8/FP4 GEMMs. */
    static final int ACT_BLOCK = 128;

    enum Out {
        /** Output rounded to bf16 (every bf16 GEMM of the reference). */
        BF16,
        /** Output kept in fp32 (layers the reference holds in fp32). */
        FP32
    }

    final String name;
    final WeightMatrix w;
    final boolean quantisedInput;
    final Out out;

    private Linear(String name, WeightMatrix w, boolean quantisedInput, Out out) {
        this.name = name;
        this.w = w;
        this.quantisedInput = quantisedInput;
        this.out = out;
    }

    /** A projection whose input quantisation follows the stored dtype ({@code linear()} in model.py). */
    static Linear of(WeightSource src, String weightName, Out out) {
        DType dt = src.dtype(weightName);
        boolean quantised = dt == DType.F8_E4M3 || dt == DType.I8;
        return new Linear(weightName, src.matrix(weightName), quantised, out);
    }

    /** A projection that never quantises its input (the bf16 einsum of {@code wo_a}, fp32 layers). */
    static Linear plain(WeightSource src, String weightName, Out out) {
        return new Linear(weightName, src.matrix(weightName), false, out);
    }

    int rows() {
        return w.rows();
    }

    int cols() {
        return w.cols();
    }

    /**
     * {@code y[n, rows] = x[n, cols] · Wᵀ} (fp32 accumulation; rounded to bf16 for {@link Out#BF16}). {@code x}
     * must already be the GEMM input: {@link #input} gives the act_quant copy when the weight is FP8/FP4.
     */
    void forward(float[] x, int n, float[] y) {
        w.matmul(x, n, y);
        if (out == Out.BF16) {
            Bf16.roundInPlace(y, 0, n * w.rows());
        }
    }

    /** Writes {@code act_quant(x)} (dequantised) for n rows of width {@code cols} into {@code xq}. */
    static void actQuant(float[] x, int n, int cols, float[] xq) {
        for (int r = 0; r < n; r++) {
            ActQuant.fp8QuantDequant(x, r * cols, cols, ACT_BLOCK, true, xq, r * cols);
        }
    }

    /** Input to this projection: {@code x} itself, or its quantised copy in {@code scratch}. */
    float[] input(float[] x, int n, float[] scratch) {
        if (!quantisedInput) {
            return x;
        }
        actQuant(x, n, w.cols(), scratch);
        return scratch;
    }

    long storedBytes() {
        return w.storedBytes();
    }
}
