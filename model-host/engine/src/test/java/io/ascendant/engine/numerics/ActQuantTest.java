package io.ascendant.engine.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActQuantTest {

    @Test
    void roundScaleIsTheNextPowerOfTwoAboveAmaxOver448() {
        assertThat(ActQuant.fp8Scale(1f, true)).isEqualTo(0x1p-8f); // 1/448 = 2^-8.8
        assertThat(ActQuant.fp8Scale(448f * 0x1p-8f * 1.0001f, true)).isEqualTo(0x1p-7f);
        assertThat(ActQuant.fp8Scale(0f, true)).isEqualTo(0x1p-22f); // floor 1e-4 -> 2.2e-7 -> 2^-22
        assertThat(ActQuant.fp8Scale(1f, false)).isEqualTo(ActQuant.FP8_MAX_INV);
        assertThat(ActQuant.fp4Scale(3f)).isEqualTo(0.5f);
        assertThat(ActQuant.fp4Scale(6f * 1.5f)).isEqualTo(2f);
        // an exact power of two: amax * fp32(1/448) keeps the mantissa bits of fp32(1/448), so ceil applies
        float s = ActQuant.fp8Scale(448f, true);
        float t = 448f * ActQuant.FP8_MAX_INV;
        assertThat(s).isEqualTo(t == 1f ? 1f : (t > 1f ? 2f : 1f));
    }

    @Test
    void quantDequantLandsOnTheScaledE4m3Grid() {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) {
            x[i] = Bf16.round((float) r.nextGaussian() * (i < 128 ? 3f : 0.01f));
        }
        float[] out = new float[256];
        ActQuant.fp8QuantDequant(x, 0, 256, 128, true, out, 0);
        for (int b = 0; b < 2; b++) {
            float s = ActQuant.fp8Scale(ActQuant.absMax(x, b * 128, 128), true);
            for (int i = b * 128; i < b * 128 + 128; i++) {
                float q = out[i] / s;
                assertThat(Fp8E4m3.round(q)).isEqualTo(q);
                assertThat(Math.abs(out[i] - x[i])).isLessThanOrEqualTo(Math.abs(x[i]) / 16 + s * 0x1p-9f);
            }
        }
        byte[] codes = new byte[256];
        float[] scales = new float[2];
        ActQuant.fp8Quant(x, 0, 256, 128, true, codes, 0, scales, 0);
        for (int i = 0; i < 256; i++) {
            assertThat(Fp8E4m3.decode(codes[i]) * scales[i / 128]).isEqualTo(out[i]);
        }
    }

    @Test
    void vectorPathMatchesTheScalarDefinitionBitForBit() {
        SplittableRandom r = new SplittableRandom(17);
        for (int round = 0; round < 200; round++) {
            int blocks = 1 + r.nextInt(4);
            float[] x = new float[blocks * 128 + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = Bf16.round((float) (r.nextGaussian() * Math.pow(2, r.nextInt(-30, 12))));
            }
            // exact ties of the e4m3 grid (and signs, zeros) in the second block's scale
            if (blocks > 1) {
                float s = ActQuant.fp8Scale(ActQuant.absMax(x, 3 + 128, 128), true);
                for (int c = 0; c < 0x7e && c < 120; c++) {
                    float mid = (Fp8E4m3.decode(c) + Fp8E4m3.decode(c + 1)) / 2 * s;
                    x[3 + 128 + 1 + c] = (c & 1) == 0 ? mid : -mid;
                }
                x[3 + 128 + 125] = -0f;
                x[3 + 128 + 126] = 0f;
                x[3 + 128] = 448 * s; // keeps the block's amax and scale
            }
            float[] want = new float[x.length];
            float[] got = new float[x.length];
            ActQuant.fp8QuantDequantScalar(x, 3, blocks * 128, 128, true, want, 3);
            ActQuant.fp8QuantDequant(x, 3, blocks * 128, 128, true, got, 3);
            for (int i = 0; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i]))
                        .as("round %d element %d x=%s", round, i, x[i])
                        .isEqualTo(Float.floatToRawIntBits(want[i]));
            }
        }
    }

    @Test
    void zeroBlockQuantisesToZero() {
        float[] x = new float[64];
        ActQuant.fp8QuantDequant(x, 0, 64, 64, true, x, 0);
        ActQuant.fp4Inplace(x, 0, 64, 32);
        assertThat(x).containsOnly(0f);
    }

    @Test
    void releasedInplaceKernelIsANoOpOnBf16() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[448];
        for (int i = 0; i < x.length; i++) {
            x[i] = Bf16.round((float) (r.nextGaussian() * Math.pow(2, r.nextInt(-12, 6))));
        }
        float[] copy = x.clone();
        ActQuant.fp8InplaceReleased(x, 0, 448, 64, true);
        assertThat(x).containsExactly(copy);
        ActQuant.fp8InplaceE4m3(x, 0, 448, 64, true);
        assertThat(x).isNotEqualTo(copy); // the intended QAT rounding does change values
    }

    @Test
    void fp4InplaceRoundsToTheScaledE2m1Grid() {
        float[] x = new float[32];
        x[0] = 3f; // amax 3 -> s = 2^ceil(log2(0.5)) = 0.5
        x[1] = 1.3f; // 2.6 -> 3 -> 1.5
        x[2] = -0.3f; // -0.6 -> -0.5 -> -0.25
        x[3] = 0.125f; // 0.25 -> tie -> 0
        x[4] = 0.375f; // 0.75 -> tie -> 1 -> 0.5
        x[5] = 1.25f; // 2.5 -> tie -> 2 -> 1
        ActQuant.fp4Inplace(x, 0, 32, 32);
        assertThat(x[0]).isEqualTo(3f);
        assertThat(x[1]).isEqualTo(1.5f);
        assertThat(x[2]).isEqualTo(-0.25f);
        assertThat(x[3]).isEqualTo(0f);
        assertThat(x[4]).isEqualTo(0.5f);
        assertThat(x[5]).isEqualTo(1f);
    }
}
