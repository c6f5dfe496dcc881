package io.ascendant.engine.kernels;

/**
 * Per-thread scratch buffers of the kernels (prescaled or de-interleaved copies of the input vectors, the decoded
 * weight tile and the lane sums of the batched products). Grown on demand and then reused, so steady-state products
 * allocate nothing.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private float[] input = new float[0];
    private float[] tile = new float[0];
    private float[] acc = new float[0];
    private float[] tails = new float[0];

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

    float[] acc(int n) {
        if (acc.length < n) {
            acc = new float[n];
        }
        return acc;
    }

    float[] tails(int n) {
        if (tails.length < n) {
            tails = new float[n];
        }
        return tails;
    }
}
