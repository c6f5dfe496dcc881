package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counting a text in parts cut where {@link Tokenizer#lastCountCut} allows gives the count of the whole: on the corpus
 * of the differential tests and on short random texts built from the chars that sit on either side of a cut or of a
 * near miss (newline and white-space runs, letters and marks, surrogate pairs, CJK and kana, digits, added tokens).
 */
class CountCutTest {
    private static final Tokenizer V4 = Tokenizer.deepSeekV4();

    /** Every cut of {@code text}, in order. */
    private static List<Integer> cuts(Tokenizer tokenizer, String text) {
        List<Integer> cuts = new ArrayList<>();
        for (int k = 1; k < text.length(); k++) {
            if (tokenizer.isCountCut(text, k)) {
                cuts.add(k);
            }
        }
        return cuts;
    }

    /** The sum of the counts of the parts between consecutive cuts. */
    private static long countInParts(String text, List<Integer> cuts) {
        long sum = 0;
        int from = 0;
        for (int cut : cuts) {
            sum += V4.countTokens(text.substring(from, cut));
            from = cut;
        }
        return sum + V4.countTokens(text.substring(from));
    }

    @Test
    void theCorpusCountedInPartsBetweenAllItsCutsCountsAsAWhole() {
        List<String> corpus = TextCorpus.generate(
                13L, List.of("<｜User｜>", "<｜Assistant｜>", "<think>", "</think>", "<｜end▁of▁sentence｜>"));
        long cutsChecked = 0;
        for (String text : corpus) {
            List<Integer> cuts = cuts(V4, text);
            assertThat(countInParts(text, cuts))
                    .as("%s cut at %s", DifferentialAgainstHuggingFaceTest.describe(text), cuts)
                    .isEqualTo(V4.countTokens(text));
            cutsChecked += cuts.size();
        }
        assertThat(cutsChecked).isGreaterThan(100_000);
    }

    @Test
    void shortTextsOfTheCharsAroundCutsCountInTwoPartsAtEachCutAsAWhole() {
        String[] atoms = {
            "\n",
            "\n",
            "\r",
            " ",
            " ",
            "\t",
            "\u00a0",
            "\u3000",
            "a",
            "Zq",
            "é",
            "\u0301",
            "中",
            "の",
            "ア",
            "\u3099",
            "1",
            "٣",
            ".",
            "!\n",
            "<",
            ">",
            "｜",
            "😀",
            "\ud835\udc00",
            "think",
            "<think>",
            "</think>",
            "<｜User｜>",
            "_"
        };
        SplittableRandom random = new SplittableRandom(29L);
        long cutsChecked = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int parts = 1 + random.nextInt(12); parts > 0; parts--) {
                sb.append(atoms[random.nextInt(atoms.length)]);
            }
            String text = sb.toString();
            int whole = V4.countTokens(text);
            for (int cut : cuts(V4, text)) {
                assertThat(V4.countTokens(text.substring(0, cut)) + V4.countTokens(text.substring(cut)))
                        .as("%s cut at %d", DifferentialAgainstHuggingFaceTest.describe(text), cut)
                        .isEqualTo(whole);
                cutsChecked++;
            }
        }
        assertThat(cutsChecked).isGreaterThan(20_000);
    }

    @Test
    void cutsOnlyWhereTheCharsEitherSideAllowIt() {
        assertThat(V4.isCountCut("a\nb", 2)).as("newline, then a letter").isTrue();
        assertThat(V4.isCountCut("a\n b", 2)).as("newline, then white space").isFalse();
        assertThat(V4.isCountCut("ab c", 2)).as("letter, then a space").isTrue();
        assertThat(V4.isCountCut("ab", 1)).as("letter, then a letter").isFalse();
        assertThat(V4.isCountCut("e\u0301", 1)).as("letter, then a mark").isFalse();
        assertThat(V4.isCountCut("a😀", 1)).as("letter, then a surrogate").isFalse();
        assertThat(V4.isCountCut("12", 1)).as("digit, then a digit").isFalse();
        assertThat(V4.isCountCut("你好，", 2)).as("ideograph, then punctuation").isTrue();
        assertThat(V4.isCountCut("<think>", 6))
                .as("letter, then '>', inside an added token")
                .isFalse();
    }

    @Test
    void lastCountCutIsTheLastCutAfterFrom() {
        String text = "alpha beta\ngamma";
        assertThat(V4.lastCountCut(text, 0)).isEqualTo(11);
        assertThat(V4.lastCountCut(text, 11)).isEqualTo(11);
        assertThat(V4.lastCountCut("alphabet", 0)).isZero();
        assertThat(V4.lastCountCut("", 0)).isZero();
    }

    /** Qwen3 has an NFC normalizer, GPT-4o the general regex pre-tokenizer: neither proves a cut. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "gpt4o"})
    void otherTokenizerFilesHaveNoCuts(String name) throws Exception {
        Tokenizer other;
        try (InputStream in = getClass().getResourceAsStream("other/" + name + "-tokenizer.json.gz")) {
            other = Tokenizer.load(in, name);
        }
        assertThat(other.lastCountCut("alpha beta\ngamma 你好，世界", 0)).isZero();
    }
}
