package io.ascendant.engine.numerics;

/**
 * The Sylvester–Hadamard rotation of the indexer ({@code rotate_activation}: {@code fast_hadamard_transform} with
 * {@code scale = n^-1/2}): {@code y = bf16((H_n · x) · fp32(n^-1/2))} with {@code H[i][j] = (−1)^popcount(i & j)},
 * input bf16, sums in fp32, output rounded to bf16. n must be a power of two (128 in V4).
 */
public final class Hadamard {
    private Hadamard() {}

    /**
     * Transforms {@code x[off, off+n)} in place.
     *
     * @throws IllegalArgumentException if n is not a power of two
     */
    public static void transformBf16(float[] x, int off, int n) {
        if (n <= 0 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("Hadamard size must be a power of two, got " + n);
        }
        for (int h = 1; h < n; h <<= 1) {
            for (int i = off, end = off + n; i < end; i += h << 1) {
                for (int j = i; j < i + h; j++) {
                    float a = x[j];
                    float b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
            }
        }
        float scale = (float) Math.pow(n, -0.5);
        for (int i = off, end = off + n; i < end; i++) {
            x[i] = Bf16.round(x[i] * scale);
        }
    }
}
