package io.ascendant.gateway.metering;

/**
 * The token count of a text that only grows (a stream's output so far), kept without tokenizing any part of it twice
 * for good: the text up to its last cut ({@link TokenCounter#lastCut}) is counted once and remembered, and each call
 * counts only what came after that, up to the new last cut (remembered in turn) and from there to the end. The result
 * is exactly the count of the whole text at once, because the counts of the two sides of a cut add up to the count of
 * the whole, whatever follows it. A stream's usage checkpoints count this way, so a long answer costs each checkpoint
 * only its new output instead of all of it again.
 *
 * <p>Cost of a call: the characters since the last cut, read once to find the new cut and tokenized once. Text without a
 * cut (a counter that has none, or one word megabytes long) is counted whole at each call, as without this class.
 *
 * <p>Threading: calls are serialized on this object; each call's text must start with the text of the previous call.
 */
public final class RunningTokenCount {
    /** {@code text[0, countedChars)} of every call so far ends at a cut and has {@code countedTokens} tokens. */
    private int countedChars;

    private long countedTokens;

    /**
     * Tokens of {@code text}, as {@code counter.count(text.toString())} gives them.
     *
     * @param counter the tokenizer; the same for every call
     * @param text the text so far: the previous call's text, with what came since appended
     */
    public synchronized long count(TokenCounter counter, CharSequence text) {
        if (text.length() < countedChars) { // not the same text: start over rather than count wrong
            countedChars = 0;
            countedTokens = 0;
        }
        int cut = counter.lastCut(text, countedChars);
        if (cut > countedChars) {
            countedTokens += counter.count(text.subSequence(countedChars, cut).toString());
            countedChars = cut;
        }
        return countedTokens
                + counter.count(text.subSequence(countedChars, text.length()).toString());
    }
}
