package io.ascendant.gateway.dispatch;

/**
 * Chained hashes of a prompt's leading fixed-size character blocks: {@code h[i] = mix(h[i-1], block[i])}, salted by
 * the model, so equal hashes mean equal prefixes up to that block. 64 characters is about 16 tokens, the block size
 * of vLLM's prefix cache; only full blocks are hashed (a partial tail block cannot be a cache hit).
 */
public final class PrefixHasher {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private PrefixHasher() {}

    /**
     * @param salt the model (and any cache partition) the prefix is cached under
     * @param prompt the rendered prompt text
     * @param blockChars characters per block (greater than 0)
     * @param maxBlocks largest number of blocks hashed
     * @return one hash per full leading block, at most {@code maxBlocks}
     */
    public static long[] hashes(String salt, CharSequence prompt, int blockChars, int maxBlocks) {
        int blocks = Math.min(maxBlocks, prompt.length() / blockChars);
        long[] out = new long[blocks];
        long parent = fnv(FNV_OFFSET, salt, 0, salt.length());
        for (int b = 0; b < blocks; b++) {
            long h = fnv(parent, prompt, b * blockChars, (b + 1) * blockChars);
            parent = mix(h);
            out[b] = parent;
        }
        return out;
    }

    private static long fnv(long seed, CharSequence s, int from, int to) {
        long h = seed;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= FNV_PRIME;
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser: spreads the bits so slots and chains do not collide by structure. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
