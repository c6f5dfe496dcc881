package io.ascendant.gateway.dispatch;

/**
 * The prompt-prefix block hashes recently sent to one pod: a lossy, fixed-size hash set (direct-mapped, a newer hash
 * overwrites an older one in its slot), an approximation of the pod's prefix cache in the spirit of the Gateway API
 * Inference Extension's approximate prefix scorer.
 *
 * <p>Threading: lock-free; concurrent writers may overwrite each other's entries, which only makes the approximation
 * a little lossier. 64-bit array stores are atomic on every JVM we run on.
 */
public final class PrefixIndex {
    private final long[] table;
    private final int mask;

    /** @param entries capacity, rounded up to a power of two (at least 64) */
    public PrefixIndex(int entries) {
        int size = Integer.highestOneBit(Math.max(64, entries - 1) << 1);
        this.table = new long[size];
        this.mask = size - 1;
    }

    /** Remembers that the pod has seen these blocks. */
    public void addAll(long[] hashes) {
        for (long h : hashes) {
            table[slot(h)] = h;
        }
    }

    /** The number of leading blocks of {@code hashes} this pod has seen (chained hashes: a miss ends the match). */
    public int leadingMatches(long[] hashes) {
        int n = 0;
        for (long h : hashes) {
            if (table[slot(h)] != h) {
                break;
            }
            n++;
        }
        return n;
    }

    private int slot(long h) {
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
