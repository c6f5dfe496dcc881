package io.ascendant.engine.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp8E4m3Test {

    /** Independent definition: (-1)^s · 2^(e-7) · (1 + m/8), subnormal 2^-6 · m/8. */
    private static double reference(int c) {
        int s = c >> 7 & 1;
        int e = c >> 3 & 0xf;
        int m = c & 7;
        double mag = e == 0 ? Math.pow(2, -6) * m / 8.0 : Math.pow(2, e - 7) * (1 + m / 8.0);
        return s == 1 ? -mag : mag;
    }

    @Test
    void decodesAll256Codes() {
        for (int c = 0; c < 256; c++) {
            if ((c & 0x7f) == 0x7f) {
                assertThat(Fp8E4m3.decode(c)).as("code %02x", c).isNaN();
            } else {
                assertThat((double) Fp8E4m3.decode(c)).as("code %02x", c).isEqualTo(reference(c));
            }
        }
        assertThat(Fp8E4m3.decode(0x7e)).isEqualTo(448f);
        assertThat(Fp8E4m3.decode(0x38)).isEqualTo(1f);
        assertThat(Fp8E4m3.decode(0x08)).isEqualTo(0x1p-6f);
        assertThat(Fp8E4m3.decode(0x01)).isEqualTo(0x1p-9f);
        assertThat(Float.floatToRawIntBits(Fp8E4m3.decode(0x80))).isEqualTo(0x80000000);
    }

    @Test
    void rawBitsTimes2pow120EqualsTheValueForEveryFiniteCode() {
        for (int c = 0; c < 256; c++) {
            if ((c & 0x7f) == 0x7f) {
                continue;
            }
            float raw = Float.intBitsToFloat(Fp8E4m3.rawBits((byte) c));
            assertThat(raw * 0x1p120f).as("code %02x", c).isEqualTo(Fp8E4m3.decode(c));
        }
    }

    @Test
    void encodeInvertsDecodeForEveryFiniteCode() {
        for (int c = 0; c < 256; c++) {
            if ((c & 0x7f) == 0x7f) {
                continue;
            }
            assertThat(Fp8E4m3.encode(Fp8E4m3.decode(c)) & 0xff)
                    .as("code %02x", c)
                    .isEqualTo(c);
        }
    }

    @Test
    void tiesGoToTheEvenCode() {
        for (int c = 0; c < 0x7e; c++) {
            double mid = (reference(c) + reference(c + 1)) / 2;
            int expected = (c & 1) == 0 ? c : c + 1;
            assertThat(Fp8E4m3.encode((float) mid) & 0xff)
                    .as("midpoint after %02x", c)
                    .isEqualTo(expected);
            assertThat(Fp8E4m3.encode((float) -mid) & 0xff).isEqualTo(expected | 0x80);
        }
        assertThat(Fp8E4m3.encode(0x1p-10f)).isEqualTo((byte) 0); // half the smallest subnormal -> 0
        assertThat(Fp8E4m3.encode(3 * 0x1p-10f)).isEqualTo((byte) 2);
    }

    @Test
    void saturatesAt448() {
        assertThat(Fp8E4m3.encode(448f)).isEqualTo((byte) 0x7e);
        assertThat(Fp8E4m3.encode(464f)).isEqualTo((byte) 0x7e);
        assertThat(Fp8E4m3.encode(1e9f)).isEqualTo((byte) 0x7e);
        assertThat(Fp8E4m3.encode(Float.POSITIVE_INFINITY)).isEqualTo((byte) 0x7e);
        assertThat(Fp8E4m3.encode(-1e9f)).isEqualTo((byte) 0xfe);
        assertThat(Fp8E4m3.encode(Float.NaN)).isEqualTo((byte) 0x7f);
        assertThat(Fp8E4m3.encode(-0f)).isEqualTo((byte) 0x80);
    }

    @Test
    void encodeIsTheNearestCodeForRandomInputs() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20000; i++) {
            float x = (float) (r.nextDouble(-1, 1) * Math.pow(2, r.nextInt(-14, 10)));
            int got = Fp8E4m3.encode(x) & 0xff;
            double best = Double.MAX_VALUE;
            for (int c = 0; c < 256; c++) {
                if ((c & 0x7f) != 0x7f && Math.signum(reference(c)) * Math.signum(x) >= 0) {
                    best = Math.min(best, Math.abs(reference(c) - Math.max(-448, Math.min(448, x))));
                }
            }
            assertThat(Math.abs(reference(got) - Math.max(-448, Math.min(448, x))))
                    .as("x=%s", x)
                    .isEqualTo(best);
        }
    }
}
