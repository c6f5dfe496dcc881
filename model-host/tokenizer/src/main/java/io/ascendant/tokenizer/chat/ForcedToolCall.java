package io.ascendant.tokenizer.chat;

import static io.ascendant.tokenizer.chat.V4Markers.INVOKE_OPEN;
import static io.ascendant.tokenizer.chat.V4Markers.THINK_END;
import static io.ascendant.tokenizer.chat.V4Markers.TOOL_CALLS_OPEN;

/**
 * Forced tool use (OpenAI {@code tool_choice: "required"} or a named function) for a V4 host without constrained
 * decoding: the prompt goes on past the assistant turn's opening with the start of the tool-call block the model
 * would write itself ({@code \n\n<｜DSML｜tool_calls>\n}, and for a named function also
 * {@code <｜DSML｜invoke name="f">\n}), so the only way for the model to continue is inside that block. The same text
 * is fed to the {@link ChatOutputParser} before the generated text, so the answer parses as if the model had written
 * it.
 *
 * <p>Trap: in thinking mode the prompt ends inside an open {@code <think>}; the opening then starts with
 * {@code </think>}, so a forced call comes without reasoning (Anthropic, likewise, does not allow extended thinking
 * together with forced tool use).
 */
public final class ForcedToolCall {
    private ForcedToolCall() {}

    /**
     * The text appended to an encoded chat prompt ({@link ChatEncoder#render}) to force a tool call.
     *
     * @param thinking whether the prompt was rendered in thinking mode (ends with {@code <think>})
     * @param function the function the call must invoke, or null for any of the offered tools
     * @throws IllegalArgumentException for a function name that cannot be written into the markup (a {@code "},
     *     {@code <}, {@code >} or line break)
     */
    public static String opening(boolean thinking, String function) {
        StringBuilder sb = new StringBuilder();
        if (thinking) {
            sb.append(THINK_END);
        }
        sb.append("\n\n").append(TOOL_CALLS_OPEN).append(">\n");
        if (function != null) {
            if (function.chars().anyMatch(c -> c == '"' || c == '<' || c == '>' || c == '\n' || c == '\r')) {
                throw new IllegalArgumentException(
                        "function name '" + function + "' contains \", <, > or a line break");
            }
            sb.append(INVOKE_OPEN).append(" name=\"").append(function).append("\">\n");
        }
        return sb.toString();
    }
}
