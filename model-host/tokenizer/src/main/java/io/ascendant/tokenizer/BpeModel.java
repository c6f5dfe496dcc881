package io.ascendant.tokenizer;

import java.util.Arrays;

/**
 * Byte-level BPE: turns one pre-tokenized piece into vocabulary ids by mapping its UTF-8 bytes to the 256 byte symbols
 * and then repeatedly merging the adjacent pair with the lowest merge rank (leftmost on ties), exactly as Hugging Face
 * tokenizers' {@code Word::merge_all} does with its priority queue.
 *
 * <p>Design: merges live in an open-addressing table keyed by {@code (leftId << 32 | rightId)} with the value
 * {@code (rank << 32 | mergedId)}, so a lookup is one multiply and usually one probe. Short pieces (almost all words) are
 * merged with a pair-rank array that is rescanned after each merge, which is faster than a heap for a few dozen symbols;
 * long pieces use a binary heap over (rank, position) with lazy invalidation, as the reference does. A two-way set-associative
 * cache remembers the ids of recent short pieces; its entries are immutable, so the benign races of concurrent readers and
 * writers can only cost a miss.
 *
 * <p>Threading: immutable after construction apart from the cache; {@link #encode} takes per-call scratch space.
 */
final class BpeModel {
    /** Pieces with more symbols than this go through the heap-based merge. */
    static final int HEAP_THRESHOLD = 96;

    private static final int CACHE_SIZE = 1 << 16;
    private static final int CACHE_MAX_CHARS = 48;
    private static final long EMPTY = -1L;

    private final int[] byteToId;
    /** Open addressing, key at 2 * slot and value at 2 * slot + 1 (one cache line per probe). */
    private final long[] table;

    private final int mask;
    private final int shift;
    private final java.util.Map<String, Integer> wholeWordVocab;
    private final CacheEntry[] cache = new CacheEntry[CACHE_SIZE];
    private int evictions;

    private record CacheEntry(int hash, String piece, int[] ids) {}

    /**
     * @param byteToId vocabulary id of each byte symbol, -1 where the vocabulary lacks it (such bytes are dropped, as the
     *     reference does without an unknown token)
     * @param mergeLeft left ids of the merges in rank order
     * @param mergeRight right ids, same order
     * @param mergeResult id of the merged symbol, same order
     * @param wholeWordVocab the vocabulary if {@code ignore_merges} is set (a piece that is a vocabulary entry is emitted
     *     as that entry without merging), else null
     */
    BpeModel(
            int[] byteToId,
            int[] mergeLeft,
            int[] mergeRight,
            int[] mergeResult,
            java.util.Map<String, Integer> wholeWordVocab) {
        this.byteToId = byteToId.clone();
        this.wholeWordVocab = wholeWordVocab == null ? null : java.util.Map.copyOf(wholeWordVocab);
        int capacity = Integer.highestOneBit(Math.max(16, mergeLeft.length * 2)) << 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
        this.mask = capacity - 1;
        this.table = new long[2 * capacity];
        for (int i = 0; i < table.length; i += 2) {
            table[i] = EMPTY;
        }
        for (int rank = 0; rank < mergeLeft.length; rank++) {
            // A later duplicate of a pair replaces the earlier one, as the reference's HashMap collect does.
            put(((long) mergeLeft[rank] << 32) | mergeRight[rank], ((long) rank << 32) | mergeResult[rank]);
        }
    }

    private void put(long key, long value) {
        int slot = slot(key);
        while (table[2 * slot] != EMPTY && table[2 * slot] != key) {
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = key;
        table[2 * slot + 1] = value;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** {@code (rank << 32 | mergedId)} of the pair, or -1 if the pair never merges. */
    long merge(int left, int right) {
        long key = ((long) left << 32) | right;
        long[] t = table;
        int slot = slot(key);
        while (true) {
            long k = t[2 * slot];
            if (k == key) {
                return t[2 * slot + 1];
            }
            if (k == EMPTY) {
                return -1L;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Per-call working memory; grows to the longest piece seen. Not thread-safe. */
    static final class Scratch {
        int[] sym = new int[64];
        long[] pair = new long[64];
        int[] prev = new int[0];
        int[] next = new int[0];
        long[] heap = new long[0];

        void ensure(int n) {
            if (sym.length < n) {
                int size = Math.max(n, sym.length * 2);
                sym = new int[size];
                pair = new long[size];
            }
        }
    }

    /** Encodes {@code text[start, end)} and appends its ids to {@code sink}. */
    void encode(String text, int start, int end, TokenSink sink, Scratch scratch) {
        int length = end - start;
        CacheEntry[] cache = this.cache;
        int slot = 0;
        int hash = 0;
        if (length <= CACHE_MAX_CHARS) {
            int h = 0;
            for (int i = start; i < end; i++) {
                h = 31 * h + text.charAt(i);
            }
            hash = h;
            h *= 0x9E3779B9;
            slot = (h ^ (h >>> 16)) & (CACHE_SIZE - 2);
            // Two-way set: the pair of entries slot, slot + 1. The stored hash settles most mismatches without
            // touching the cached string.
            CacheEntry e = cache[slot];
            if (e != null && e.hash == hash && matches(e.piece, text, start, length)) {
                sink.addAll(e.ids);
                return;
            }
            e = cache[slot + 1];
            if (e != null && e.hash == hash && matches(e.piece, text, start, length)) {
                sink.addAll(e.ids);
                return;
            }
        }
        int n = toByteSymbols(text, start, end, scratch);
        int[] sym = scratch.sym;
        Integer whole = wholeWordVocab == null ? null : wholeWordVocab.get(symbols(text.substring(start, end)));
        if (whole != null) {
            sym[0] = whole;
            n = 1;
        } else {
            n = n > HEAP_THRESHOLD ? mergeWithHeap(n, scratch) : mergeSmall(n, scratch);
        }
        if (length <= CACHE_MAX_CHARS) {
            // Fill an empty way, else evict alternately (a racy counter is fine: any choice is correct).
            int way = cache[slot] == null ? 0 : cache[slot + 1] == null ? 1 : (evictions++ & 1);
            cache[slot + way] = new CacheEntry(hash, text.substring(start, end), Arrays.copyOf(sym, n));
        }
        for (int k = 0; k < n; k++) {
            sink.add(sym[k]);
        }
    }

    private static boolean matches(String piece, String text, int start, int length) {
        return piece.length() == length && text.regionMatches(start, piece, 0, length);
    }

    private static String symbols(String piece) {
        byte[] utf8 = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length);
        for (byte b : utf8) {
            sb.append(ByteLevel.toChar(b));
        }
        return sb.toString();
    }

    /** Writes the byte-symbol ids of the UTF-8 encoding of the piece to scratch.sym; returns their count. */
    private int toByteSymbols(String text, int start, int end, Scratch scratch) {
        scratch.ensure(3 * (end - start) + 1);
        int[] sym = scratch.sym;
        int[] byteToId = this.byteToId;
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n = push(sym, n, byteToId[c]);
            } else if (c < 0x800) {
                n = push(sym, n, byteToId[0xC0 | (c >> 6)]);
                n = push(sym, n, byteToId[0x80 | (c & 0x3F)]);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                n = push(sym, n, byteToId[0xF0 | (cp >> 18)]);
                n = push(sym, n, byteToId[0x80 | ((cp >> 12) & 0x3F)]);
                n = push(sym, n, byteToId[0x80 | ((cp >> 6) & 0x3F)]);
                n = push(sym, n, byteToId[0x80 | (cp & 0x3F)]);
            } else {
                // A lone surrogate cannot be UTF-8 encoded; like Java's encoders, treat it as U+FFFD.
                char d = Character.isSurrogate(c) ? '\uFFFD' : c;
                n = push(sym, n, byteToId[0xE0 | (d >> 12)]);
                n = push(sym, n, byteToId[0x80 | ((d >> 6) & 0x3F)]);
                n = push(sym, n, byteToId[0x80 | (d & 0x3F)]);
            }
        }
        return n;
    }

    private static int push(int[] sym, int n, int id) {
        if (id >= 0) {
            sym[n++] = id;
        }
        return n;
    }

    /** Quadratic merge for short pieces: pair[k] holds the merge of (sym[k], sym[k+1]) or -1. */
    private int mergeSmall(int n, Scratch scratch) {
        int[] sym = scratch.sym;
        long[] pair = scratch.pair;
        for (int k = 0; k + 1 < n; k++) {
            pair[k] = merge(sym[k], sym[k + 1]);
        }
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int at = -1;
            for (int k = 0; k + 1 < n; k++) {
                long p = pair[k];
                // Comparing (rank << 32 | id) compares ranks first; equal ranks mean the same merge, and the strict <
                // keeps the leftmost.
                if (p >= 0 && p < best) {
                    best = p;
                    at = k;
                }
            }
            if (at < 0) {
                break;
            }
            sym[at] = (int) best;
            System.arraycopy(sym, at + 2, sym, at + 1, n - at - 2);
            System.arraycopy(pair, at + 2, pair, at + 1, Math.max(0, n - at - 3));
            n--;
            if (at > 0) {
                pair[at - 1] = merge(sym[at - 1], sym[at]);
            }
            if (at + 1 < n) {
                pair[at] = merge(sym[at], sym[at + 1]);
            }
        }
        return n;
    }

    /** Heap merge for long pieces (the reference algorithm): entries are (rank << 32 | position), smallest first. */
    private int mergeWithHeap(int n, Scratch scratch) {
        int[] sym = scratch.sym;
        if (scratch.prev.length < n) {
            scratch.prev = new int[n];
            scratch.next = new int[n];
            // Each merge pushes at most two entries: n - 1 initial pairs plus 2 (n - 1) bound the heap.
            scratch.heap = new long[3 * n];
        }
        int[] prev = scratch.prev;
        int[] next = scratch.next;
        long[] heap = scratch.heap;
        int size = 0;
        for (int k = 0; k < n; k++) {
            prev[k] = k - 1;
            next[k] = k + 1 < n ? k + 1 : -1;
        }
        for (int k = 0; k + 1 < n; k++) {
            long m = merge(sym[k], sym[k + 1]);
            if (m >= 0) {
                size = heapPush(heap, size, (m & 0xFFFFFFFF_00000000L) | k);
            }
        }
        // sym[k] == -1 marks a symbol absorbed by its left neighbour.
        while (size > 0) {
            long top = heap[0];
            size = heapPop(heap, size);
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (sym[pos] < 0 || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            long m = merge(sym[pos], sym[right]);
            if (m < 0 || (int) (m >>> 32) != rank) {
                continue;
            }
            sym[pos] = (int) m;
            sym[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
            }
            if (prev[pos] >= 0) {
                long pm = merge(sym[prev[pos]], sym[pos]);
                if (pm >= 0) {
                    size = heapPush(heap, size, (pm & 0xFFFFFFFF_00000000L) | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                long nm = merge(sym[pos], sym[next[pos]]);
                if (nm >= 0) {
                    size = heapPush(heap, size, (nm & 0xFFFFFFFF_00000000L) | pos);
                }
            }
        }
        int out = 0;
        for (int k = 0; k < n; k++) {
            if (sym[k] >= 0) {
                sym[out++] = sym[k];
            }
        }
        return out;
    }

    private static int heapPush(long[] heap, int size, long value) {
        if (size == heap.length) {
            throw new IllegalStateException("BPE heap overflow: " + size);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size;
    }

    private static int heapPop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return size;
    }
}
