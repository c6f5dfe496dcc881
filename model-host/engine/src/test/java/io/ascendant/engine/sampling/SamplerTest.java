package io.ascendant.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1f, 3f, 2f, 3f, -1f};

    private static SamplingParams params(
            float t, float topP, int topK, float minP, long seed, float rep, float freq, float pres) {
        return new SamplingParams(t, topP, topK, minP, seed, rep, freq, pres, 100, new int[] {4}, List.of(), 0);
    }

    @Test
    void greedyPicksTheLowestIdOfTheMaximum() {
        Sampler s = new Sampler(SamplingParams.greedy(10), 5, new int[0]);
        assertThat(s.next(LOGITS)).isEqualTo(1);
    }

    @Test
    void greedyFastPathPicksWhatTheCopyingPathPicks() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int vocab : new int[] {1, 2, 7, 129_280}) {
            Sampler s = new Sampler(SamplingParams.greedy(1_000), vocab, new int[] {0});
            assertThat(s.greedyFastPath()).isTrue();
            for (int trial = 0; trial < 20; trial++) {
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    logits[i] = (float) r.nextInt(-4, 5); // coarse values: many ties for the maximum
                }
                if (trial % 5 == 0) {
                    logits[r.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
                }
                float[] before = logits.clone();
                int fast = s.next(logits);
                assertThat(fast).isEqualTo(s.chooseGeneral(logits)).isEqualTo(Sampler.argmax(before));
                assertThat(logits).isEqualTo(before); // not modified
            }
        }
    }

    @Test
    void penaltiesAndSamplingKeepTheGeneralPath() {
        assertThat(new Sampler(params(0f, 1f, 0, 0f, 0, 1.1f, 0f, 0f), 5, new int[0]).greedyFastPath())
                .isFalse();
        assertThat(new Sampler(params(0f, 1f, 0, 0f, 0, 1f, 0.5f, 0f), 5, new int[0]).greedyFastPath())
                .isFalse();
        assertThat(new Sampler(params(0f, 1f, 0, 0f, 0, 1f, 0f, -0.5f), 5, new int[0]).greedyFastPath())
                .isFalse();
        assertThat(new Sampler(params(0.7f, 1f, 0, 0f, 0, 1f, 0f, 0f), 5, new int[0]).greedyFastPath())
                .isFalse();
        // greedy with logprobs: the fast path picks the token, the log-probabilities are those of the raw logits
        Sampler lp = new Sampler(
                new SamplingParams(0f, 1f, 0, 0f, 0, 1f, 0f, 0f, 10, new int[0], List.of(), 2), 5, new int[0]);
        Sampler.Step step = lp.nextWithLogprobs(LOGITS);
        assertThat(step.token()).isEqualTo(1);
        assertThat(step.topIds()).containsExactly(1, 3);
        assertThat(step.logprob()).isEqualTo(step.topLogprobs()[0]);
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentStream() {
        float[] flat = new float[50];
        int[] a = draw(new Sampler(SamplingParams.temperature(1f, 42, 100), 50, new int[0]), flat, 40);
        int[] b = draw(new Sampler(SamplingParams.temperature(1f, 42, 100), 50, new int[0]), flat, 40);
        int[] c = draw(new Sampler(SamplingParams.temperature(1f, 43, 100), 50, new int[0]), flat, 40);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static int[] draw(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.next(logits);
        }
        return out;
    }

    @Test
    void topKOneAndTinyTopPAreGreedy() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(new Sampler(params(1f, 1f, 1, 0f, seed, 1f, 0f, 0f), 5, new int[0]).next(LOGITS))
                    .isEqualTo(1);
            assertThat(new Sampler(params(1f, 0.01f, 0, 0f, seed, 1f, 0f, 0f), 5, new int[0]).next(LOGITS))
                    .isEqualTo(1);
        }
    }

    @Test
    void topKTwoOnlyDrawsTheTwoBest() {
        int[] counts = new int[5];
        Sampler s = new Sampler(params(5f, 1f, 2, 0f, 1, 1f, 0f, 0f), 5, new int[0]);
        for (int i = 0; i < 400; i++) {
            counts[s.next(LOGITS)]++;
        }
        assertThat(counts[1] + counts[3]).isEqualTo(400);
        assertThat(counts[1]).isBetween(150, 250);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // p(2)/p(max) = e^-1 ≈ 0.37 survives min_p 0.3; p(0)/p(max) = e^-2 ≈ 0.14 does not
        int[] counts = new int[5];
        Sampler s = new Sampler(params(1f, 1f, 0, 0.3f, 2, 1f, 0f, 0f), 5, new int[0]);
        for (int i = 0; i < 500; i++) {
            counts[s.next(LOGITS)]++;
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[4]).isZero();
        assertThat(counts[2]).isPositive();
    }

    @Test
    void penaltiesFollowTheVllmDefinitions() {
        // repetition 2 on a prompt token: logit 3 → 1.5 for id 1; id 3 keeps 3 → greedy picks 3
        Sampler rep = new Sampler(params(0f, 1f, 0, 0f, 0, 2f, 0f, 0f), 5, new int[] {1});
        assertThat(rep.next(LOGITS)).isEqualTo(3);
        // frequency 0.6 per output occurrence: after two 3s and one 1 → id 3: 3-1.2 = 1.8, id 1: 3-0.6 = 2.4
        Sampler freq = new Sampler(params(0f, 1f, 0, 0f, 0, 1f, 0.6f, 0f), 5, new int[0]);
        freq.accept(3);
        freq.accept(3);
        freq.accept(1);
        assertThat(freq.next(LOGITS)).isEqualTo(1);
        // presence 1.5 once: ids 1 and 3 both seen → 1.5 each, id 2 (2.0) wins
        Sampler pres = new Sampler(params(0f, 1f, 0, 0f, 0, 1f, 0f, 1.5f), 5, new int[0]);
        pres.accept(3);
        pres.accept(3);
        pres.accept(1);
        assertThat(pres.next(LOGITS)).isEqualTo(2);
    }

    @Test
    void stopsOnStopIdsAndMaxTokens() {
        Sampler s = new Sampler(
                new SamplingParams(0f, 1f, 0, 0f, 0, 1f, 0f, 0f, 2, new int[] {4}, List.of(), 0), 5, new int[0]);
        int t = s.next(LOGITS);
        assertThat(s.isFinished(t)).isFalse();
        assertThat(s.isFinished(4)).isTrue();
        s.next(LOGITS);
        assertThat(s.isFinished(1)).isTrue();
    }

    @Test
    void logprobsAreThoseOfTheRawLogits() {
        Sampler.Step step = Sampler.logprobs(LOGITS, 2, 3);
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        assertThat(step.logprob()).isCloseTo((float) (2 - Math.log(z)), within(1e-5f));
        assertThat(step.topIds()).containsExactly(1, 3, 2);
        assertThat(step.topLogprobs()[0]).isCloseTo((float) (3 - Math.log(z)), within(1e-5f));
    }

    @Test
    void rejectsInvalidParameters() {
        assertThatThrownBy(() -> params(-1f, 1f, 0, 0f, 0, 1f, 0f, 0f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1f, 0f, 0, 0f, 0, 1f, 0f, 0f)).hasMessageContaining("top_p");
    }

    @Test
    void stopStringsAreFoundAndTheirPossibleStartIsHeldBack() {
        StopStrings stops = new StopStrings(List.of("</end>", "STOP"));
        assertThat(stops.find("hello </en", 0)).isEqualTo(-1);
        assertThat(stops.safeLength("hello </en")).isEqualTo(6);
        assertThat(stops.find("hello </end> more", 0)).isEqualTo(6);
        assertThat(stops.safeLength("abc ST")).isEqualTo(4);
        assertThat(stops.safeLength("abc")).isEqualTo(3);
    }
}
