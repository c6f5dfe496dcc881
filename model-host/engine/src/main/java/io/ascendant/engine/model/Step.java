package io.ascendant.engine.model;

/**
 * The rows one forward pass works on. Prefill: one fresh sequence, rows = its tokens at positions {@code 0..S-1}.
 * Decode: one row per sequence, each at its own position (sequences of different lengths in one step). Holds the
 * per-row RoPE angle tables of both RoPE kinds (window-only layers and compressed layers).
 */
final class Step {
    final boolean prefill;
    final int n;
    final int[] tokens;
    final int[] positions;
    final SequenceState[] states;
    final float[] cosPlain;
    final float[] sinPlain;
    final float[] cosComp;
    final float[] sinComp;
    final Parallel parallel;
    /**
     * Decode rows grouped so that a wave holds at most one row per sequence, in order: wave k holds the k-th row of
     * every sequence that has one (one wave when all states differ).
     */
    final int[][] waves;
    /** Rows whose logits the step returns, ascending. */
    final int[] logitRows;

    Step(
            boolean prefill,
            int[] tokens,
            int[] positions,
            SequenceState[] states,
            Rope plain,
            Rope comp,
            Parallel parallel,
            int[] logitRows) {
        this.prefill = prefill;
        this.n = tokens.length;
        this.tokens = tokens;
        this.positions = positions;
        this.states = states;
        this.parallel = parallel;
        this.waves = prefill ? new int[0][] : waves(states);
        this.logitRows = logitRows;
        int half = plain.ropeDim() / 2;
        this.cosPlain = new float[n * half];
        this.sinPlain = new float[n * half];
        this.cosComp = new float[n * half];
        this.sinComp = new float[n * half];
        float[] c = new float[half];
        float[] s = new float[half];
        for (int r = 0; r < n; r++) {
            plain.angles(positions[r], c, s);
            System.arraycopy(c, 0, cosPlain, r * half, half);
            System.arraycopy(s, 0, sinPlain, r * half, half);
            comp.angles(positions[r], c, s);
            System.arraycopy(c, 0, cosComp, r * half, half);
            System.arraycopy(s, 0, sinComp, r * half, half);
        }
    }

    private static int[][] waves(SequenceState[] states) {
        int n = states.length;
        int[] wave = new int[n];
        java.util.IdentityHashMap<SequenceState, Integer> seen = new java.util.IdentityHashMap<>();
        int count = 0;
        for (int r = 0; r < n; r++) {
            Integer k = seen.get(states[r]);
            wave[r] = k == null ? 0 : k + 1;
            seen.put(states[r], wave[r]);
            count = Math.max(count, wave[r] + 1);
        }
        int[] sizes = new int[count];
        for (int r = 0; r < n; r++) {
            sizes[wave[r]]++;
        }
        int[][] out = new int[count][];
        for (int w = 0; w < count; w++) {
            out[w] = new int[sizes[w]];
            sizes[w] = 0;
        }
        for (int r = 0; r < n; r++) {
            out[wave[r]][sizes[wave[r]]++] = r;
        }
        return out;
    }
}
