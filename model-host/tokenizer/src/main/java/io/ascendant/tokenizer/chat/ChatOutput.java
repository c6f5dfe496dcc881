package io.ascendant.tokenizer.chat;

import java.util.List;
import java.util.Optional;

/**
 * One parsed assistant answer (OpenAI message fields).
 *
 * @param content the answer text (empty if none)
 * @param reasoningContent the reasoning (thinking mode; empty if none)
 * @param toolCalls the tool calls with JSON-object argument strings, in order (empty if none)
 * @param endOfSequence whether {@code <｜end▁of▁sentence｜>} was seen (false when generation stopped on length)
 * @param error the first format problem, if any (the unparsable text is then part of {@code content}, except for a
 *     cut-off tool-call block: {@link ChatParseError.Kind#UNCLOSED_TOOL_CALLS})
 */
public record ChatOutput(
        String content,
        String reasoningContent,
        List<ToolCall> toolCalls,
        boolean endOfSequence,
        Optional<ChatParseError> error) {
    public ChatOutput {
        toolCalls = List.copyOf(toolCalls);
    }
}
