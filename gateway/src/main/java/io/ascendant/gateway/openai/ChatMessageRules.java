package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.gateway.error.GatewayException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The rules OpenAI's chat API sets for the messages of a conversation, checked message by message in order, so that a
 * request OpenAI refuses is refused here too, naming the field, instead of reaching a host that reads it some other
 * way:
 *
 * <ul>
 *   <li>a message carries only the keys OpenAI documents for messages ({@link #KEYS}, plus DeepSeek's
 *       {@code reasoning_content} and {@code prefix}), as the request itself carries only known parameters; {@code
 *       name} is a string and {@code tool_calls} an array;
 *   <li>{@code content} is a string or an array of parts, each an object with a string {@code type}; a {@code text}
 *       part has a string {@code text} (other part types are the host's to judge);
 *   <li>a {@code user}, {@code system}, {@code developer} or {@code tool} message has a {@code content} (not null);
 *       an {@code assistant} message has one unless it carries {@code tool_calls} (or the legacy
 *       {@code function_call});
 *   <li>a {@code tool} message has a {@code tool_call_id} and answers a call of the nearest assistant message before
 *       it with {@code tool_calls}, with only other {@code tool} messages in between.
 * </ul>
 *
 * One instance per request, not thread-safe.
 */
final class ChatMessageRules {
    /**
     * The keys of a message, over all roles: OpenAI's, and DeepSeek's {@code reasoning_content} (earlier answers
     * replayed) and {@code prefix} (prefix completion). Not per role: clients replay whole assistant and tool messages
     * with keys that belong to the other roles, and OpenAI's own SDK types overlap.
     */
    static final Set<String> KEYS = Set.of(
            "role",
            "content",
            "name",
            "tool_calls",
            "tool_call_id",
            "refusal",
            "audio",
            "function_call",
            "reasoning_content",
            "prefix");

    /** The ids of the tool calls a {@code tool} message may answer now; null when no tool message may come. */
    private Set<String> answerable;
    /** The index of the assistant message that made the calls in {@link #answerable}. */
    private int callsAt = -1;

    /**
     * Checks the message at {@code index}; call for every message in order.
     *
     * @param message an object with a string {@code role} (checked by the caller)
     * @throws GatewayException.InvalidRequest naming the missing or wrong field
     */
    void check(JsonNode message, int index) {
        String role = message.get("role").asText();
        shape(message, index);
        JsonNode content = message.get("content");
        boolean hasContent = content != null && !content.isNull();
        switch (role) {
            case "user", "system", "developer" -> {
                if (!hasContent) {
                    throw missing(index, "content");
                }
                answerable = null;
            }
            case "assistant" -> {
                JsonNode calls = message.get("tool_calls");
                boolean hasCalls = calls != null && calls.isArray() && !calls.isEmpty();
                if (!hasContent && !hasCalls && !message.hasNonNull("function_call")) {
                    throw missing(index, "content");
                }
                answerable = hasCalls ? ids(calls) : null;
                callsAt = index;
            }
            case "tool" -> tool(message, index, hasContent);
            default -> answerable = null; // other roles are the host's to judge
        }
    }

    /** The types of a message's fields, whatever its role: unknown keys, {@code name}, {@code tool_calls}, parts. */
    private static void shape(JsonNode message, int index) {
        String at = "messages[" + index + "]";
        for (Iterator<String> it = message.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new GatewayException.InvalidRequest(
                        "Unknown parameter: '" + at + "." + key + "'.", at + "." + key, "unknown_parameter");
            }
        }
        JsonNode name = message.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw invalidType(at + ".name", "a string");
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && !calls.isNull() && !calls.isArray()) {
            throw invalidType(at + ".tool_calls", "an array");
        }
        JsonNode content = message.get("content");
        if (content == null || content.isNull() || content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw invalidType(at + ".content", "a string or an array of content parts");
        }
        for (int p = 0; p < content.size(); p++) {
            part(content.get(p), at + ".content[" + p + "]");
        }
    }

    /** A content part: an object with a string {@code type}; a {@code text} part has a string {@code text}. */
    private static void part(JsonNode part, String at) {
        if (!part.isObject()) {
            throw invalidType(at, "an object with a 'type' (such as {\"type\": \"text\", \"text\": \"...\"})");
        }
        JsonNode type = part.get("type");
        if (type == null || type.isNull()) {
            throw missing(at + ".type");
        }
        if (!type.isTextual()) {
            throw invalidType(at + ".type", "a string");
        }
        if (type.asText().equals("text")) {
            JsonNode text = part.get("text");
            if (text == null || text.isNull()) {
                throw missing(at + ".text");
            }
            if (!text.isTextual()) {
                throw invalidType(at + ".text", "a string");
            }
        }
    }

    private static GatewayException.InvalidRequest invalidType(String param, String expected) {
        return new GatewayException.InvalidRequest("'" + param + "' must be " + expected + ".", param, "invalid_type");
    }

    private void tool(JsonNode message, int index, boolean hasContent) {
        if (answerable == null) {
            throw new GatewayException.InvalidRequest(
                    "Invalid parameter: 'messages[" + index + "]' has role 'tool' but is not a response to a"
                            + " preceding message with 'tool_calls'.",
                    "messages[" + index + "].role",
                    "invalid_value");
        }
        JsonNode id = message.get("tool_call_id");
        if (id == null || id.isNull()) {
            throw missing(index, "tool_call_id");
        }
        if (!id.isTextual() || !answerable.contains(id.asText())) {
            throw new GatewayException.InvalidRequest(
                    "Invalid parameter: 'messages[" + index + "].tool_call_id' of '" + id.asText()
                            + "' not found in 'tool_calls' of the preceding assistant message (messages[" + callsAt
                            + "]).",
                    "messages[" + index + "].tool_call_id",
                    "invalid_value");
        }
        if (!hasContent) {
            throw missing(index, "content");
        }
    }

    private static Set<String> ids(JsonNode calls) {
        Set<String> ids = new HashSet<>();
        for (JsonNode call : calls) {
            if (call.path("id").isTextual()) {
                ids.add(call.get("id").asText());
            }
        }
        return ids;
    }

    private static GatewayException.InvalidRequest missing(int index, String field) {
        return missing("messages[" + index + "]." + field);
    }

    private static GatewayException.InvalidRequest missing(String param) {
        return new GatewayException.InvalidRequest(
                "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }
}
