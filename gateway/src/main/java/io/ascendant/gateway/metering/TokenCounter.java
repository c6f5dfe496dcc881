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
