package io.ascendant.tokenizer.chat;

import java.util.Objects;

/**
 * How a conversation is rendered.
 *
 * @param thinking thinking mode (the prompt ends in {@code <think>}) rather than chat mode ({@code </think>})
 * @param reasoningEffort see {@link ReasoningEffort}
 * @param dropThinking drop the reasoning of assistant turns before the last user message (the reference default, true);
 *     always off when any message carries tools
 * @param addBos start with {@code <｜begin▁of▁sentence｜>} (true unless continuing a context)
 */
public record ChatOptions(boolean thinking, ReasoningEffort reasoningEffort, boolean dropThinking, boolean addBos) {
    public ChatOptions {
        Objects.requireNonNull(reasoningEffort, "reasoningEffort");
    }

    /** Thinking mode with the reference defaults. */
    public static ChatOptions thinkingMode() {
        return new ChatOptions(true, ReasoningEffort.DEFAULT, true, true);
    }

    /** Chat mode (no reasoning) with the reference defaults. */
    public static ChatOptions chatMode() {
        return new ChatOptions(false, ReasoningEffort.DEFAULT, true, true);
    }

    public ChatOptions withReasoningEffort(ReasoningEffort effort) {
        return new ChatOptions(thinking, effort, dropThinking, addBos);
    }
}
