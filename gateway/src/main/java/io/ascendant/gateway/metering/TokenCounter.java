package io.ascendant.gateway.metering;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Counts tokens when a host did not report usage (or died before it could). Counts made here are marked
 * {@code countedByGateway} in the usage record.
 */
public interface TokenCounter {

    /** Tokens of {@code text} under the model's tokenizer. */
    long count(String text);

    /**
     * The last place after {@code from} where {@code text} can be cut for counting: an index {@code k},
     * {@code from < k < text.length()}, such that for {@code text} and any text that starts with it, {@code count} of the
     * whole equals {@code count} of the part before {@code k} plus {@code count} of the part from {@code k}, and likewise
     * for any part of it that starts after an earlier cut; {@code from} when there is none. This lets a growing text be
     * counted without counting the same characters twice ({@link RunningTokenCount}). This default never cuts.
     *
     * @param from {@code 0 <= from <= text.length()}
     */
    default int lastCut(CharSequence text, int from) {
        return from;
    }

    /**
     * Tokens of the prompt the host saw for {@code hostBody} (the OpenAI-style body sent to the host): for a chat
     * body, its messages rendered with the model's chat template (tools and thinking mode included); for a
     * completions body, its {@code prompt}. This default counts {@code promptText} as plain text.
     *
     * @param hostBody the host body, or null when unknown
     * @param promptText the prompt's plain text, counted when the body cannot be rendered
     */
    default long countPrompt(ObjectNode hostBody, String promptText) {
        return count(promptText);
    }

    /**
     * Whether counting can start at once; false while the tokenizer is still loading (then a count would block for
     * seconds, so event loops hand it to a worker). This default is always ready.
     */
    default boolean ready() {
        return true;
    }
}
