package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.gateway.error.GatewayException;
import java.util.HashSet;
import java.util.Set;

/**
 * The rules OpenAI's chat API sets for the messages of a conversation, checked message by message in order, so that a
 * request OpenAI refuses is refused here too, naming the field, instead of reaching a host that reads it some other
 * way:
 *
 * <ul>
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
        String param = "messages[" + index + "]." + field;
        return new GatewayException.InvalidRequest(
                "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }
}
