package io.ascendant.engine.kernels;

import static io.ascendant.engine.kernels.Vec.F;
import static io.ascendant.engine.kernels.Vec.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The batch half of the tiled kernels: one decoded weight tile against every row of the batch. */
final class BatchDot {
    private BatchDot() {}

    /**
     * For each batch row b: lane accumulators {@code acc[b·L, b·L+L)} += tile[0, vend) · x_b lane-wise and
     * {@code tails[b]} += the scalar remainder {@code [vend, len)}; {@code x_b} starts at {@code xOff + b·xStride}.
     */
    static void accumulate(
            float[] tile, int vend, int len, float[] x, int xOff, int xStride, int n, float[] acc, float[] tails) {
        for (int b = 0; b < n; b++) {
            final int xb = xOff + b * xStride;
            FloatVector v = FloatVector.fromArray(F, acc, b * L);
            for (int i = 0; i < vend; i += L) {
                v = FloatVector.fromArray(F, tile, i).fma(FloatVector.fromArray(F, x, xb + i), v);
            }
            v.intoArray(acc, b * L);
            float t = 0f;
            for (int i = vend; i < len; i++) {
                t += tile[i] * x[xb + i];
            }
            tails[b] += t;
        }
    }

    /** Reduces the lane accumulators: {@code out[outPos + b·outStride] = Σ lanes + tails[b]}. */
    static void finish(float[] acc, float[] tails, int n, float[] out, int outPos, int outStride) {
        for (int b = 0; b < n; b++) {
            out[outPos + b * outStride] =
                    FloatVector.fromArray(F, acc, b * L).reduceLanes(VectorOperators.ADD) + tails[b];
        }
    }
}
