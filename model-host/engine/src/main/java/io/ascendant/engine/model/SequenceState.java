package io.ascendant.engine.model;

import io.ascendant.engine.config.ModelConfig;

/**
 * Everything the model remembers about one sequence between steps: its position (tokens consumed) and, per
 * layer, the 128-token window ring of shared K=V vectors (token p at slot {@code p mod window}), the compressor's
 * decode state and compressed entries (CSA and HCA layers), and the indexer compressor's state and entries (CSA).
 *
 * <p>Snapshots: {@link #copy()} at a token boundary gives an independent state that continues exactly like the
 * original (a prefix cache stores such copies; {@link #byteSize()} is what one costs). Not thread-safe: one step
 * at a time per state.
 */
public final class SequenceState {
    final int window;
    final int headDim;
    final float[][] ring; // per layer [window, headDim]
    final CompressorState[] compressor; // per layer, null for window-only layers
    final CompressorState[] indexer; // per layer, CSA only
    int position;

    SequenceState(ModelConfig cfg) {
        int layers = cfg.numLayers();
        this.window = cfg.slidingWindow();
        this.headDim = cfg.headDim();
        this.ring = new float[layers][window * headDim];
        this.compressor = new CompressorState[layers];
        this.indexer = new CompressorState[layers];
        for (int l = 0; l < layers; l++) {
            int r = cfg.compressRatio(l);
            if (r != 0) {
                compressor[l] = new CompressorState(r, cfg.headDim());
            }
            if (cfg.isCsa(l)) {
                indexer[l] = new CompressorState(r, cfg.indexHeadDim());
            }
        }
    }

    private SequenceState(SequenceState o) {
        this.window = o.window;
        this.headDim = o.headDim;
        this.position = o.position;
        int layers = o.ring.length;
        this.ring = new float[layers][];
        this.compressor = new CompressorState[layers];
        this.indexer = new CompressorState[layers];
        for (int l = 0; l < layers; l++) {
            ring[l] = o.ring[l].clone();
            compressor[l] = o.compressor[l] == null ? null : o.compressor[l].copy();
            indexer[l] = o.indexer[l] == null ? null : o.indexer[l].copy();
        }
    }

    /** Tokens consumed so far: the position the next token will take. */
    public int position() {
        return position;
    }

    /** An independent deep copy (take it between steps). */
    public SequenceState copy() {
        return new SequenceState(this);
    }

    /** Heap bytes of the state's arrays (window rings, compressor states, compressed entries in use). */
    public long byteSize() {
        long b = 0;
        for (int l = 0; l < ring.length; l++) {
            b += 4L * ring[l].length;
            if (compressor[l] != null) {
                b += compressor[l].byteSize();
            }
            if (indexer[l] != null) {
                b += indexer[l].byteSize();
            }
        }
        return b;
    }
}
