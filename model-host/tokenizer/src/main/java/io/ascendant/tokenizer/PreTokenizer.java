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
}
