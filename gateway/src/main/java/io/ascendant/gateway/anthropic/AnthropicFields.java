package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.gateway.error.GatewayException;
import java.util.Iterator;
import java.util.Set;

/**
 * Which fields a Messages request may carry, checked before anything else as Anthropic's API does: a field the API
 * does not define is a 400 {@code "<path>: Extra inputs are not permitted"} (a typo such as {@code max_token} would
 * otherwise be dropped without a word), and a field Anthropic defines but this gateway cannot honour (data residency,
 * structured output, server-side MCP, ...) is a 400 naming it as unsupported, the way the OpenAI endpoints refuse
 * {@code gateway.limits.unsupported-parameters}. The lists cover what {@code com.anthropic:anthropic-java} 3.14.0's
 * {@code MessageCreateParams} and {@code MessageCountTokensParams} send, plus {@code stream}, {@code temperature},
 * {@code top_p} and {@code top_k} from Anthropic's API reference.
 *
 * <p>Accepted without effect, because the gateway already behaves as they ask: {@code metadata} (an opaque end-user
 * id for abuse tracking; never sent to the host), {@code service_tier} (there is no priority tier, so {@code auto}
 * and {@code standard_only} mean the same), and {@code cache_control} at the top, on blocks and on tools (the hosts'
 * prefix cache is automatic).
 */
final class AnthropicFields {
    private AnthropicFields() {}

    /** The top level of {@code POST /v1/messages}. */
    static final Set<String> MESSAGES = Set.of(
            "model",
            "max_tokens",
            "messages",
            "system",
            "tools",
            "tool_choice",
            "thinking",
            "stop_sequences",
            "stream",
            "temperature",
            "top_p",
            "top_k",
            "metadata",
            "service_tier",
            "cache_control");

    /** The top level of {@code POST /v1/messages/count_tokens}: no output parameters, as in Anthropic's API. */
    static final Set<String> COUNT_TOKENS =
            Set.of("model", "messages", "system", "tools", "tool_choice", "thinking", "cache_control");

    /** Anthropic parameters the gateway cannot honour: refused when set (not null). */
    static final Set<String> UNSUPPORTED = Set.of(
            "container", "mcp_servers", "inference_geo", "output_config", "diagnostics", "speed", "context_management");

    private static final Set<String> MESSAGE = Set.of("role", "content");
    private static final Set<String> TEXT_BLOCK = Set.of("type", "text", "cache_control", "citations");
    private static final Set<String> THINKING_BLOCK = Set.of("type", "thinking", "signature");
    private static final Set<String> REDACTED_THINKING_BLOCK = Set.of("type", "data");
    private static final Set<String> TOOL_USE_BLOCK =
            Set.of("type", "id", "name", "input", "cache_control", "caller", "toolset_name");
    private static final Set<String> TOOL_RESULT_BLOCK =
            Set.of("type", "tool_use_id", "content", "is_error", "cache_control", "toolset_name");
    private static final Set<String> TOOL =
            Set.of("type", "name", "description", "input_schema", "cache_control", "eager_input_streaming");

    /** Tool fields Anthropic defines that ask for something the hosts do not do; refused unless null or false. */
    private static final Set<String> UNSUPPORTED_TOOL =
            Set.of("strict", "defer_loading", "input_examples", "allowed_callers");

    private static final Set<String> TOOL_CHOICE = Set.of("type", "name", "disable_parallel_tool_use");
    private static final Set<String> THINKING = Set.of("type", "budget_tokens", "display");
    private static final Set<String> METADATA = Set.of("user_id");

    /**
     * Checks the top level of a request body and the parts the gateway does not otherwise parse field by field
     * ({@code metadata}, {@code service_tier}).
     *
     * @param allowed {@link #MESSAGES} or {@link #COUNT_TOKENS}
     */
    static void checkTopLevel(JsonNode body, Set<String> allowed) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (UNSUPPORTED.contains(name)) {
                if (!body.get(name).isNull()) {
                    throw unsupported(name, name);
                }
            } else if (!allowed.contains(name)) {
                throw extra(name, name);
            }
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw AnthropicRequests.invalid("metadata: must be an object.", "metadata");
            }
            check(metadata, METADATA, "metadata", "metadata");
            JsonNode user = metadata.get("user_id");
            if (user != null && !user.isNull() && !user.isTextual()) {
                throw AnthropicRequests.invalid("metadata.user_id: must be a string.", "metadata");
            }
        }
        JsonNode tier = body.get("service_tier");
        if (tier != null
                && !tier.isNull()
                && !(tier.isTextual() && Set.of("auto", "standard_only").contains(tier.asText()))) {
            throw AnthropicRequests.invalid("service_tier: must be 'auto' or 'standard_only'.", "service_tier");
        }
    }

    /** A message: {@code role} and {@code content} only. */
    static void checkMessage(JsonNode message, int index) {
        check(message, MESSAGE, "messages." + index, "messages");
    }

    /**
     * A content block of a known type (in {@code messages} or in {@code system}).
     *
     * @param path where the block is, such as {@code messages.2.content.0}
     * @param param the top-level parameter it belongs to
     */
    static void checkBlock(JsonNode block, String type, String path, String param) {
        Set<String> allowed = switch (type) {
            case "text" -> TEXT_BLOCK;
            case "thinking" -> THINKING_BLOCK;
            case "redacted_thinking" -> REDACTED_THINKING_BLOCK;
            case "tool_use" -> TOOL_USE_BLOCK;
            case "tool_result" -> TOOL_RESULT_BLOCK;
            default -> null;
        };
        if (allowed != null) {
            check(block, allowed, path, param);
        }
    }

    /** A custom tool definition. */
    static void checkTool(JsonNode tool, int index) {
        Iterator<String> names = tool.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode v = tool.get(name);
            if (UNSUPPORTED_TOOL.contains(name)) {
                if (!v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                    throw unsupported("tools." + index + "." + name, "tools");
                }
            } else if (!TOOL.contains(name)) {
                throw extra("tools." + index + "." + name, "tools");
            }
        }
    }

    /** {@code tool_choice}: {@code type}, {@code name}, {@code disable_parallel_tool_use}. */
    static void checkToolChoice(JsonNode toolChoice) {
        check(toolChoice, TOOL_CHOICE, "tool_choice", "tool_choice");
    }

    /** {@code thinking}: {@code type}, {@code budget_tokens}, {@code display}. */
    static void checkThinking(JsonNode thinking) {
        check(thinking, THINKING, "thinking", "thinking");
    }

    private static void check(JsonNode node, Set<String> allowed, String path, String param) {
        if (!node.isObject()) {
            return; // the caller reports a wrong type in its own words
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw extra(path + "." + name, param);
            }
        }
    }

    private static GatewayException.InvalidRequest extra(String path, String param) {
        return AnthropicRequests.invalid(path + ": Extra inputs are not permitted", param);
    }

    private static GatewayException.InvalidRequest unsupported(String path, String param) {
        return new GatewayException.InvalidRequest(
                "Unsupported parameter: '" + path + "' is not supported by this gateway.",
                param,
                "unsupported_parameter");
    }
}
