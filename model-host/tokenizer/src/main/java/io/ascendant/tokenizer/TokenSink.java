package io.ascendant.tokenizer;

import java.util.Arrays;

/**
 * Where encoded ids go: either a growable id array ({@link Tokenizer#encode}) or only a count
 * ({@link Tokenizer#countTokens}, which then allocates nothing per token).
 */
final class TokenSink {
    private final boolean countOnly;
    private int[] ids;
    private int size;

    private TokenSink(boolean countOnly, int capacity) {
        this.countOnly = countOnly;
        this.ids = countOnly ? null : new int[capacity];
    }

    static TokenSink collecting(int expectedTokens) {
        return new TokenSink(false, Math.max(16, expectedTokens));
    }

    static TokenSink counting() {
        return new TokenSink(true, 0);
    }

    void add(int id) {
        if (!countOnly) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size] = id;
        }
        size++;
    }

    void addAll(int[] more) {
        if (!countOnly) {
            if (size + more.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
            }
            System.arraycopy(more, 0, ids, size, more.length);
        }
        size += more.length;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
