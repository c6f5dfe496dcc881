package io.ascendant.engine.kernels;

/** Input prescaling shared by the FP8/FP4 batch-1 kernels. */
final class Prescale {
    private Prescale() {}

    /**
     * Writes {@code xs[c] = x[xOff + c] · 2^-e · mult} for {@code c < len}, where e is the smallest exponent with
     * {@code max|x| < 2^e}, and returns {@code 2^e}. Both multiplications are by powers of two, so {@code xs} is exact
     * (barring inputs 2^126 times smaller than the largest) and {@code Σ raw·xs · 2^e} equals {@code Σ w·x}.
     */
    static float apply(float[] x, int xOff, int len, float[] xs, float mult) {
        float amax = 0f;
        for (int c = 0; c < len; c++) {
            amax = Math.max(amax, Math.abs(x[xOff + c]));
        }
        int e = amax == 0f ? 0 : Math.min(127, Math.max(-126, Math.getExponent(amax) + 1));
        float down = Math.scalb(1f, -e);
        for (int c = 0; c < len; c++) {
            xs[c] = x[xOff + c] * down * mult;
        }
        return Math.scalb(1f, e);
    }
}
