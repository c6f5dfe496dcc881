package io.ascendant.engine.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Fp4AndE8m0Test {

    @Test
    void decodesAll16Fp4Codes() {
        float[] magnitudes = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};
        for (int c = 0; c < 16; c++) {
            float expected = (c & 8) != 0 ? -magnitudes[c & 7] : magnitudes[c & 7];
            assertThat(Fp4E2m1.decode(c)).as("code %x", c).isEqualTo(expected);
        }
    }

    @Test
    void unpacksLowNibbleFirst() {
        byte packed = (byte) 0xA3; // low 3 -> 1.5, high 0xA -> -1.0
        assertThat(Fp4E2m1.decodePacked(packed, 0)).isEqualTo(1.5f);
        assertThat(Fp4E2m1.decodePacked(packed, 1)).isEqualTo(-1f);
    }

    @Test
    void encodesToNearestWithTiesToEven() {
        for (int c = 0; c < 16; c++) {
            if (c != 8) {
                assertThat(Fp4E2m1.encode(Fp4E2m1.decode(c))).isEqualTo(c);
            }
        }
        assertThat(Fp4E2m1.round(0.25f)).isEqualTo(0f);
        assertThat(Fp4E2m1.round(0.26f)).isEqualTo(0.5f);
        assertThat(Fp4E2m1.round(0.75f)).isEqualTo(1f);
        assertThat(Fp4E2m1.round(1.25f)).isEqualTo(1f);
        assertThat(Fp4E2m1.round(1.75f)).isEqualTo(2f);
        assertThat(Fp4E2m1.round(2.5f)).isEqualTo(2f);
        assertThat(Fp4E2m1.round(3.5f)).isEqualTo(4f);
        assertThat(Fp4E2m1.round(5f)).isEqualTo(4f);
        assertThat(Fp4E2m1.round(5.01f)).isEqualTo(6f);
        assertThat(Fp4E2m1.round(100f)).isEqualTo(6f);
        assertThat(Fp4E2m1.round(-2.5f)).isEqualTo(-2f);
        assertThat(Fp4E2m1.round(-0.75f)).isEqualTo(-1f);
        assertThat(Float.floatToRawIntBits(Fp4E2m1.round(-0.1f))).isEqualTo(0x80000000);
    }

    @Test
    void e8m0DecodesEveryCodeAsAPowerOfTwo() {
        for (int b = 1; b < 255; b++) {
            assertThat((double) E8m0.decode(b)).isEqualTo(Math.pow(2, b - 127));
            assertThat(E8m0.encode(E8m0.decode(b)) & 0xff).isEqualTo(b);
        }
        assertThat(E8m0.decode(0)).isEqualTo(0x1p-127f);
        assertThat(E8m0.encode(0x1p-127f)).isEqualTo((byte) 0);
        assertThat(E8m0.decode(255)).isNaN();
        assertThat(E8m0.decode(127)).isEqualTo(1f);
        assertThatThrownBy(() -> E8m0.encode(3f)).isInstanceOf(IllegalArgumentException.class);
    }
}
