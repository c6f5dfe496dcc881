package io.ascendant.engine.model;

import io.ascendant.engine.checkpoint.CheckpointException;

/** Load-time shape checks that name the tensor (a wrong checkpoint fails at load, not mid-forward). */
final class Shapes {
    private Shapes() {}

    static void require(String tensor, long actual, long expected) {
        if (actual != expected) {
            throw new CheckpointException("tensor " + tensor + " has " + actual + " elements along a checked dimension,"
                    + " the config implies " + expected);
        }
    }
}
