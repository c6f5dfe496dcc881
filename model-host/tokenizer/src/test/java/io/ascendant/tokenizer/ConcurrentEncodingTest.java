package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One shared tokenizer used by several threads at once (racing on the word cache) gives the single-thread ids. */
class ConcurrentEncodingTest {

    @Test
    void sharedTokenizerGivesSameIdsUnderConcurrency() throws Exception {
        Tokenizer tokenizer = Tokenizer.load(HuggingFaceOracle.v4TokenizerJson()); // fresh, empty cache
        List<String> corpus = TextCorpus.generate(5L, List.of("<｜User｜>", "<think>"));
        List<int[]> expected = new ArrayList<>();
        for (String t : corpus) {
            expected.add(Tokenizer.deepSeekV4().encode(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int offset = worker * 997;
                results.add(pool.submit(() -> {
                    int mismatches = 0;
                    for (int k = 0; k < corpus.size(); k++) {
                        int i = (k + offset) % corpus.size();
                        if (!java.util.Arrays.equals(tokenizer.encode(corpus.get(i)), expected.get(i))
                                || tokenizer.countTokens(corpus.get(i)) != expected.get(i).length) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
