package io.ascendant.tokenizer.chat;

import java.util.Objects;

/**
 * One OpenAI-style function call: {@code {"id": id, "type": "function", "function": {"name": name, "arguments":
 * arguments}}}.
 *
 * @param id the call id that tool results refer to ({@code tool_call_id}); may be empty, never null
 * @param name the function name
 * @param arguments the arguments as a JSON object text, e.g. {@code {"location": "Beijing"}}
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        id = id == null ? "" : id;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
