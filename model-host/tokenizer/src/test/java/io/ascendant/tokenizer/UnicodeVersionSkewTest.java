package io.ascendant.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unicode code points, in contexts where its class (letter, mark, number, punctuation, symbol, space, other)
 * decides how the pre-tokenizer cuts: the JDK's Unicode tables and the reference's regex engine must agree wherever it
 * changes ids. Differences would be listed in {@link CharClass#NEWER_THAN_REFERENCE}.
 *
 * <p>By default every code point the JDK assigns in the BMP outside the private-use area, every 5th assigned
 * supplementary one and every 61st other code point (about 95,000); {@code -Dtokenizer.fullUnicodeSweep=true} tries all 1,112,064 (about 3 minutes; run on
 * 2026-11-29 with JDK 25.0.3 and tokenizers 0.38.0: no code point differed).
 */
class UnicodeVersionSkewTest {
    private static final boolean FULL = Boolean.getBoolean("tokenizer.fullUnicodeSweep");

    static String probe(int cp) {
        String x = Character.toString(cp);
        return " " + x + "\n!" + x + "\n" + x + "5\na" + x + "\n" + x + " a\n\u4E00" + x + "\n" + x + x + "\t" + x
                + "\u00A0b";
    }

    @Test
    void everyCodePointClassifiesAsTheReferenceDoes() {
        Tokenizer tokenizer = Tokenizer.deepSeekV4();
        List<String> differences = new ArrayList<>();
        List<Integer> cps = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            int type = Character.getType(cp);
            // Supplementary planes are mostly long runs of one class (CJK extensions, Tangut, Egyptian): every 5th.
            boolean sampled =
                    type != Character.UNASSIGNED && type != Character.PRIVATE_USE && (cp < 0x10000 || cp % 5 == 0);
            if (!FULL && !sampled && cp % 61 != 0 && cp != Character.MAX_CODE_POINT) {
                continue;
            }
            cps.add(cp);
            batch.add(probe(cp));
            if (batch.size() == 20_000 || cp == Character.MAX_CODE_POINT) {
                int[][] expected = HuggingFaceOracle.encodeAll(batch);
                for (int i = 0; i < batch.size(); i++) {
                    if (!Arrays.equals(tokenizer.encode(batch.get(i)), expected[i])) {
                        differences.add(
                                String.format("U+%04X (JDK type %d)", cps.get(i), Character.getType(cps.get(i))));
                    }
                }
                batch.clear();
                cps.clear();
            }
        }
        System.out.println("code points whose ids differ: " + differences.size());
        assertThat(differences).isEmpty();
    }
}
