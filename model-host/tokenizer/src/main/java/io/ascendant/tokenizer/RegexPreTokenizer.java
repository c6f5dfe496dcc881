package io.ascendant.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * General pre-tokenizer: a sequence of {@code Split} steps run with {@code java.util.regex}, each on every piece of the
 * previous step, with Hugging Face's split behaviours. Used for tokenizer.json files other than DeepSeek's (which gets
 * the hand-written {@link DeepSeekPreTokenizer}) and as the reference that scanner is tested against.
 *
 * <p>Patterns run with {@link Pattern#UNICODE_CHARACTER_CLASS}, so {@code \s}, {@code \w}, {@code \d} follow Unicode as
 * Oniguruma's do. Allocates per piece; correctness first.
 */
final class RegexPreTokenizer implements PreTokenizer {

    enum Behavior {
        REMOVED,
        ISOLATED,
        MERGED_WITH_PREVIOUS,
        MERGED_WITH_NEXT,
        CONTIGUOUS
    }

    record Step(Pattern pattern, Behavior behavior, boolean invert) {}

    /** GPT-2's pattern, used by ByteLevel with use_regex=true. */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private final List<Step> steps;
    private final boolean addPrefixSpace;

    RegexPreTokenizer(List<Step> steps, boolean addPrefixSpace) {
        this.steps = List.copyOf(steps);
        this.addPrefixSpace = addPrefixSpace;
    }

    static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @Override
    public void split(String text, int start, int end, PieceSink sink) {
        List<String> pieces = new ArrayList<>();
        String whole = text.substring(start, end);
        if (addPrefixSpace && !whole.startsWith(" ")) {
            whole = " " + whole;
        }
        pieces.add(whole);
        for (Step step : steps) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                apply(step, piece, next);
            }
            pieces = next;
        }
        for (String piece : pieces) {
            if (!piece.isEmpty()) {
                sink.piece(piece, 0, piece.length());
            }
        }
    }

    private static void apply(Step step, String s, List<String> out) {
        // (start, end, isMatch) triples covering s, as Hugging Face's Pattern::find_matches builds them.
        List<int[]> spans = new ArrayList<>();
        Matcher m = step.pattern().matcher(s);
        int prev = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue;
            }
            if (prev != m.start()) {
                spans.add(new int[] {prev, m.start(), step.invert() ? 1 : 0});
            }
            spans.add(new int[] {m.start(), m.end(), step.invert() ? 0 : 1});
            prev = m.end();
        }
        if (prev != s.length()) {
            spans.add(new int[] {prev, s.length(), step.invert() ? 1 : 0});
        }
        List<int[]> merged = new ArrayList<>();
        switch (step.behavior()) {
            case REMOVED -> {
                for (int[] sp : spans) {
                    if (sp[2] == 0) {
                        merged.add(sp);
                    }
                }
            }
            case ISOLATED -> merged.addAll(spans);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] sp : spans) {
                    boolean isMatch = sp[2] == 1;
                    if (isMatch && !previousMatch && !merged.isEmpty()) {
                        merged.getLast()[1] = sp[1];
                    } else {
                        merged.add(sp.clone());
                    }
                    previousMatch = isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                List<int[]> reversed = new ArrayList<>();
                for (int k = spans.size() - 1; k >= 0; k--) {
                    int[] sp = spans.get(k);
                    boolean isMatch = sp[2] == 1;
                    if (isMatch && !previousMatch && !reversed.isEmpty()) {
                        reversed.getLast()[0] = sp[0];
                    } else {
                        reversed.add(sp.clone());
                    }
                    previousMatch = isMatch;
                }
                merged.addAll(reversed.reversed());
            }
            case CONTIGUOUS -> {
                boolean previousMatch = false;
                for (int[] sp : spans) {
                    boolean isMatch = sp[2] == 1;
                    if (isMatch == previousMatch && !merged.isEmpty()) {
                        merged.getLast()[1] = sp[1];
                    } else {
                        merged.add(sp.clone());
                    }
                    previousMatch = isMatch;
                }
            }
        }
        for (int[] sp : merged) {
            if (sp[1] > sp[0]) {
                out.add(s.substring(sp[0], sp[1]));
            }
        }
    }
}
