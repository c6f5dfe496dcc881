package io.ascendant.modelhost.server.prefixcache;

import io.ascendant.engine.model.SequenceState;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sequence-state snapshots at block boundaries of prompts, keyed by the chained hash of the token blocks before the
 * boundary (block i's key mixes block i-1's key with block i's tokens, so a key names the whole prefix). Bounded by
 * a byte budget ({@link SequenceState#byteSize()} of the snapshots) with least-recently-used eviction.
 *
 * <p>Exactness: a snapshot is a {@link SequenceState#copy()} taken after the engine's incremental path consumed
 * exactly those tokens; a hit restores a copy of it and continues with the same incremental path, so the result
 * equals a miss bit for bit (the scheduler prefills misses with the same path). A hash collision cannot return a
 * wrong state: each entry keeps its tokens and a hit compares them.
 *
 * <p>Threading: all methods are synchronized; the scheduler thread is the only writer, metrics read concurrently.
 */
public final class PrefixCache {
    private final int blockSize;
    private final long budgetBytes;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long queriedTokens;
    private long hitTokens;

    private record Entry(int[] prefix, SequenceState state, long bytes) {}

    /** A restored prefix: {@code tokens} prompt tokens already consumed by {@code state} (an independent copy). */
    public record Hit(int tokens, SequenceState state) {}

    /**
     * @param blockSize tokens per block (snapshots are taken only at multiples of it)
     * @param budgetBytes bytes of snapshots kept; 0 disables caching
     */
    public PrefixCache(int blockSize, long budgetBytes) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, was " + blockSize);
        }
        this.blockSize = blockSize;
        this.budgetBytes = budgetBytes;
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Longest cached prefix of {@code tokens} that is at most {@code maxTokens} long (callers pass
     * {@code tokens.length - 1} so at least one token is left to produce logits). Counts the query in
     * {@link #queriedTokens()} ({@code tokens.length}) and the hit in {@link #hitTokens()}.
     *
     * @return the hit with a fresh copy of the state, or null
     */
    public synchronized Hit lookup(int[] tokens, int maxTokens) {
        queriedTokens += tokens.length;
        int blocks = Math.min(maxTokens, tokens.length) / blockSize;
        long[] keys = keys(tokens, blocks);
        for (int b = blocks; b >= 1; b--) {
            Entry e = entries.get(keys[b - 1]);
            int len = b * blockSize;
            if (e != null && e.prefix.length == len && Arrays.equals(e.prefix, 0, len, tokens, 0, len)) {
                hitTokens += len;
                return new Hit(len, e.state.copy());
            }
        }
        return null;
    }

    /**
     * Offers the state after the first {@code length} tokens (a multiple of the block size) for caching. Copies it
     * when kept; evicts least recently used snapshots to stay within the budget; a snapshot larger than the whole
     * budget is not kept.
     */
    public synchronized void offer(int[] tokens, int length, SequenceState state) {
        if (budgetBytes <= 0 || length <= 0 || length % blockSize != 0 || state.position() != length) {
            return;
        }
        long key = keys(tokens, length / blockSize)[length / blockSize - 1];
        if (entries.containsKey(key)) {
            entries.get(key); // touch
            return;
        }
        long size = state.byteSize() + 4L * length;
        if (size > budgetBytes) {
            return;
        }
        while (bytes + size > budgetBytes && !entries.isEmpty()) {
            Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
            bytes -= it.next().getValue().bytes;
            it.remove();
        }
        entries.put(key, new Entry(Arrays.copyOf(tokens, length), state.copy(), size));
        bytes += size;
    }

    /** Whether a snapshot for exactly the first {@code length} tokens is cached (does not touch LRU order). */
    public synchronized boolean contains(int[] tokens, int length) {
        if (length <= 0 || length % blockSize != 0) {
            return false;
        }
        long key = keys(tokens, length / blockSize)[length / blockSize - 1];
        return entries.containsKey(key);
    }

    /** Bytes of the kept snapshots (state arrays plus their token prefixes). */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Prompt tokens looked up so far (vLLM's {@code prefix_cache_queries}). */
    public synchronized long queriedTokens() {
        return queriedTokens;
    }

    /** Prompt tokens served from the cache so far (vLLM's {@code prefix_cache_hits}). */
    public synchronized long hitTokens() {
        return hitTokens;
    }

    /** Drops every snapshot (counters stay). */
    public synchronized void clear() {
        entries.clear();
        bytes = 0;
    }

    /** Chained 64-bit keys of the first {@code blocks} blocks. */
    private long[] keys(int[] tokens, int blocks) {
        long[] keys = new long[blocks];
        long h = 0x9E3779B97F4A7C15L;
        for (int b = 0; b < blocks; b++) {
            for (int i = b * blockSize, end = i + blockSize; i < end; i++) {
                h = mix(h ^ (tokens[i] & 0xFFFFFFFFL));
            }
            h = mix(h + b);
            keys[b] = h;
        }
        return keys;
    }

    /** SplitMix64 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
