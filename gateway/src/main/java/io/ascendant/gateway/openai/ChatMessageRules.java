package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.gateway.error.GatewayException;

/**
 * The rules OpenAI's chat API sets for the messages of a conversation, checked message by message in order, so that a
 * request OpenAI refuses is refused here too, naming the field, instead of reaching a host that reads it some other
 * way: a {@code user}, {@code system} or {@code developer} message has a {@code content} (not null); an
 * {@code assistant} message has one unless it carries {@code tool_calls} (or the legacy {@code function_call}).
 *
 * <p>One instance per request, not thread-safe.
 */
final class ChatMessageRules {

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
            }
            case "assistant" -> {
                JsonNode calls = message.get("tool_calls");
                boolean hasCalls = calls != null && calls.isArray() && !calls.isEmpty();
                if (!hasContent && !hasCalls && !message.hasNonNull("function_call")) {
                    throw missing(index, "content");
                }
            }
            default -> {} // other roles are the host's to judge
        }
    }

    private static GatewayException.InvalidRequest missing(int index, String field) {
        String param = "messages[" + index + "]." + field;
        return new GatewayException.InvalidRequest(
                "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }
}
