package io.ascendant.tokenizer.chat;

/**
 * The reference encoder's {@code reasoning_effort}: only {@link #MAX} changes the prompt (a fixed paragraph before the
 * first message, in thinking mode only); {@link #DEFAULT} and {@link #HIGH} add nothing.
 */
public enum ReasoningEffort {
    DEFAULT,
    HIGH,
    MAX
}
