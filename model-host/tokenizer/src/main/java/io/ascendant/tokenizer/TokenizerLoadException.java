package io.ascendant.tokenizer;

/**
 * A {@code tokenizer.json} could not be read or uses something this tokenizer does not implement. The message names the
 * file and what is wrong (for example {@code "/models/v4/tokenizer.json: model.type is \"WordPiece\"; only \"BPE\" is
 * supported"}).
 */
public final class TokenizerLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenizerLoadException(String message) {
        super(message);
    }

    public TokenizerLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
