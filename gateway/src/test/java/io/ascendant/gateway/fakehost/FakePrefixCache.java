package io.ascendant.gateway.fakehost;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link FakeModelHost}'s prefix cache: a prompt's 64-character blocks, chained by hash the way a paged KV cache
 * chains them, least recently used first; a hit needs every earlier block to hit too. It counts blocks seen and found
 * for the hit rate and the {@code vllm:prefix_cache_*} counters. Thread-safe.
 */
final class FakePrefixCache {
    /** Characters per block; each block is worth 16 prompt tokens. */
    static final int BLOCK_CHARS = 64;

    private final LinkedHashMap<Long, Boolean> blocks = new LinkedHashMap<>(1024, 0.75f, true);
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    /**
     * Looks the prompt's blocks up and adds the missing ones, then evicts the least recently used down to {@code
     * capacity} blocks.
     *
     * @return {hits, misses} in blocks
     */
    long[] lookup(String prompt, int capacity) {
        int count = prompt.length() / BLOCK_CHARS;
        long h = 1469598103934665603L;
        long found = 0;
        boolean chain = true;
        synchronized (blocks) {
            for (int i = 0; i < count; i++) {
                h = (h
                                ^ prompt.substring(i * BLOCK_CHARS, (i + 1) * BLOCK_CHARS)
                                        .hashCode())
                        * 1099511628211L;
                if (chain && blocks.get(h) != null) {
                    found++;
                } else {
                    chain = false;
                    blocks.put(h, Boolean.TRUE);
                }
            }
            while (blocks.size() > capacity) {
                Long eldest = blocks.keySet().iterator().next();
                blocks.remove(eldest);
            }
        }
        seen.addAndGet(count);
        hits.addAndGet(found);
        return new long[] {found, count - found};
    }

    /** Empties the cache and zeroes the counters. */
    void clear() {
        synchronized (blocks) {
            blocks.clear();
        }
        seen.set(0);
        hits.set(0);
    }

    /** Blocks looked up since the last {@link #clear}. */
    long blocksSeen() {
        return seen.get();
    }

    /** Blocks found since the last {@link #clear}. */
    long blockHits() {
        return hits.get();
    }
}
