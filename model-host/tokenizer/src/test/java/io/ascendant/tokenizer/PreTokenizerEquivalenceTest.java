package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written DeepSeek scanner cuts every corpus text exactly where DeepSeek's three regexes, run by
 * java.util.regex as Split/Isolated steps, cut it.
 */
class PreTokenizerEquivalenceTest {

    static List<String> pieces(PreTokenizer p, String text) {
        List<String> out = new ArrayList<>();
        p.split(text, 0, text.length(), (t, s, e) -> out.add(t.substring(s, e)));
        return out;
    }

    static RegexPreTokenizer regexVersion() {
        List<RegexPreTokenizer.Step> steps = new ArrayList<>();
        for (String p : List.of(DeepSeekPreTokenizer.DIGITS, DeepSeekPreTokenizer.CJK, DeepSeekPreTokenizer.MAIN)) {
            steps.add(new RegexPreTokenizer.Step(
                    RegexPreTokenizer.compile(p), RegexPreTokenizer.Behavior.ISOLATED, false));
        }
        return new RegexPreTokenizer(steps, false);
    }

    @Test
    void scannerCutsLikeTheRegexes() {
        DeepSeekPreTokenizer scanner = new DeepSeekPreTokenizer();
        RegexPreTokenizer regex = regexVersion();
        List<String> corpus = TextCorpus.generate(7L, List.of("<｜User｜>", "<think>"));
        int checked = 0;
        for (String text : corpus) {
            assertThat(pieces(scanner, text))
                    .as(DifferentialAgainstHuggingFaceTest.describe(text))
                    .isEqualTo(pieces(regex, text));
            checked++;
        }
        assertThat(checked).isGreaterThan(5000);
    }

    @Test
    void cutsWhitespaceBeforeWordsAsTheLookaheadDoes() {
        DeepSeekPreTokenizer scanner = new DeepSeekPreTokenizer();
        assertThat(pieces(scanner, "a   b")).containsExactly("a", "  ", " b");
        assertThat(pieces(scanner, "a \n\n b")).containsExactly("a", " \n\n", " b");
        assertThat(pieces(scanner, "x  ")).containsExactly("x", "  ");
        assertThat(pieces(scanner, "12345 678")).containsExactly("123", "45", " ", "678");
        assertThat(pieces(scanner, "你好abc")).containsExactly("你好", "abc");
        assertThat(pieces(scanner, ".NET !!\n\nx")).containsExactly(".NET", " !!\n\n", "x");
    }
}
