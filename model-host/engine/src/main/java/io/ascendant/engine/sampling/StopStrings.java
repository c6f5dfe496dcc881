package io.ascendant.engine.sampling;

import java.util.List;

/**
 * Stop strings matched on detokenised text, for streaming: the caller appends each new piece of text, asks
 * {@link #find} whether a stop string now occurs, and emits only up to {@link #safeLength}, holding back a tail
 * that could still become the start of a stop string. The stop string itself is never part of the output (OpenAI
 * semantics).
 */
public final class StopStrings {
    private final List<String> stops;

    public StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Index in {@code text} where the earliest stop string starts, searching from {@code from}; -1 if none. */
    public int find(CharSequence text, int from) {
        String t = text.toString();
        int best = -1;
        for (String s : stops) {
            int i = t.indexOf(s, Math.max(0, from - s.length() + 1));
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /**
     * How much of {@code text} can be emitted now: its length minus the longest suffix that is a proper prefix of
     * some stop string (that suffix might still turn into a stop string with the next token).
     */
    public int safeLength(CharSequence text) {
        int n = text.length();
        int hold = 0;
        for (String s : stops) {
            int max = Math.min(s.length() - 1, n);
            for (int k = max; k > hold; k--) {
                if (s.regionMatches(0, text.toString(), n - k, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return n - hold;
    }

    public boolean isEmpty() {
        return stops.isEmpty();
    }
}
