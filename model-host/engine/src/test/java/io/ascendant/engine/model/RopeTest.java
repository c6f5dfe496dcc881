package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RopeTest {

    @Test
    void yarnCorrectionRangeOfFlashIsLow15High25() {
        // d = 64, theta 160000, original context 65536, beta 32 / 1 (V4-Flash and V4-Pro)
        assertThat(Rope.correctionRange(32, 1, 64, 160000, 65536)).containsExactly(15, 25);
    }

    @Test
    void yarnKeepsHighFrequenciesAndInterpolatesLowOnes() {
        float[] plain = Rope.frequencies(64, 160000, 0, 16, 32, 1);
        float[] yarn = Rope.frequencies(64, 160000, 65536, 16, 32, 1);
        for (int i = 0; i <= 15; i++) {
            assertThat(yarn[i]).as("index %d below low", i).isEqualTo(plain[i]);
        }
        for (int i = 25; i < 32; i++) {
            assertThat(yarn[i]).as("index %d above high", i).isCloseTo(plain[i] / 16, within(plain[i] * 1e-6f));
        }
        // i = 20: ramp (20-15)/10 = 0.5 → half of each
        assertThat(yarn[20]).isCloseTo(plain[20] / 16 * 0.5f + plain[20] * 0.5f, within(plain[20] * 1e-6f));
        assertThat(plain[0]).isEqualTo(1f);
        assertThat(plain[1]).isCloseTo((float) Math.pow(160000, -2.0 / 64), within(1e-7f));
    }

    @Test
    void equalLowAndHighGetTheReferenceEpsilon() {
        // a setting where floor(low) == ceil(high) would divide by zero without the +0.001 of linear_ramp_factor
        float[] f = Rope.frequencies(4, 10000, 1, 2, 1, 1);
        for (float v : f) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void rotatesInterleavedPairsAndDerotates() {
        Rope rope = new Rope(4, 10000, 0, 1, 32, 1);
        float[] cos = new float[2];
        float[] sin = new float[2];
        rope.angles(1, cos, sin); // angles 1 rad and 0.01 rad
        float[] x = {1f, 0f, 0f, 1f};
        Rope.apply(x, 0, 4, cos, sin, false);
        assertThat(x[0]).isCloseTo((float) Math.cos(1), within(4e-3f));
        assertThat(x[1]).isCloseTo((float) Math.sin(1), within(4e-3f));
        assertThat(x[2]).isCloseTo((float) -Math.sin(0.01), within(1e-4f));
        assertThat(x[3]).isCloseTo((float) Math.cos(0.01), within(4e-3f));
        Rope.apply(x, 0, 4, cos, sin, true);
        assertThat(x).containsExactly(new float[] {1f, 0f, 0f, 1f}, within(8e-3f));
    }
}
