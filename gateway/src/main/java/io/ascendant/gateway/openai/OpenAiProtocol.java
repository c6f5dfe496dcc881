package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.Json;
import io.ascendant.gateway.api.PreparedRequest;
import io.ascendant.gateway.api.RequestState;
import io.ascendant.gateway.api.TenantCaller;
import io.ascendant.gateway.api.TenantProtocol;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.metering.UsageCounts;
import io.ascendant.gateway.streaming.StreamTranscoder;
import io.ascendant.gateway.upstream.UpstreamExchange;
import io.ascendant.modelhost.api.HostContract;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI's {@code /v1/chat/completions} and {@code /v1/completions}, passed to hosts that speak the same API. The
 * body goes through almost unchanged: DeepSeek extensions ({@code thinking}, {@code reasoning_effort},
 * {@code reasoning_content} in messages) pass as they are; the gateway only swaps in the upstream model name and, for
 * streams, always asks for the usage chunk; a legacy completion without {@code max_tokens} is sent with 16 (the
 * default of OpenAI and vLLM for that endpoint), and a chat completion without {@code max_tokens} or {@code
 * max_completion_tokens} with the gateway's default output budget ({@link #DEFAULT_CHAT_MAX_TOKENS} or the route's
 * limit if smaller, capped to what the context window leaves after the prompt; put in by the context-window check),
 * so that no host generates more than admission holds. Answers come back with the tenant's model name, reasoning under
 * {@code reasoning_content} (hosts that say {@code reasoning} are renamed) and a usage object with DeepSeek's cache
 * fields.
 */
public final class OpenAiProtocol implements TenantProtocol {
    /** {@code max_tokens} of a {@code /v1/completions} request that sets none (OpenAI's and vLLM's default). */
    static final long LEGACY_COMPLETIONS_MAX_TOKENS = 16;

    /**
     * The output budget of a chat completion that sets no output limit, when the route allows that many: what
     * admission holds and what the host is sent as {@code max_tokens}.
     */
    public static final long DEFAULT_CHAT_MAX_TOKENS = 4096;

    private final boolean chat;
    private final ModelCatalogue catalogue;
    private final DataPathConfig config;

    /** @param chat true for chat completions, false for legacy completions */
    public OpenAiProtocol(boolean chat, ModelCatalogue catalogue, DataPathConfig config) {
        this.chat = chat;
        this.catalogue = catalogue;
        this.config = config;
    }

    @Override
    public boolean anthropicErrors() {
        return false;
    }

    @Override
    public PreparedRequest prepare(ObjectNode body, TenantCaller caller) {
        ModelRoute route = OpenAiValidation.resolveModel(body.get("model"), caller, catalogue);
        String requested = body.get("model").asText();
        OpenAiValidation.rejectUnsupported(body, config.limits().unsupportedParameters());
        long maxTokens = chat
                ? OpenAiValidation.chatOutputLimit(body, route)
                : OpenAiValidation.maxTokens(body, "max_tokens", route);
        boolean defaultLimit = maxTokens < 0;
        if (!chat && maxTokens < 0) {
            // OpenAI's legacy completions API and vLLM default max_tokens to 16 here; sent explicitly so that a host
            // with another default cannot generate up to the whole context window on a budget held for 16 tokens.
            maxTokens = Math.min(route.maxOutputTokens(), LEGACY_COMPLETIONS_MAX_TOKENS);
            body.put("max_tokens", maxTokens);
        }
        boolean stream = OpenAiValidation.bool(body.get("stream"), "stream");
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw new GatewayException.InvalidRequest("'user' must be a string.", "user", "invalid_type");
        }
        boolean wantsUsage = false;
        JsonNode so = body.get(HostContract.STREAM_OPTIONS);
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw new GatewayException.InvalidRequest(
                        "'stream_options' must be an object.", "stream_options", "invalid_type");
            }
            wantsUsage = OpenAiValidation.bool(so.get(HostContract.INCLUDE_USAGE), "stream_options.include_usage");
        }
        String prompt = chat ? chatPrompt(body) : completionPrompt(body);
        body.put("model", route.upstreamModel());
        if (stream) {
            ObjectNode options = so instanceof ObjectNode o ? o : body.putObject(HostContract.STREAM_OPTIONS);
            options.put(HostContract.INCLUDE_USAGE, true);
        }
        return new PreparedRequest(
                route,
                requested,
                chat ? HostContract.CHAT_COMPLETIONS : HostContract.COMPLETIONS,
                body,
                stream,
                wantsUsage,
                prompt,
                // A chat without a limit: the default budget, sent to the host once ContextWindow.fit has capped it.
                maxTokens > 0 ? maxTokens : Math.min(route.maxOutputTokens(), DEFAULT_CHAT_MAX_TOKENS),
                route.contextLength(),
                defaultLimit);
    }

    private static String chatPrompt(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw new GatewayException.InvalidRequest(
                    "Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new GatewayException.InvalidRequest(
                    "'messages' must be a non-empty array.", "messages", "invalid_value");
        }
        StringBuilder sb = new StringBuilder();
        JsonNode tools = body.get("tools");
        ChatTools.check(tools);
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull() && !format.isObject()) {
            throw new GatewayException.InvalidRequest(
                    "'response_format' must be an object, such as {\"type\": \"text\"}.",
                    "response_format",
                    "invalid_type");
        }
        if (tools != null && tools.isArray()) {
            sb.append(tools).append('\n');
        }
        ChatMessageRules rules = new ChatMessageRules();
        int i = 0;
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new GatewayException.InvalidRequest(
                        "'messages[" + i + "]' must be an object with a string 'role'.",
                        "messages[" + i + "]",
                        "invalid_value");
            }
            rules.check(m, i);
            sb.append(m.get("role").asText()).append(": ");
            sb.append(Json.text(m.get("content")));
            JsonNode calls = m.get("tool_calls");
            if (calls != null && calls.isArray()) {
                sb.append(calls);
            }
            sb.append('\n');
            i++;
        }
        return sb.toString();
    }

    private static String completionPrompt(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new GatewayException.InvalidRequest(
                    "Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        throw new GatewayException.InvalidRequest(
                "'prompt' must be a string (batched and token-id prompts are not supported).",
                "prompt",
                "invalid_value");
    }

    @Override
    public Buffer respond(RequestState state, UpstreamExchange exchange) {
        if (exchange.status() != 200) {
            return hostError(exchange);
        }
        ObjectNode answer = Json.parseHost(exchange.body());
        if (answer == null) {
            throw new GatewayException.UpstreamFailure(
                    502, "The model host returned an answer that is not JSON.", "upstream_invalid_response");
        }
        UsageCounts counts = state.counts();
        answer.put("model", state.prepared().requestedModel());
        for (JsonNode choice : answer.path("choices")) {
            if (chat) {
                JsonNode message = choice.get("message");
                if (message instanceof ObjectNode m) {
                    renameReasoning(m);
                    counts.reasoning(textOrNull(m.get("reasoning_content")));
                    counts.content(textOrNull(m.get("content")));
                    for (JsonNode call : m.path("tool_calls")) {
                        counts.content(call.path("function").path("name").asText(""));
                        counts.content(call.path("function").path("arguments").asText(""));
                    }
                }
            } else {
                counts.content(textOrNull(choice.get("text")));
            }
        }
        counts.report(answer.get("usage"));
        if (!counts.reported()) {
            state.ensureCounted();
        }
        counts.writeOpenAi(answer.putObject("usage"));
        return Json.buffer(answer);
    }

    /**
     * A host 4xx in the gateway's own OpenAI error shape: the host's message and {@code param} are kept; {@code type}
     * follows the status, and {@code code} is always a string (vLLM writes the HTTP status there, {@code "code":400}):
     * the host's own string code when it has one, {@code context_length_exceeded} for vLLM's context-length refusal
     * (OpenAI's code for it), else {@code rate_limit_exceeded} for 429 and {@code invalid_request} otherwise.
     */
    static Buffer hostError(UpstreamExchange exchange) {
        ObjectNode parsed = Json.parseHost(exchange.body());
        JsonNode hostError = parsed == null ? null : parsed.get("error");
        JsonNode source = hostError instanceof ObjectNode ? hostError : parsed;
        String detail = source != null && source.path("message").isTextual()
                ? source.get("message").asText()
                : "The model host rejected the request (status " + exchange.status() + ").";
        JsonNode param = source == null ? null : source.get("param");
        JsonNode code = source == null ? null : source.get("code");
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", detail);
        error.put("type", exchange.status() == 429 ? "rate_limit_error" : "invalid_request_error");
        if (param != null && param.isTextual()) {
            error.put("param", param.asText());
        } else {
            error.putNull("param");
        }
        error.put("code", hostErrorCode(exchange.status(), detail, code));
        return Json.buffer(root);
    }

    private static String hostErrorCode(int status, String message, JsonNode hostCode) {
        if (hostCode != null && hostCode.isTextual() && !hostCode.asText().isBlank()) {
            return hostCode.asText();
        }
        if (status == 429) {
            return "rate_limit_exceeded";
        }
        return message.contains("maximum context length") ? "context_length_exceeded" : "invalid_request";
    }

    /** Hosts such as newer vLLM name the field {@code reasoning}; tenants always get {@code reasoning_content}. */
    static void renameReasoning(ObjectNode messageOrDelta) {
        JsonNode reasoning = messageOrDelta.remove("reasoning");
        if (reasoning != null && !messageOrDelta.has("reasoning_content")) {
            messageOrDelta.set("reasoning_content", reasoning);
        }
    }

    static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    @Override
    public StreamTranscoder transcoder(RequestState state) {
        return new OpenAiStreamTranscoder(state, chat);
    }
}
