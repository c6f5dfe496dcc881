package io.ascendant.engine.model;

import io.ascendant.engine.numerics.Bf16;

/** RMSNorm as the reference's {@code RMSNorm.forward}: fp32 {@code w · (x · rsqrt(mean(x²) + eps))}, then bf16. */
final class Norms {
    private Norms() {}

    /** Normalises {@code n} rows of width {@code dim} from {@code x} into {@code out} (may alias), bf16 output. */
    static void rmsNorm(float[] x, int n, int dim, float[] weight, float eps, float[] out) {
        for (int r = 0; r < n; r++) {
            rmsNormRow(x, r * dim, dim, weight, eps, out, r * dim);
        }
    }

    static void rmsNormRow(float[] x, int off, int dim, float[] weight, float eps, float[] out, int outOff) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float v = x[off + i];
            sum += v * v;
        }
        float var = sum * (1f / dim);
        float r = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = Bf16.round(weight[i] * (x[off + i] * r));
        }
    }

    /**
     * The weight-less per-head renormalisation of the query, in bf16 with the reference's five rounding points
     * (§2.1 item 5): {@code q² → bf16}, {@code mean → bf16}, {@code + eps → bf16}, {@code rsqrt → bf16},
     * {@code q · r → bf16}.
     */
    static void headRenormBf16(float[] q, int off, int dim, float eps) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float v = q[off + i];
            sum += Bf16.round(v * v);
        }
        float mean = Bf16.round(sum * (1f / dim));
        float t = Bf16.round(mean + eps);
        float r = Bf16.round((float) (1.0 / Math.sqrt(t)));
        for (int i = 0; i < dim; i++) {
            q[off + i] = Bf16.round(q[off + i] * r);
        }
    }
}
