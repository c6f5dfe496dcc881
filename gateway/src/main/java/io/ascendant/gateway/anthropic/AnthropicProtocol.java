package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.ascendant.gateway.openai.OpenAiValidation;
import io.ascendant.gateway.streaming.StreamTranscoder;
import io.ascendant.gateway.upstream.UpstreamExchange;
import io.ascendant.modelhost.api.HostContract;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Anthropic's {@code POST /v1/messages} on top of the hosts' OpenAI chat API, so that the official Anthropic SDKs
 * work against the gateway unchanged: requests via {@link AnthropicRequests}, answers as Anthropic messages with
 * {@code thinking}, {@code text} and {@code tool_use} blocks, usage as {@code input_tokens} (cache misses),
 * {@code cache_read_input_tokens} (cache hits) and {@code output_tokens}; streams via
 * {@link AnthropicStreamTranscoder}.
 */
public final class AnthropicProtocol implements TenantProtocol {
    private final ModelCatalogue catalogue;
    private final DataPathConfig config;

    public AnthropicProtocol(ModelCatalogue catalogue, DataPathConfig config) {
        this.catalogue = catalogue;
        this.config = config;
    }

    @Override
    public boolean anthropicErrors() {
        return true;
    }

    @Override
    public PreparedRequest prepare(ObjectNode body, TenantCaller caller) {
        AnthropicFields.checkTopLevel(body, AnthropicFields.MESSAGES);
        ModelRoute route = OpenAiValidation.resolveModel(body.get("model"), caller, catalogue);
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            throw AnthropicRequests.invalid("max_tokens: Field required.", "max_tokens");
        }
        long maxTokens = OpenAiValidation.maxTokens(body, "max_tokens", route);
        boolean stream = OpenAiValidation.bool(body.get("stream"), "stream");
        StringBuilder prompt = new StringBuilder();
        ObjectNode host = AnthropicRequests.toOpenAi(body, route.upstreamModel(), maxTokens, prompt);
        AnthropicRequests.checkBudgetBelowMaxTokens(body, maxTokens);
        return new PreparedRequest(
                route,
                body.get("model").asText(),
                HostContract.CHAT_COMPLETIONS,
                host,
                stream,
                false,
                prompt.toString(),
                maxTokens);
    }

    /**
     * Validates a {@code POST /v1/messages/count_tokens} body as {@link #prepare} validates a message (the same fields
     * minus the output parameters, which count_tokens does not accept) and translates it into the chat request the
     * hosts would get for it, whose prompt is what the caller counts. Nothing is sent to a host.
     *
     * @return the translated request ({@code stream} false; {@code maxOutputTokens} the route's limit, a placeholder
     *     that does not change the prompt)
     * @throws GatewayException 400 for an invalid or extra field, 404 for a model the key may not use
     */
    public PreparedRequest prepareCount(ObjectNode body, TenantCaller caller) {
        AnthropicFields.checkTopLevel(body, AnthropicFields.COUNT_TOKENS);
        ModelRoute route = OpenAiValidation.resolveModel(body.get("model"), caller, catalogue);
        StringBuilder prompt = new StringBuilder();
        ObjectNode host = AnthropicRequests.toOpenAi(body, route.upstreamModel(), route.maxOutputTokens(), prompt);
        return new PreparedRequest(
                route,
                body.get("model").asText(),
                HostContract.CHAT_COMPLETIONS,
                host,
                false,
                false,
                prompt.toString(),
                route.maxOutputTokens());
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
        JsonNode choice = answer.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", "msg_" + state.requestId());
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", state.prepared().requestedModel());
        ArrayNode content = out.putArray("content");
        String reasoning = text(message.get("reasoning_content"), message.get("reasoning"));
        if (reasoning != null && !reasoning.isEmpty()) {
            counts.reasoning(reasoning);
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", reasoning)
                    .put("signature", thinkingSignature(reasoning));
        }
        String text = text(message.get("content"), null);
        if (text != null && !text.isEmpty()) {
            counts.content(text);
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", ToolUseIds.toClient(call.get("id"), ToolUseIds.PREFIX + state.requestId()));
            String name = call.path("function").path("name").asText();
            String args = call.path("function").path("arguments").asText("{}");
            counts.content(name);
            counts.content(args);
            block.put("name", name);
            block.set("input", parseArguments(args));
        }
        String finish = choice.path("finish_reason").asText("stop");
        JsonNode matched = choice.get("stop_reason");
        out.put("stop_reason", stopReason(finish, matched));
        if (matched != null && matched.isTextual() && "stop".equals(finish)) {
            out.put("stop_sequence", matched.asText());
        } else {
            out.putNull("stop_sequence");
        }
        counts.report(answer.get("usage"));
        if (!counts.reported()) {
            state.ensureCounted();
        }
        writeUsage(out.putObject("usage"), counts);
        return Json.buffer(out);
    }

    static String stopReason(String finish, JsonNode matched) {
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            default -> matched != null && matched.isTextual() ? "stop_sequence" : "end_turn";
        };
    }

    /**
     * The {@code signature} of a thinking block: base64 of the SHA-256 of its UTF-8 text. Anthropic's SDKs and clients
     * expect a non-empty opaque value (an empty one is read as a block that was never signed); Anthropic's own is a
     * cryptographic proof that it wrote the reasoning. The hosts do not sign reasoning, so this is only a digest: it
     * proves nothing, and the gateway does not verify the signatures clients send back with thinking blocks in
     * {@code messages} (any value is accepted and the text goes to the host as its reasoning).
     */
    static String thinkingSignature(String thinking) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(thinking.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static void writeUsage(ObjectNode usage, UsageCounts counts) {
        usage.put("input_tokens", counts.cacheMissTokens());
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", counts.cacheHitTokens());
        usage.put("output_tokens", counts.completionTokens());
    }

    static JsonNode parseArguments(String args) {
        ObjectNode parsed = Json.parseHost(args);
        return parsed != null ? parsed : Json.MAPPER.createObjectNode();
    }

    private static String text(JsonNode primary, JsonNode secondary) {
        JsonNode n = primary != null && !primary.isNull() ? primary : secondary;
        return n == null || n.isNull() ? null : Json.text(n);
    }

    /** A host 4xx in Anthropic's error shape. */
    static Buffer hostError(UpstreamExchange exchange) {
        ObjectNode parsed = Json.parseHost(exchange.body());
        String message = parsed == null
                ? "The model host rejected the request (status " + exchange.status() + ")."
                : parsed.path("error")
                        .path("message")
                        .asText(parsed.path("message")
                                .asText("The model host rejected the request (status " + exchange.status() + ")."));
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", exchange.status() == 429 ? "rate_limit_error" : "invalid_request_error");
        error.put("message", message);
        return Json.buffer(root);
    }

    @Override
    public StreamTranscoder transcoder(RequestState state) {
        return new AnthropicStreamTranscoder(state);
    }
}
