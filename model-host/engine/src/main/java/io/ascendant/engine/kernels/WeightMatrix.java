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

    /**
     * The general product the others are cases of: for rows r in {@code [rowStart, rowEnd)} and batch rows b in
     * {@code [0, n)}, {@code out[outOff + b·outStride + r] = Σ_c W[r, c] · x[xOff + b·xStride + c]}. Note that r is
     * the absolute row index: a row range writes the same slots a full product would. This is what a grouped
     * projection needs (V4 {@code wo_a}: group g is rows {@code [g·o_lora, (g+1)·o_lora)} applied to the group's
     * slice of the attention output, {@code xOff = g·cols()}). Rows are split across the engine threads; every
     * weight byte of the range is read once for the whole batch.
     *
     * @throws IndexOutOfBoundsException if a range or an array is too short
     */
    default void matmulRows(
            float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride, int rowStart, int rowEnd) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no row-range product");
    }

    /**
     * One row's dot product {@code Σ_c W[row, c] · x[xOff + c]} on the calling thread (a convenience for small
     * cases; allocates a one-element buffer, so keep it out of hot loops).
     */
    default float dotRow(int row, float[] x, int xOff) {
        float[] out = new float[rows()];
        matvec(x, xOff, out, 0);
        return out[row];
    }
}
