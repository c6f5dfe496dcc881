package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.Json;
import java.util.HashSet;
import java.util.Set;

/**
 * One Anthropic message checked and translated into OpenAI chat messages: text and thinking blocks into content and
 * {@code reasoning_content}, {@code tool_use} blocks into assistant {@code tool_calls}, {@code tool_result} blocks
 * into {@code tool} messages, each of which must answer a {@code tool_use} of the previous message (as at Anthropic).
 * Tool-use ids reach the host without the {@code toolu_} prefix the gateway gave them ({@link ToolUseIds}).
 */
final class AnthropicMessages {
    private AnthropicMessages() {}

    /**
     * Checks and translates one message.
     *
     * @param last whether {@code m} is the request's final message (which, from the assistant, may be empty)
     * @param answerable the ids of the previous message's {@code tool_use} blocks: each {@code tool_result} must
     *     answer one of them, as at Anthropic
     * @return the ids of this message's {@code tool_use} blocks (none unless it is the assistant's)
     */
    static Set<String> translate(
            JsonNode m, int index, boolean last, Set<String> answerable, ArrayNode messages, StringBuilder prompt) {
        String role = m.path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw AnthropicRequests.invalid("messages." + index + ".role: must be 'user' or 'assistant'.", "messages");
        }
        AnthropicFields.checkMessage(m, index);
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw AnthropicRequests.invalid("messages." + index + ".content: Field required.", "messages");
        }
        if (content.isTextual()) {
            messages.addObject().put("role", role).put("content", content.asText());
            prompt.append(role).append(": ").append(content.asText()).append('\n');
            return Set.of();
        }
        if (!content.isArray()) {
            throw AnthropicRequests.invalid(
                    "messages." + index + ".content: must be a string or an array of blocks.", "messages");
        }
        if (content.isEmpty() && !(last && role.equals("assistant"))) {
            // Anthropic's rule: an empty final assistant message asks for a plain answer; anywhere else it is a turn
            // with nothing in it, which the hosts refused with a message about the whole conversation.
            throw AnthropicRequests.invalid(
                    "messages." + index + ".content: all messages must have non-empty content except for the"
                            + " optional final assistant message",
                    "messages");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        Set<String> toolUses = new HashSet<>();
        int b = 0;
        for (JsonNode block : content) {
            String at = "messages." + index + ".content." + b;
            if (!block.isObject()) {
                throw AnthropicRequests.invalid(at + ": Input should be an object", "messages");
            }
            JsonNode typeNode = block.get("type");
            if (typeNode == null || typeNode.isNull()) {
                throw AnthropicRequests.invalid(at + ".type: Field required", "messages");
            }
            String type = typeNode.asText("");
            AnthropicFields.checkBlock(block, type, at, "messages");
            switch (type) {
                case "text" -> {
                    String blockText = AnthropicRequests.blockText(block, at, "messages");
                    if (blockText.isEmpty()) {
                        // Anthropic's rule, in its words: an empty block is no turn at all to the hosts, which then
                        // refused the request with a message about the whole conversation.
                        throw AnthropicRequests.invalid(
                                at + ".text: text content blocks must be non-empty", "messages");
                    }
                    text.append(blockText);
                }
                case "thinking" -> {
                    // As at Anthropic, a thinking block sent back carries its text and the signature it came with;
                    // the value is not verified (the hosts do not sign reasoning), but a block without one is not
                    // an answer this API gave.
                    if (!block.path("thinking").isTextual()) {
                        throw AnthropicRequests.invalid(at + ".thinking: Field required (a string).", "messages");
                    }
                    if (!block.path("signature").isTextual()) {
                        throw AnthropicRequests.invalid(
                                at + ".signature: Field required (the signature the thinking block came with).",
                                "messages");
                    }
                    reasoning.append(block.get("thinking").asText());
                }
                case "redacted_thinking" -> {}
                case "tool_use" -> {
                    if (role.equals("assistant")) {
                        toolUses.add(block.path("id").asText());
                    }
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", ToolUseIds.toHost(block.path("id").asText()));
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", block.path("name").asText());
                    fn.put("arguments", block.has("input") ? block.get("input").toString() : "{}");
                }
                case "tool_result" -> {
                    checkAnswers(block, at, answerable);
                    String result = Json.text(block.get("content"));
                    if (block.path("is_error").asBoolean(false)) {
                        result = "Error: " + result;
                    }
                    messages.addObject()
                            .put("role", "tool")
                            .put(
                                    "tool_call_id",
                                    ToolUseIds.toHost(block.path("tool_use_id").asText()))
                            .put("content", result);
                    prompt.append("tool: ").append(result).append('\n');
                }
                default ->
                    throw AnthropicRequests.invalid(
                            at + ": block type '" + type + "' is not supported by this gateway.", "messages");
            }
            b++;
        }
        if (text.isEmpty() && reasoning.isEmpty() && toolCalls.isEmpty()) {
            return toolUses;
        }
        ObjectNode msg = messages.addObject();
        msg.put("role", role);
        msg.put("content", text.toString());
        if (!reasoning.isEmpty()) {
            msg.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            msg.set("tool_calls", toolCalls);
        }
        prompt.append(role).append(": ").append(text);
        if (!toolCalls.isEmpty()) {
            prompt.append(toolCalls);
        }
        prompt.append('\n');
        return toolUses;
    }

    /**
     * A {@code tool_result} block's {@code tool_use_id}: required, and the id of a {@code tool_use} block of the
     * previous message. Without this check a result for a call the model never made reached the host as a tool
     * message answering that call.
     *
     * @param at where the block is, such as {@code messages.2.content.0}
     */
    private static void checkAnswers(JsonNode block, String at, Set<String> answerable) {
        JsonNode id = block.get("tool_use_id");
        if (id == null || id.isNull()) {
            throw AnthropicRequests.invalid(at + ".tool_use_id: Field required", "messages");
        }
        if (!id.isTextual() || !answerable.contains(id.asText())) {
            throw AnthropicRequests.invalid(
                    at + ".tool_use_id: unexpected `tool_use_id` found in `tool_result` blocks: " + id.asText()
                            + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous"
                            + " message.",
                    "messages");
        }
    }
}
