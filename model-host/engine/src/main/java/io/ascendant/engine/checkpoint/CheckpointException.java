package io.ascendant.engine.checkpoint;

/**
 * A checkpoint that cannot be used: missing or truncated file, missing tensor, wrong dtype or shape, or a config
 * that contradicts the weights. The message names the file and the tensor in one sentence.
 */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
