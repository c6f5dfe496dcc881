package io.ascendant.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code tokenizer.json} normalizer. Only the kinds listed in {@link TokenizerJsonLoader} are implemented; DeepSeek's
 * is an empty {@code Sequence}, which loads as "no normalizer".
 */
interface Normalizer {
    String apply(String text);

    static Normalizer unicode(java.text.Normalizer.Form form) {
        return text -> java.text.Normalizer.normalize(text, form);
    }

    static Normalizer lowercase() {
        return text -> text.toLowerCase(Locale.ROOT);
    }

    static Normalizer replace(Pattern pattern, String content) {
        return text -> pattern.matcher(text).replaceAll(java.util.regex.Matcher.quoteReplacement(content));
    }

    static Normalizer prepend(String prefix) {
        return text -> text.isEmpty() ? text : prefix + text;
    }

    static Normalizer sequence(List<Normalizer> steps) {
        return text -> {
            String out = text;
            for (Normalizer n : steps) {
                out = n.apply(out);
            }
            return out;
        };
    }
}
