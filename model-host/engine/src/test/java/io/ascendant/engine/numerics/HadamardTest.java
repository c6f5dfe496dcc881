package io.ascendant.engine.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HadamardTest {

    @Test
    void matchesTheExplicitSylvesterMatrixToOneBf16Ulp() {
        int n = 128;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = Bf16.round((float) r.nextGaussian());
        }
        float[] y = x.clone();
        Hadamard.transformBf16(y, 3, n);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += (Integer.bitCount(i & j) % 2 == 0 ? 1 : -1) * x[3 + j];
            }
            double expected = sum / Math.sqrt(n);
            assertThat((double) y[3 + i]).isCloseTo(expected, within(Math.abs(expected) / 128 + 1e-6));
            assertThat(Bf16.round(y[3 + i])).isEqualTo(y[3 + i]);
        }
        assertThat(y[0]).isEqualTo(x[0]); // outside the range untouched
    }

    @Test
    void h2IsTheTwoPointButterfly() {
        float[] x = {3f, 1f};
        Hadamard.transformBf16(x, 0, 2);
        assertThat(x[0]).isEqualTo(Bf16.round(4f * (float) Math.pow(2, -0.5)));
        assertThat(x[1]).isEqualTo(Bf16.round(2f * (float) Math.pow(2, -0.5)));
    }
}
