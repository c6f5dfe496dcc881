package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.Json;
import io.ascendant.gateway.error.GatewayException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Anthropic Messages request to OpenAI chat request. System text becomes a system message; {@code tool_use} blocks
 * become assistant {@code tool_calls}; {@code tool_result} blocks become {@code tool} messages (placed before the rest
 * of their user turn); {@code thinking} blocks become DeepSeek's {@code reasoning_content}; {@code thinking.type}
 * maps to DeepSeek's {@code thinking.type}; tools map to functions with {@code input_schema} as parameters.
 */
final class AnthropicRequests {
    private AnthropicRequests() {}

    /**
     * @param in the Anthropic body (validated for its top-level fields ({@link AnthropicFields}), model and max_tokens
     *     already); fields inside messages, blocks, tools, tool_choice and thinking are checked here
     * @param upstreamModel model name for the host
     * @param prompt receives the prompt text (prefix hashing, counting)
     */
    static ObjectNode toOpenAi(ObjectNode in, String upstreamModel, long maxTokens, StringBuilder prompt) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", upstreamModel);
        out.put("max_tokens", maxTokens);
        ArrayNode messages = out.putArray("messages");
        JsonNode system = in.get("system");
        if (system != null && !system.isNull()) {
            if (!system.isTextual() && !system.isArray()) {
                throw invalid("system: must be a string or an array of text blocks.", "system");
            }
            int b = 0;
            for (JsonNode block : system) { // nothing for a string
                if (!"text".equals(block.path("type").asText(""))) {
                    throw invalid("system." + b + ".type: must be 'text'.", "system");
                }
                AnthropicFields.checkBlock(block, "text", "system." + b, "system");
                blockText(block, "system." + b, "system");
                b++;
            }
            String text = Json.text(system);
            messages.addObject().put("role", "system").put("content", text);
            prompt.append("system: ").append(text).append('\n');
        }
        JsonNode tools = in.get("tools");
        if (tools != null && !tools.isNull()) {
            out.set("tools", tools(tools));
            prompt.insert(0, out.get("tools").toString() + "\n");
        }
        JsonNode toolChoice = in.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull() && !toolChoice.isObject()) {
            throw invalid("tool_choice: must be an object such as {\"type\":\"auto\"}.", "tool_choice");
        }
        if (toolChoice != null && toolChoice.isObject()) {
            AnthropicFields.checkToolChoice(toolChoice);
            String type = toolChoice.path("type").asText("auto");
            switch (type) {
                case "auto" -> out.put("tool_choice", "auto");
                case "any" -> out.put("tool_choice", "required");
                case "none" -> out.put("tool_choice", "none");
                case "tool" -> {
                    String name = forcedTool(toolChoice, out.get("tools"));
                    ObjectNode tc = out.putObject("tool_choice");
                    tc.put("type", "function");
                    tc.putObject("function").put("name", name);
                }
                default -> throw invalid("tool_choice.type: unknown value '" + type + "'.", "tool_choice");
            }
            if (toolChoice.path("disable_parallel_tool_use").asBoolean(false)) {
                out.put("parallel_tool_calls", false);
            }
        }
        JsonNode msgs = in.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw invalid("messages: Field required (a non-empty array).", "messages");
        }
        Set<String> toolUses = Set.of(); // the tool_use ids of the previous message: what a tool_result may answer
        for (int i = 0; i < msgs.size(); i++) {
            toolUses = AnthropicMessages.translate(msgs.get(i), i, i == msgs.size() - 1, toolUses, messages, prompt);
        }
        copy(in, out, unitInterval(in, "temperature"));
        copy(in, out, unitInterval(in, "top_p"));
        copy(in, out, "top_k");
        JsonNode stop = stopSequences(in);
        if (stop != null && !stop.isEmpty()) {
            out.set("stop", stop);
        }
        JsonNode thinking = in.get("thinking");
        if (thinking != null && !thinking.isNull() && !thinking.isObject()) {
            throw invalid("thinking: must be an object such as {\"type\":\"disabled\"}.", "thinking");
        }
        if (thinking != null && thinking.isObject()) {
            AnthropicFields.checkThinking(thinking);
            JsonNode typeNode = thinking.get("type");
            if (typeNode == null || typeNode.isNull()) {
                throw invalid("thinking.type: Field required ('enabled' or 'disabled').", "thinking");
            }
            String type = typeNode.asText();
            if (!typeNode.isTextual() || !("enabled".equals(type) || "disabled".equals(type))) {
                // Anything else used to count as enabled without the budget checks an enabled block gets.
                throw invalid("thinking.type: must be 'enabled' or 'disabled' (got " + typeNode + ").", "thinking");
            }
            if ("enabled".equals(type)) {
                budgetTokens(thinking);
            }
            out.putObject("thinking").put("type", "disabled".equals(type) ? "disabled" : "enabled");
            if (!"disabled".equals(type) && forcesToolUse(toolChoice)) {
                // Anthropic's own refusal, word for word: extended thinking is not compatible with forced tool use.
                // The hosts would honour both only by closing the reasoning before the forced call, so the answer
                // would silently come without the thinking the client asked for.
                throw invalid("Thinking may not be enabled when tool_choice forces tool use.", "tool_choice");
            }
        }
        if (in.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return out;
    }

    /**
     * {@code stop_sequences}: absent, null or a list of strings that are not blank, as Anthropic requires (a string
     * such as {@code "x"} was dropped without a word, so generation ran past the sequence the caller meant).
     *
     * @return the list, or null when absent
     */
    private static JsonNode stopSequences(ObjectNode in) {
        JsonNode stop = in.get("stop_sequences");
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (!stop.isArray()) {
            throw invalid("stop_sequences: Input should be a valid list", "stop_sequences");
        }
        int s = 0;
        for (JsonNode sequence : stop) {
            if (!sequence.isTextual()) {
                throw invalid("stop_sequences." + s + ": Input should be a valid string", "stop_sequences");
            }
            if (sequence.asText().isBlank()) {
                throw invalid(
                        "stop_sequences." + s + ": each stop sequence must contain non-whitespace", "stop_sequences");
            }
            s++;
        }
        return stop;
    }

    /** Whether a {@code tool_choice} forces a tool call ({@code any} or {@code tool}). */
    private static boolean forcesToolUse(JsonNode toolChoice) {
        if (toolChoice == null || !toolChoice.isObject()) {
            return false;
        }
        String type = toolChoice.path("type").asText("auto");
        return "any".equals(type) || "tool".equals(type);
    }

    /**
     * Anthropic's lower bound on {@code thinking.budget_tokens}, from its extended-thinking documentation; the upper
     * bound is {@code max_tokens} (exclusive), checked by {@link #checkBudgetBelowMaxTokens}.
     */
    static final long MIN_THINKING_BUDGET = 1024;

    /**
     * {@code thinking.budget_tokens} of an enabled thinking block: required, an integer, at least
     * {@value #MIN_THINKING_BUDGET}. The hosts have no reasoning budget, so it is checked and not sent on.
     */
    private static long budgetTokens(JsonNode thinking) {
        JsonNode budget = thinking.get("budget_tokens");
        if (budget == null || budget.isNull()) {
            throw invalid(
                    "thinking.budget_tokens: Field required (an integer >= " + MIN_THINKING_BUDGET
                            + " when thinking is enabled).",
                    "thinking");
        }
        if (!budget.isIntegralNumber() || !budget.canConvertToLong()) {
            throw invalid("thinking.budget_tokens: must be an integer >= " + MIN_THINKING_BUDGET + ".", "thinking");
        }
        if (budget.asLong() < MIN_THINKING_BUDGET) {
            throw invalid(
                    "thinking.budget_tokens: must be greater than or equal to " + MIN_THINKING_BUDGET + " (got "
                            + budget.asLong() + ").",
                    "thinking");
        }
        return budget.asLong();
    }

    /**
     * Anthropic requires an enabled thinking block's {@code budget_tokens} to be less than {@code max_tokens} (the
     * budget is part of the output). Only {@code /v1/messages} has a {@code max_tokens}; call after {@link #toOpenAi},
     * which checked the budget itself.
     */
    static void checkBudgetBelowMaxTokens(ObjectNode in, long maxTokens) {
        JsonNode thinking = in.get("thinking");
        if (thinking == null
                || !thinking.isObject()
                || !"enabled".equals(thinking.path("type").asText())) {
            return;
        }
        long budget = budgetTokens(thinking);
        if (budget >= maxTokens) {
            throw invalid(
                    "thinking.budget_tokens: must be less than max_tokens (budget_tokens " + budget + ", max_tokens "
                            + maxTokens + ").",
                    "thinking");
        }
    }

    /**
     * The name of {@code {"type":"tool","name":X}}: required, and one of the request's tools (as Anthropic refuses a
     * tool it was not given; a host would otherwise be asked to call a function it has no schema for).
     *
     * @param tools the translated OpenAI tools, or null when the request has none
     */
    private static String forcedTool(JsonNode toolChoice, JsonNode tools) {
        JsonNode name = toolChoice.get("name");
        if (name == null || !name.isTextual()) {
            throw invalid(
                    "tool_choice.name: Field required (a string) when tool_choice.type is 'tool'.", "tool_choice");
        }
        if (tools != null) {
            for (JsonNode t : tools) {
                if (name.asText().equals(t.path("function").path("name").asText())) {
                    return name.asText();
                }
            }
        }
        throw invalid(
                "tool_choice.name: tool '" + name.asText() + "' is not among the request's tools.", "tool_choice");
    }

    /**
     * The {@code text} of a text block: required and a string, as Anthropic requires (a block without one reached the
     * host as a turn with nothing in it, or as no turn at all, and the host's refusal named the whole conversation).
     *
     * @param at where the block is, such as {@code messages.2.content.0} or {@code system.0}
     * @param param the top-level parameter it belongs to
     */
    static String blockText(JsonNode block, String at, String param) {
        JsonNode text = block.get("text");
        if (text == null || text.isNull()) {
            throw invalid(at + ".text: Field required", param);
        }
        if (!text.isTextual()) {
            throw invalid(at + ".text: Input should be a valid string", param);
        }
        return text.asText();
    }

    /** Anthropic's rule for a custom tool's {@code name}. */
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

    /**
     * Anthropic custom tools to OpenAI functions. Each must be an object with a {@code name} matching
     * {@link #TOOL_NAME} and an {@code input_schema} object of {@code "type": "object"}, as Anthropic requires: a tool
     * without a schema used to be sent on with an empty one and billed, and a schema that is not an object reached the
     * host as the function's parameters.
     */
    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) {
            throw invalid("tools: must be an array.", "tools");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        int i = 0;
        for (JsonNode t : tools) {
            String at = "tools." + i;
            if (!t.isObject()) {
                throw invalid(at + ": Input should be an object", "tools");
            }
            if (t.hasNonNull("type") && !"custom".equals(t.path("type").asText())) {
                throw invalid(
                        at + ": server tools of type '" + t.path("type").asText() + "' are not supported.", "tools");
            }
            AnthropicFields.checkTool(t, i);
            JsonNode name = t.get("name");
            if (name == null || name.isNull()) {
                throw invalid(at + ".name: Field required", "tools");
            }
            if (!name.isTextual()) {
                throw invalid(at + ".name: Input should be a valid string", "tools");
            }
            if (!TOOL_NAME.matcher(name.asText()).matches()) {
                throw invalid(at + ".name: String should match pattern '^" + TOOL_NAME.pattern() + "$'", "tools");
            }
            JsonNode description = t.get("description");
            if (description != null && !description.isNull() && !description.isTextual()) {
                throw invalid(at + ".description: Input should be a valid string", "tools");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || schema.isNull()) {
                throw invalid(at + ".input_schema: Field required", "tools");
            }
            if (!schema.isObject()) {
                throw invalid(at + ".input_schema: Input should be an object", "tools");
            }
            JsonNode schemaType = schema.get("type");
            if (schemaType == null || schemaType.isNull()) {
                throw invalid(at + ".input_schema.type: Field required", "tools");
            }
            if (!"object".equals(schemaType.textValue())) {
                throw invalid(at + ".input_schema.type: Input should be 'object'", "tools");
            }
            ObjectNode f = out.addObject();
            f.put("type", "function");
            ObjectNode fn = f.putObject("function");
            fn.put("name", name.asText());
            if (description != null && !description.isNull()) {
                fn.put("description", description.asText());
            }
            fn.set("parameters", schema);
            i++;
        }
        return out;
    }

    /**
     * Checks an optional sampling parameter against Anthropic's range 0..1 (OpenAI's temperature goes to 2, so the
     * host would accept what Anthropic refuses) and returns its name.
     */
    private static String unitInterval(ObjectNode in, String field) {
        JsonNode v = in.get(field);
        if (v != null && !v.isNull() && (!v.isNumber() || v.doubleValue() < 0 || v.doubleValue() > 1)) {
            throw invalid(field + ": must be a number between 0 and 1 (range: 0..1).", field);
        }
        return field;
    }

    private static void copy(ObjectNode in, ObjectNode out, String field) {
        if (in.hasNonNull(field)) {
            out.set(field, in.get(field));
        }
    }

    static GatewayException.InvalidRequest invalid(String message, String param) {
        return new GatewayException.InvalidRequest(message, param, "invalid_request");
    }
}
