package io.ascendant.tokenizer.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One message of a conversation in the reference encoder's vocabulary (OpenAI-style plus DeepSeek's extra fields).
 *
 * @param role {@code system}, {@code user}, {@code assistant}, {@code tool}, {@code developer} (internal search agent;
 *     rendered like a user turn) or {@code latest_reminder}
 * @param content the text; null is treated as empty
 * @param reasoningContent an assistant turn's reasoning (without {@code <think>} tags), or null
 * @param toolCalls an assistant turn's tool calls (empty if none)
 * @param toolCallId for a {@code tool} message: the id of the call it answers
 * @param tools OpenAI tool definitions ({@code {"type":"function","function":{...}}}) attached to a system or developer
 *     message (empty if none); {@link ChatEncoder} can also attach request-level tools
 * @param responseFormat a JSON schema the answer must follow (system/developer messages), or null
 * @param task internal quick-instruction task ({@code action}, {@code query}, {@code authority}, {@code domain},
 *     {@code title}, {@code read_url}), or null
 * @param withoutEos an assistant turn that is left open (no {@code <｜end▁of▁sentence｜>})
 */
public record ChatMessage(
        String role,
        String content,
        String reasoningContent,
        List<ToolCall> toolCalls,
        String toolCallId,
        List<JsonNode> tools,
        JsonNode responseFormat,
        String task,
        boolean withoutEos) {

    /** Roles the encoder renders. */
    public static final Set<String> ROLES =
            Set.of("system", "user", "assistant", "tool", "developer", "latest_reminder");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, null, null, null, null, null, null, false);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, null, null, null, null, null, null, false);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, null, null, null, null, null, null, false);
    }

    public static ChatMessage assistant(String reasoningContent, String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, reasoningContent, toolCalls, null, null, null, null, false);
    }

    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage("tool", content, null, null, toolCallId, null, null, null, false);
    }

    public static ChatMessage developer(String content) {
        return new ChatMessage("developer", content, null, null, null, null, null, null, false);
    }

    public static ChatMessage latestReminder(String content) {
        return new ChatMessage("latest_reminder", content, null, null, null, null, null, null, false);
    }

    /** This message with tool definitions attached. */
    public ChatMessage withTools(List<JsonNode> newTools) {
        return new ChatMessage(
                role, content, reasoningContent, toolCalls, toolCallId, newTools, responseFormat, task, withoutEos);
    }

    /** This message with a quick-instruction task. */
    public ChatMessage withTask(String newTask) {
        return new ChatMessage(
                role, content, reasoningContent, toolCalls, toolCallId, tools, responseFormat, newTask, withoutEos);
    }

    /**
     * Reads one OpenAI-style message object: {@code role}, {@code content} (a string, null, or an array of
     * {@code {"type":"text","text":...}} parts, joined with a newline as vLLM does; for {@code tool} messages joined with
     * a blank line as the reference does), {@code reasoning_content} (or {@code reasoning}), {@code tool_calls}
     * (arguments as a JSON string; an object is serialized), {@code tool_call_id}, {@code tools},
     * {@code response_format}, {@code task}, {@code wo_eos}.
     *
     * @throws IllegalArgumentException naming the field if the message is not of that shape
     */
    public static ChatMessage fromJson(JsonNode m) {
        if (m == null || !m.isObject()) {
            throw new IllegalArgumentException("a message must be a JSON object");
        }
        String role = m.path("role").asText(null);
        if (role == null || !ROLES.contains(role)) {
            throw new IllegalArgumentException("message.role must be one of " + ROLES + ", got " + m.path("role"));
        }
        String content = text(m.path("content"), role.equals("tool") ? "\n\n" : "\n");
        String reasoning = m.hasNonNull("reasoning_content")
                ? m.get("reasoning_content").asText()
                : m.hasNonNull("reasoning") ? m.get("reasoning").asText() : null;
        List<ToolCall> calls = new ArrayList<>();
        JsonNode tc = m.path("tool_calls");
        if (tc.isArray()) {
            for (JsonNode c : tc) {
                JsonNode f = c.path("function");
                if (!f.path("name").isTextual()) {
                    throw new IllegalArgumentException("message.tool_calls[].function.name must be a string");
                }
                JsonNode args = f.path("arguments");
                String arguments = args.isTextual()
                        ? args.asText()
                        : args.isMissingNode() || args.isNull() ? "{}" : args.toString();
                calls.add(new ToolCall(c.path("id").asText(""), f.get("name").asText(), arguments));
            }
        } else if (!tc.isMissingNode() && !tc.isNull()) {
            throw new IllegalArgumentException("message.tool_calls must be an array");
        }
        List<JsonNode> tools = new ArrayList<>();
        JsonNode t = m.path("tools");
        if (t.isArray()) {
            t.forEach(tools::add);
        } else if (!t.isMissingNode() && !t.isNull()) {
            throw new IllegalArgumentException("message.tools must be an array");
        }
        JsonNode responseFormat = m.hasNonNull("response_format") ? m.get("response_format") : null;
        String task = m.hasNonNull("task") ? m.get("task").asText() : null;
        return new ChatMessage(
                role,
                content,
                reasoning,
                calls,
                m.hasNonNull("tool_call_id") ? m.get("tool_call_id").asText() : null,
                tools,
                responseFormat,
                task,
                m.path("wo_eos").asBoolean(false));
    }

    /** Reads a JSON array of messages; see {@link #fromJson(JsonNode)}. */
    public static List<ChatMessage> listFromJson(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("messages must be a JSON array");
        }
        List<ChatMessage> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                out.add(fromJson(array.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("messages[" + i + "]: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Parses a JSON array text of messages; see {@link #fromJson(JsonNode)}. */
    public static List<ChatMessage> listFromJson(String json) {
        try {
            return listFromJson(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("messages are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode content, String partSeparator) {
        if (content.isMissingNode() || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    parts.add(part.asText());
                } else if ("text".equals(part.path("type").asText())
                        && part.path("text").isTextual()) {
                    parts.add(part.get("text").asText());
                } else {
                    throw new IllegalArgumentException(
                            "message.content part of type " + part.path("type") + " is not supported (text only)");
                }
            }
            return String.join(partSeparator, parts);
        }
        throw new IllegalArgumentException("message.content must be a string, null or an array of text parts");
    }
}
