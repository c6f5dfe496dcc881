package io.ascendant.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Added tokens (special or not) are found in the input before pre-tokenization and BPE and emit their own id.
 *
 * <p>Semantics (Hugging Face {@code AddedVocabulary}): matching is literal and leftmost-longest, in two passes: first the
 * tokens with {@code normalized=false} over the raw text, then the tokens with {@code normalized=true} over the
 * normalized gaps the first pass left. {@code lstrip}/{@code rstrip} widen a match over adjacent white space (which the
 * token then swallows); {@code single_word} accepts a match only between non-word characters.
 *
 * <p>Design: one char trie per pass with sorted child arrays; a bitmap of first chars skips most positions with one load.
 */
final class AddedVocabulary {

    /** One added token as declared in tokenizer.json. */
    record Entry(
            int id,
            String content,
            boolean special,
            boolean normalized,
            boolean lstrip,
            boolean rstrip,
            boolean singleWord) {}

    /** Receives the result of a scan in order: gaps (text without added tokens) and matched token ids. */
    interface MatchSink {
        void gap(String text, int start, int end);

        void token(int id);
    }

    private final Trie raw;
    private final Trie normalized;
    /** Every pair of adjacent chars in a token's content, as {@code first << 16 | second}; sorted. */
    private final int[] pairs;
    /** Whether some token strips white space or matches single words only (its match reads past its content). */
    private final boolean readsAround;

    AddedVocabulary(List<Entry> entries) {
        List<Entry> rawEntries = new ArrayList<>();
        List<Entry> normalizedEntries = new ArrayList<>();
        boolean around = false;
        int[] pairList = new int[16];
        int n = 0;
        for (Entry e : entries) {
            if (e.content().isEmpty()) {
                continue;
            }
            (e.normalized() ? normalizedEntries : rawEntries).add(e);
            around |= e.lstrip() || e.rstrip() || e.singleWord();
            String c = e.content();
            for (int i = 1; i < c.length(); i++) {
                if (n == pairList.length) {
                    pairList = Arrays.copyOf(pairList, n * 2);
                }
                pairList[n++] = c.charAt(i - 1) << 16 | c.charAt(i);
            }
        }
        this.raw = rawEntries.isEmpty() ? null : new Trie(rawEntries);
        this.normalized = normalizedEntries.isEmpty() ? null : new Trie(normalizedEntries);
        this.pairs = Arrays.stream(pairList, 0, n).sorted().distinct().toArray();
        this.readsAround = around;
    }

    /**
     * Whether a match could cross a cut between the chars {@code before} and {@code after}: some token has them side by
     * side, or some token strips white space or matches single words only, which reads past the match. When false, the
     * scan of a range that holds the two chars matches what the scans of its two parts match: a match ends before the
     * cut or starts after it, the trie walk of a start before the cut stops at it, and the scan never jumps over it.
     */
    boolean mayCross(char before, char after) {
        return readsAround || Arrays.binarySearch(pairs, before << 16 | after) >= 0;
    }

    /** Pass 1 over the raw text. */
    void scanRaw(String text, int start, int end, MatchSink sink) {
        scan(raw, text, start, end, sink);
    }

    /** Pass 2 over a normalized gap of pass 1. */
    void scanNormalized(String text, int start, int end, MatchSink sink) {
        scan(normalized, text, start, end, sink);
    }

    private static void scan(Trie trie, String text, int start, int end, MatchSink sink) {
        if (trie == null) {
            if (start < end) {
                sink.gap(text, start, end);
            }
            return;
        }
        int gapStart = start;
        int i = start;
        while (i < end) {
            char c = text.charAt(i);
            if (!trie.isFirst(c)) {
                i++;
                continue;
            }
            long m = trie.longestAt(text, i, end);
            if (m < 0) {
                i++;
                continue;
            }
            int matchEnd = (int) (m >>> 32);
            Entry e = trie.entries[(int) m];
            if (e.singleWord()
                    && !(isWordBoundary(text, start, i, true) && isWordBoundary(text, matchEnd, end, false))) {
                // The reference skips the match but its scan still resumes after it.
                i = matchEnd;
                continue;
            }
            int s = i;
            int t = matchEnd;
            if (e.lstrip()) {
                while (s > gapStart && CharClass.isWhiteSpace(text.charAt(s - 1))) {
                    s--;
                }
            }
            if (e.rstrip()) {
                while (t < end && CharClass.isWhiteSpace(text.charAt(t))) {
                    t++;
                }
            }
            if (gapStart < s) {
                sink.gap(text, gapStart, s);
            }
            sink.token(e.id());
            gapStart = t;
            i = t;
        }
        if (gapStart < end) {
            sink.gap(text, gapStart, end);
        }
    }

    private static boolean isWordBoundary(String text, int at, int limit, boolean before) {
        if (before ? at <= limit : at >= limit) {
            return true;
        }
        int cp = before ? text.codePointBefore(at) : text.codePointAt(at);
        return !(Character.isLetterOrDigit(cp) || cp == '_' || (CharClass.of(cp) & CharClass.M) != 0);
    }

    /** A char trie; node 0 is the root. */
    private static final class Trie {
        private final boolean[] first = new boolean[0x10000];
        private char[][] keys = new char[16][];
        private int[][] children = new int[16][];
        private int[] terminal = new int[16];
        private int nodes = 1;
        final Entry[] entries;

        Trie(List<Entry> list) {
            entries = list.toArray(Entry[]::new);
            keys[0] = new char[0];
            children[0] = new int[0];
            terminal[0] = -1;
            for (int k = 0; k < entries.length; k++) {
                String s = entries[k].content();
                first[s.charAt(0)] = true;
                int node = 0;
                for (int i = 0; i < s.length(); i++) {
                    node = child(node, s.charAt(i), true);
                }
                // A later duplicate of the same content wins, like a map keyed by content.
                terminal[node] = k;
            }
        }

        boolean isFirst(char c) {
            return first[c];
        }

        private int child(int node, char c, boolean create) {
            char[] k = keys[node];
            int at = Arrays.binarySearch(k, c);
            if (at >= 0) {
                return children[node][at];
            }
            if (!create) {
                return -1;
            }
            if (nodes == keys.length) {
                int size = nodes * 2;
                keys = Arrays.copyOf(keys, size);
                children = Arrays.copyOf(children, size);
                terminal = Arrays.copyOf(terminal, size);
            }
            int created = nodes++;
            keys[created] = new char[0];
            children[created] = new int[0];
            terminal[created] = -1;
            int insert = -at - 1;
            char[] nk = new char[k.length + 1];
            int[] nc = new int[k.length + 1];
            System.arraycopy(k, 0, nk, 0, insert);
            System.arraycopy(children[node], 0, nc, 0, insert);
            nk[insert] = c;
            nc[insert] = created;
            System.arraycopy(k, insert, nk, insert + 1, k.length - insert);
            System.arraycopy(children[node], insert, nc, insert + 1, k.length - insert);
            keys[node] = nk;
            children[node] = nc;
            return created;
        }

        /** (end << 32 | entryIndex) of the longest token starting at i, or -1. */
        long longestAt(String text, int i, int end) {
            int node = 0;
            long best = -1;
            for (int j = i; j < end; j++) {
                node = child(node, text.charAt(j), false);
                if (node < 0) {
                    break;
                }
                if (terminal[node] >= 0) {
                    best = ((long) (j + 1) << 32) | terminal[node];
                }
            }
            return best;
        }
    }
}
