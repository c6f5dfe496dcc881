package io.ascendant.tokenizer.chat;

/**
 * One streaming event of {@link ChatOutputParser}: maps onto an OpenAI {@code chat.completion.chunk} delta. Text deltas
 * never contain part of a marker (a marker's first characters are held back until it is clear whether it is one).
 */
public sealed interface ChatDelta {

    /** Text to append to {@code delta.reasoning_content}. */
    record Reasoning(String text) implements ChatDelta {}

    /** Text to append to {@code delta.content}. */
    record Content(String text) implements ChatDelta {}

    /**
     * A complete tool call, emitted once its invoke block is closed (or, for the invoke open when the text ends, with
     * the parameters completed before that): {@code delta.tool_calls[{index, id, type:
     * "function", function: {name, arguments}}]}.
     */
    record ToolCallDelta(int index, ToolCall call) implements ChatDelta {}

    /** The output broke the format; parsing goes on (the rest arrives as content). */
    record Problem(ChatParseError error) implements ChatDelta {}
}
