package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The proof of exactness: the V4 tokenizer gives the same ids as Hugging Face's Rust tokenizers library on the same
 * tokenizer.json, for every text of a deterministic corpus of several thousand varied texts plus random Unicode.
 */
class DifferentialAgainstHuggingFaceTest {
    private static final long SEED = 20261129L;
    private final Tokenizer tokenizer = Tokenizer.deepSeekV4();

    static List<String> addedTokens(Tokenizer t) {
        List<String> out = new ArrayList<>(List.of(t.tokenContent(0), t.tokenContent(1), t.tokenContent(2)));
        for (int id = 128000; id < t.vocabularySize(); id++) {
            out.add(t.tokenContent(id));
        }
        return out;
    }

    static String describe(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(80).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        });
        return sb + (text.codePointCount(0, text.length()) > 80 ? "..." : "");
    }

    @Test
    void encodesTheCorpusExactlyAsHuggingFace() {
        List<String> corpus = TextCorpus.generate(SEED, addedTokens(tokenizer));
        List<String> differences = new ArrayList<>();
        long tokens = 0;
        long chars = 0;
        for (int from = 0; from < corpus.size(); from += 500) {
            List<String> batch = corpus.subList(from, Math.min(corpus.size(), from + 500));
            int[][] expected = HuggingFaceOracle.encodeAll(batch);
            for (int i = 0; i < batch.size(); i++) {
                String text = batch.get(i);
                int[] actual = tokenizer.encode(text);
                tokens += actual.length;
                chars += text.length();
                if (!Arrays.equals(actual, expected[i])) {
                    differences.add(describe(text) + "\n  ours: " + Arrays.toString(actual) + "\n  hf:   "
                            + Arrays.toString(expected[i]));
                }
                if (tokenizer.countTokens(text) != actual.length) {
                    differences.add("countTokens != encode length for " + describe(text));
                }
                if (!tokenizer.decode(actual).equals(text)) {
                    differences.add("decode(encode(t)) != t for " + describe(text));
                }
            }
        }
        System.out.printf(
                "differential corpus: %d texts, %d chars, %d tokens, %d differences%n",
                corpus.size(), chars, tokens, differences.size());
        assertThat(corpus).hasSizeGreaterThan(5000);
        assertThat(differences)
                .as("texts where our ids differ from Hugging Face's")
                .isEmpty();
    }

    @Test
    void decodesArbitraryIdSequencesAsHuggingFace() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> differences = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            int[] ids = new int[1 + random.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                // Mostly BPE tokens (including the byte tokens that make invalid UTF-8), some added tokens.
                ids[i] = random.nextInt(10) == 0
                        ? 128000 + random.nextInt(1280)
                        : random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(128000);
            }
            String expected = HuggingFaceOracle.decode(ids);
            String actual = tokenizer.decode(ids);
            if (!actual.equals(expected)) {
                differences.add(Arrays.toString(ids) + ": ours " + describe(actual) + " hf " + describe(expected));
            }
            if (!tokenizer.decode(ids, true).equals(HuggingFaceOracle.decode(ids, true))) {
                differences.add("skip-special decode differs for " + Arrays.toString(ids));
            }
            StreamingDecoder streaming = tokenizer.newStreamingDecoder();
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append(streaming.next(id));
            }
            sb.append(streaming.finish());
            if (!sb.toString().equals(actual)) {
                differences.add("streaming decode differs for " + Arrays.toString(ids));
            }
        }
        assertThat(differences).isEmpty();
    }
}
