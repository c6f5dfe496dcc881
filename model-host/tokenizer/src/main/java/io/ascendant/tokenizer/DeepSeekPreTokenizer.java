package io.ascendant.tokenizer;

/**
 * Hand-written scanner equivalent to DeepSeek's pre-tokenizer: three regex {@code Split} steps with behaviour
 * {@code Isolated} (every match and every gap between matches becomes a piece; each step runs on every piece of the
 * previous one), then {@code ByteLevel} without prefix space and without its own regex.
 *
 * <ol>
 *   <li>{@code \p{N}{1,3}}: runs of numbers cut left to right into chunks of at most three code points;
 *   <li>{@code [一-龥぀-ゟ゠-ヿ]+}: runs of U+4E00..U+9FA5, Hiragana and Katakana;
 *   <li>{@code [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * </ol>
 *
 * <p>Why it is exact: a number piece from step 1 contains no CJK code point and nothing step 3 can match (no letter,
 * mark, punctuation, symbol or space), so it passes steps 2 and 3 unchanged and is emitted directly. Step 3 is evaluated
 * at each position exactly as a backtracking engine tries the alternatives in order; the comments on {@link #step3}
 * derive each alternative's match (greedy quantifiers, backtracking and the {@code (?!\S)} look-ahead, where the end of
 * the piece counts as end of input). The differential test against Hugging Face tokenizers checks it on every kind of
 * text, and {@code PreTokenizerEquivalenceTest} checks it against the same patterns run through {@code java.util.regex}.
 *
 * <p>Allocation: none; the scanner reports index ranges of the input string.
 */
final class DeepSeekPreTokenizer implements PreTokenizer {

    static final String DIGITS = "\\p{N}{1,3}";
    static final String CJK = "[一-龥぀-ゟ゠-ヿ]+";
    static final String MAIN = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?"
            + "[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    @Override
    public void split(String text, int start, int end, PieceSink sink) {
        // Step 1: number chunks are final pieces; the gaps between them go to step 2.
        int gap = start;
        int i = start;
        while (i < end) {
            int cp = text.codePointAt(i);
            if ((CharClass.of(cp) & CharClass.N) == 0) {
                i += Character.charCount(cp);
                continue;
            }
            if (gap < i) {
                step2(text, gap, i, sink);
            }
            int chunkStart = i;
            int n = 0;
            while (i < end && n < 3) {
                cp = text.codePointAt(i);
                if ((CharClass.of(cp) & CharClass.N) == 0) {
                    break;
                }
                i += Character.charCount(cp);
                n++;
            }
            sink.piece(text, chunkStart, i);
            gap = i;
        }
        if (gap < end) {
            step2(text, gap, end, sink);
        }
    }

    /**
     * Three kinds of cut, each decided by the two chars around it. Why each is one:
     *
     * <ol>
     *   <li>After {@code \n} that a char other than white space follows. Step 1: {@code \n} is no number, so no number
     *       run crosses. Step 3: the match that covers the {@code \n} ends right after it, whether the range ends there
     *       or goes on: {@code \s*[\r\n]+} (the white-space run ends there, so its last newline is this one) or
     *       {@code ' '?[\p{P}\p{S}]+[\r\n]*} (the newline run ends there). No other alternative takes a {@code \n}, and
     *       the letter alternative's optional prefix excludes it, so no match after the cut reaches back over it.
     *   <li>After a letter or mark that a char neither letter, mark nor surrogate follows. Step 1: no number run
     *       crosses (a letter or mark is no number). Step 3: the match that covers a letter or mark is a letter run
     *       ({@code [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+}) or punctuation with ASCII letters; both end at the first
     *       char that is not one of theirs, as at the end of the range. A surrogate might become a letter when the other
     *       half of its pair arrives, so it makes no cut.
     *   <li>Where a run of step 2's CJK class begins or ends: step 2 always cuts there, those code points are no numbers
     *       (step 1) and all in the BMP, and step 3 scans each side alone.
     * </ol>
     *
     * In each case step 3's scan reaches the cut with no pending gap (the char before it is matched), and from there it
     * reads only forward, so the pieces after the cut are those of the text from the cut.
     */
    @Override
    public boolean isCut(CharSequence text, int at) {
        char before = text.charAt(at - 1);
        char after = text.charAt(at);
        if (((CharClass.ofChar(before) ^ CharClass.ofChar(after)) & CharClass.CJK) != 0) {
            return true;
        }
        if (before == '\n') {
            return (CharClass.ofChar(after) & CharClass.WS) == 0;
        }
        if (Character.isSurrogate(after) || (CharClass.ofChar(after) & (CharClass.L | CharClass.M)) != 0) {
            return false;
        }
        return (CharClass.of(Character.codePointBefore(text, at)) & (CharClass.L | CharClass.M)) != 0;
    }

    /** Step 2: CJK runs and the gaps between them are separate pieces, each scanned by step 3. */
    private static void step2(String text, int start, int end, PieceSink sink) {
        int i = start;
        while (i < end) {
            boolean cjk = (CharClass.ofChar(text.charAt(i)) & CharClass.CJK) != 0;
            int j = i + 1;
            // All CJK code points are in the BMP; a surrogate is never CJK, so scanning chars is exact.
            while (j < end && ((CharClass.ofChar(text.charAt(j)) & CharClass.CJK) != 0) == cjk) {
                j++;
            }
            step3(text, i, j, sink);
            i = j;
        }
    }

    /**
     * Step 3 on one piece {@code [start, end)}. At each position the alternatives are tried in order; the first that
     * matches gives a piece, otherwise the code point joins the current gap.
     */
    private static void step3(String text, int start, int end, PieceSink sink) {
        int gap = start;
        int i = start;
        while (i < end) {
            int m = matchAt(text, i, end);
            if (m < 0) {
                i += Character.charCount(text.codePointAt(i));
                continue;
            }
            if (gap < i) {
                sink.piece(text, gap, i);
            }
            sink.piece(text, i, m);
            i = m;
            gap = m;
        }
        if (gap < end) {
            sink.piece(text, gap, end);
        }
    }

    /** End of the step-3 match starting at {@code i}, or -1 if no alternative matches there. */
    static int matchAt(String text, int i, int end) {
        int cp = text.codePointAt(i);
        int next = i + Character.charCount(cp);
        int f = CharClass.of(cp);
        int nf = next < end ? CharClass.of(text.codePointAt(next)) : 0;

        // A1: an ASCII punctuation or symbol followed by ASCII letters (greedy; never needs to backtrack).
        if (cp < 0x80 && (f & (CharClass.P | CharClass.S)) != 0 && next < end && isAsciiLetter(text.charAt(next))) {
            int j = next + 1;
            while (j < end && isAsciiLetter(text.charAt(j))) {
                j++;
            }
            return j;
        }
        // A2: [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+ . A letter or mark at i starts the run at i (if it is a mark the
        // optional prefix may take it, but the match ends at the same place). Otherwise a prefix code point that is
        // not CR/LF/letter/punctuation/symbol must be followed by a letter or mark.
        if ((f & (CharClass.L | CharClass.M)) != 0) {
            return letterMarkRun(text, next, end);
        }
        if (cp != '\r'
                && cp != '\n'
                && (f & (CharClass.P | CharClass.S)) == 0
                && (nf & (CharClass.L | CharClass.M)) != 0) {
            return letterMarkRun(text, next, end);
        }
        // A3: ' '?[\p{P}\p{S}]+[\r\n]* (the optional space only if punctuation/symbols follow it).
        int p = -1;
        if (cp == ' ' && (nf & (CharClass.P | CharClass.S)) != 0) {
            p = next;
        } else if ((f & (CharClass.P | CharClass.S)) != 0) {
            p = i;
        }
        if (p >= 0) {
            int j = p;
            while (j < end) {
                int c = text.codePointAt(j);
                if ((CharClass.of(c) & (CharClass.P | CharClass.S)) == 0) {
                    break;
                }
                j += Character.charCount(c);
            }
            while (j < end && (text.charAt(j) == '\r' || text.charAt(j) == '\n')) {
                j++;
            }
            return j;
        }
        if ((f & CharClass.WS) == 0) {
            return -1;
        }
        // The maximal whitespace run [i, wsEnd) and its last CR/LF.
        int wsEnd = i;
        int lastNewline = -1;
        int lastStart = i;
        int count = 0;
        while (wsEnd < end) {
            int c = text.codePointAt(wsEnd);
            if ((CharClass.of(c) & CharClass.WS) == 0) {
                break;
            }
            if (c == '\r' || c == '\n') {
                lastNewline = wsEnd;
            }
            lastStart = wsEnd;
            wsEnd += Character.charCount(c);
            count++;
        }
        // A4: \s*[\r\n]+ . The greedy \s* backs off to the last CR/LF of the run; [\r\n]+ then takes that one (the
        // code point after it is either non-space or a space that is not CR/LF).
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        // A5: \s+(?!\S) . At the end of the piece the whole run; before a non-space the run minus its last code point,
        // if that leaves at least one. A6: \s+ takes the whole run otherwise.
        if (wsEnd == end || count < 2) {
            return wsEnd;
        }
        return lastStart;
    }

    private static int letterMarkRun(String text, int j, int end) {
        while (j < end) {
            char c = text.charAt(j);
            if (c < 0x80) {
                if (!isAsciiLetter(c)) {
                    break;
                }
                j++;
                continue;
            }
            int cp = text.codePointAt(j);
            if ((CharClass.of(cp) & (CharClass.L | CharClass.M)) == 0) {
                break;
            }
            j += Character.charCount(cp);
        }
        return j;
    }

    private static boolean isAsciiLetter(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }
}
