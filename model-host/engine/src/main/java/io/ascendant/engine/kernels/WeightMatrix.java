package io.ascendant.engine.kernels;

/**
 * A read-only weight matrix W of shape (rows, cols), row-major as stored in the checkpoint ({@code [out, in]}
 * in PyTorch's {@code nn.Linear} convention), whatever its on-disk encoding (BF16, F32, FP8 e4m3 with 128×128
 * E8M0 block scales, FP4 e2m1 with 1×32 E8M0 scales). Implementations decode the encoding inside the dot
 * product and never expand the matrix into a float copy.
 *
 * <p>Numerics follow the reference GEMM kernels ({@code kernel.py} {@code fp8_gemm} / {@code fp4_gemm}): the
 * caller passes activations that already went through the reference's activation quantisation where the
 * reference quantises; the kernel multiplies by the dequantised weights and accumulates in fp32. Rounding of the
 * output (the reference writes bf16) is the caller's job.
 *
 * <p>Threading: implementations are immutable and safe to share; the methods may split rows across threads
 * internally.
 */
public interface WeightMatrix {

    /** Output dimension (number of rows). */
    int rows();

    /** Input dimension (number of columns). */
    int cols();

    /**
     * {@code out[outOff + r] = Σ_c W[r, c] · x[xOff + c]} for every row r, fp32 accumulation.
     *
     * @param x input vector, {@code cols()} values from {@code xOff}
     * @param out output vector, {@code rows()} values written from {@code outOff}
     */
    void matvec(float[] x, int xOff, float[] out, int outOff);

    /**
     * Batched product {@code OUT[n, rows] = X[n, cols] · Wᵀ}, reading each weight block once for all {@code n}
     * rows of the batch (this is what makes batched decode cheaper than n single decodes).
     *
     * @param x row-major {@code [n, cols]}
     * @param n number of rows in the batch
     * @param out row-major {@code [n, rows]}
     */
    void matmul(float[] x, int n, float[] out);

    /** Bytes of the stored weights (and scales) this matrix reads per full product: the roofline's unit. */
    long storedBytes();
}
