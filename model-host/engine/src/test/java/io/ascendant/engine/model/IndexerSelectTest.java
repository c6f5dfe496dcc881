package io.ascendant.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexerSelectTest {

    @Test
    void picksDescendingScoresLowerIndexFirstOnTies() {
        float[] scores = {0.5f, 2f, 0.5f, 2f, -1f};
        int[] out = new int[4];
        Indexer.select(scores, 5, 4, 100, out, 0, new long[5]);
        assertThat(out).containsExactly(101, 103, 100, 102);
    }

    @Test
    void padsWithMinusOneWhenFewerEntriesAreVisibleThanTheWidth() {
        // prefill row i = 9 with ratio 4: (9+1)/4 = 2 visible of 5 entries, width min(topk 8, S/4 = 5) = 5
        float[] scores = {0.1f, 0.7f, 9f, 9f, 9f};
        int[] out = new int[5];
        Indexer.select(scores, 2, 5, 20, out, 0, new long[5]);
        assertThat(out).containsExactly(21, 20, -1, -1, -1);
    }

    @Test
    void keepsOnlyTheTopWidthEntries() {
        float[] scores = {3f, -2f, 5f, 0f, 4f};
        int[] out = new int[2];
        Indexer.select(scores, 5, 2, 0, out, 0, new long[5]);
        assertThat(out).containsExactly(2, 4);
    }

    @Test
    void negativeScoresSortBelowPositiveOnes() {
        float[] scores = {-0.5f, -3f, 0f, -0f};
        int[] out = new int[4];
        Indexer.select(scores, 4, 4, 0, out, 0, new long[4]);
        assertThat(out).containsExactly(2, 3, 0, 1);
    }
}
