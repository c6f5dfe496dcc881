package io.ascendant.modelhost.server.scheduler;

import io.ascendant.engine.model.V4Model;
import io.ascendant.modelhost.server.prefixcache.PrefixCache;
import java.util.Arrays;

/**
 * Feeds prompts into the engine for the {@link Scheduler}: an admitted prompt first restores the longest cached prefix,
 * then its remaining tokens go in as chunks that end at block boundaries, and (with the prefix cache on) a snapshot is
 * offered to the cache at every snapshot interval. Everything the scheduler does with the prefix cache happens here.
 *
 * <p>Misses and hits use the same incremental path ({@link V4Model#extend}) from an empty state, so a hit gives the
 * same tokens as a miss.
 *
 * <p>Threading: the scheduler thread only.
 */
final class PromptPrefill {
    private final V4Model model;
    private final PrefixCache cache;
    private final int blockSize;
    private final int snapshotEvery; // tokens between snapshots offered to the cache, a multiple of blockSize
    private long engineNanos;

    /**
     * @param cache the prefix cache, or null when disabled
     * @param blockSize pieces end at multiples of it (the cache's block size)
     * @param snapshotIntervalBlocks with the cache on, a snapshot is offered at every this many block boundaries and at
     *     the last boundary before a prompt's end
     */
    PromptPrefill(V4Model model, PrefixCache cache, int blockSize, int snapshotIntervalBlocks) {
        this.model = model;
        this.cache = cache;
        this.blockSize = blockSize;
        this.snapshotEvery = blockSize * snapshotIntervalBlocks;
    }

    /** Gives an admitted sequence its state: the longest cached prefix of its prompt, or an empty one. */
    void begin(Sequence s) {
        PrefixCache.Hit hit = cache == null ? null : cache.lookup(s.prompt, s.prompt.length - 1);
        if (hit != null) {
            s.state = hit.state();
            s.prefilled = hit.tokens();
            s.cachedTokens = hit.tokens();
        } else {
            s.state = model.newSequence();
        }
    }

    /** Engine nanos spent in {@link #feed} since the last call; resets the count. */
    long takeEngineNanos() {
        long n = engineNanos;
        engineNanos = 0;
        return n;
    }

    /**
     * Feeds the next piece of the prompt: at most {@code budget} tokens, ending at a block boundary or at the last
     * block boundary before the prompt's end (so that a later prompt extending this one finds a snapshot there), or
     * at the prompt's end. Leaves the last piece's logits in {@code s.logits}. Returns the tokens fed.
     */
    int feed(Sequence s, int budget) {
        int from = s.prefilled;
        int n = s.prompt.length;
        int lastBoundary = ((n - 1) / blockSize) * blockSize;
        int to = Math.min(n, from + budget);
        if (to < n) {
            to = (to / blockSize) * blockSize;
        }
        if (from < lastBoundary && to > lastBoundary) {
            to = lastBoundary;
        }
        if (to <= from) {
            to = Math.min(n, from + blockSize); // budget smaller than what remains of a block: one block anyway
        }
        if (cache == null) {
            long t0 = System.nanoTime();
            s.logits = model.extend(s.state, Arrays.copyOfRange(s.prompt, from, to));
            engineNanos += System.nanoTime() - t0;
            s.prefilled = to;
            return to - from;
        }
        // With the cache on, the piece is fed in sub-pieces that end at every snapshot interval (by default every
        // block), each boundary getting a snapshot, so a later prompt that diverges anywhere reuses all but the last
        // partial block: extend cannot hand out the state in the middle of a chunk. Measured on the demo checkpoint:
        // 1,000 tokens fed in 32-token extends take no longer than in 256-token ones (the engine's per-call cost is
        // small against the per-token work) and the 31 snapshot copies cost about 5 ms in all.
        int at = from;
        while (at < to) {
            int end = Math.min(to, (at / snapshotEvery + 1) * snapshotEvery);
            long t0 = System.nanoTime();
            s.logits = model.extend(s.state, Arrays.copyOfRange(s.prompt, at, end));
            engineNanos += System.nanoTime() - t0;
            s.prefilled = end;
            if (end % blockSize == 0 && end < n) {
                cache.offer(s.prompt, end, s.state);
            }
            at = end;
        }
        return to - from;
    }
}
