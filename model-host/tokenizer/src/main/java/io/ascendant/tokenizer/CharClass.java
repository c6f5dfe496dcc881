package io.ascendant.tokenizer;

/**
 * Unicode character classes the pre-tokenizer regexes use ({@code \p{L}}, {@code \p{M}}, {@code \p{N}}, {@code \p{P}},
 * {@code \p{S}}, {@code \s}), looked up in one byte of flags per BMP code point.
 *
 * <p>Design: the general categories come from {@link Character#getType(int)} (the JDK's Unicode tables), and {@code \s}
 * is the Unicode {@code White_Space} property, which is what Oniguruma (the regex engine Hugging Face tokenizers uses for
 * {@code Split} patterns) and Rust's {@code char::is_whitespace} match. Trap: {@link Character#isWhitespace(int)} is a
 * different set (it excludes U+00A0, U+2007, U+202F and includes U+001C..U+001F); never use it here.
 *
 * <p>Trap 2: the JDK's Unicode version (16.0 in JDK 25) is newer than Oniguruma's. Code points assigned after the
 * version the reference library knows are unassigned (Cn) there: {@link #NEWER_THAN_REFERENCE} lists them so that they
 * classify as the reference does (found by the differential test, see {@code UnicodeVersionSkewTest}).
 */
final class CharClass {
    static final int L = 1;
    static final int M = 2;
    static final int N = 4;
    static final int P = 8;
    static final int S = 16;
    static final int WS = 32;
    /** DeepSeek's second split: U+4E00..U+9FA5, Hiragana U+3040..U+309F, Katakana U+30A0..U+30FF. */
    static final int CJK = 64;

    private static final byte[] BMP = new byte[0x10000];

    /**
     * Inclusive code point ranges that are assigned in the JDK's tables but not in the reference's (treated as Cn).
     * Sorted, non-overlapping: start0, end0, start1, end1, ...
     */
    static final int[] NEWER_THAN_REFERENCE = {};

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = (byte) compute(c);
        }
    }

    private CharClass() {}

    /** Flags of a code point (any plane). */
    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] & 0xFF : compute(cp);
    }

    /** Flags of a BMP char; surrogates have no flags (they are never letters, marks, digits or symbols). */
    static int ofChar(char c) {
        return BMP[c] & 0xFF;
    }

    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D)
                || cp == 0x20
                || cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    private static int compute(int cp) {
        int flags = 0;
        if (isWhiteSpace(cp)) {
            flags |= WS;
        }
        if ((cp >= 0x4E00 && cp <= 0x9FA5) || (cp >= 0x3040 && cp <= 0x30FF)) {
            flags |= CJK;
        }
        if (isNewerThanReference(cp)) {
            return flags;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER -> flags |= L;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> flags |= M;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> flags |= N;
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> flags |= P;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL ->
                flags |= S;
            default -> {}
        }
        return flags;
    }

    private static boolean isNewerThanReference(int cp) {
        int[] r = NEWER_THAN_REFERENCE;
        int lo = 0;
        int hi = r.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < r[2 * mid]) {
                hi = mid - 1;
            } else if (cp > r[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
