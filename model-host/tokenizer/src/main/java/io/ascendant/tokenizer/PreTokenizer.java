package io.ascendant.tokenizer;

/**
 * Cuts a normalized text into the pieces that byte-level BPE encodes one by one (the regex {@code Split} steps of a
 * {@code tokenizer.json} pre-tokenizer; the final {@code ByteLevel} step is the byte-to-symbol mapping done by
 * {@link BpeModel}).
 *
 * <p>Threading: implementations are immutable and safe to share between threads.
 */
interface PreTokenizer {

    /** Receives the pieces in text order. A piece is {@code text[start, end)}, never empty. */
    interface PieceSink {
        void piece(String text, int start, int end);
    }

    /** Splits {@code text[start, end)}, calling {@code sink} once per piece in order. */
    void split(String text, int start, int end, PieceSink sink);

    /**
     * Whether the two chars {@code text[at - 1]} and {@code text[at]} alone make {@code at} a cut: in every text that has
     * them side by side, and every range of it that holds both, {@link #split} ends a piece between them and no piece
     * before depends on what follows, nor one after on what precedes. Then the pieces of the range are those of its part
     * before {@code at} followed by those of its part from {@code at}. False when not known (this default).
     *
     * @param at {@code 0 < at < text.length()}
     */
    default boolean isCut(CharSequence text, int at) {
        return false;
    }
}
