package io.ascendant.engine.kernels;

/**
 * Per-thread scratch buffers of the kernels (prescaled or de-interleaved copies of the input vectors). Grown on demand and then reused, so steady-state products allocate nothing.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private float[] input = new float[0];
    private float[] tile = new float[0];

    static Scratch get() {
        return LOCAL.get();
    }

    float[] input(int n) {
        if (input.length < n) {
            input = new float[n];
        }
        return input;
    }

    float[] tile(int n) {
        if (tile.length < n) {
            tile = new float[n];
        }
        return tile;
    }
}
