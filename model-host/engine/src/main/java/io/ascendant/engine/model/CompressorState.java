package io.ascendant.engine.model;

import java.util.Arrays;

/**
 * One compressor's per-sequence state (reference {@code Compressor.kv_state}/{@code score_state} plus the cache of
 * the entries it produced). Decode state: {@code rows = c·r} slots of {@code c·d} fp32 channels, {@code c = 2}
 * with overlap (r = 4) else 1; slots {@code [0, r)} hold the previous block (overlap) and {@code [r, 2r)} the
 * current one. Fresh state is kv 0, score −inf (reset per sequence: §2.1 item 1). Entries are {@code d} wide, bf16
 * values, entry j pooled from the block ending at token {@code (j+1)·r − 1}.
 */
final class CompressorState {
    final int ratio;
    final boolean overlap;
    final int entryDim;
    final int slots;
    final int width;
    final float[] kv;
    final float[] score;
    float[] entries;
    int count;

    CompressorState(int ratio, int entryDim) {
        this.ratio = ratio;
        this.overlap = ratio == 4;
        this.entryDim = entryDim;
        int c = overlap ? 2 : 1;
        this.slots = c * ratio;
        this.width = c * entryDim;
        this.kv = new float[slots * width];
        this.score = new float[slots * width];
        Arrays.fill(score, Float.NEGATIVE_INFINITY);
        this.entries = new float[8 * entryDim];
    }

    private CompressorState(CompressorState o) {
        this.ratio = o.ratio;
        this.overlap = o.overlap;
        this.entryDim = o.entryDim;
        this.slots = o.slots;
        this.width = o.width;
        this.kv = o.kv.clone();
        this.score = o.score.clone();
        this.entries = Arrays.copyOf(o.entries, Math.max(o.count, 1) * entryDim);
        this.count = o.count;
    }

    CompressorState copy() {
        return new CompressorState(this);
    }

    /** Makes room for entry {@code index} and returns its offset in {@link #entries}. */
    int reserve(int index) {
        int need = (index + 1) * entryDim;
        if (need > entries.length) {
            entries = Arrays.copyOf(entries, Math.max(need, entries.length * 2));
        }
        count = Math.max(count, index + 1);
        return index * entryDim;
    }

    long byteSize() {
        return 4L * (kv.length + score.length) + 4L * (long) count * entryDim;
    }
}
