package io.ascendant.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.Json;
import io.ascendant.gateway.api.RequestState;
import io.ascendant.gateway.metering.UsageCounts;
import io.ascendant.gateway.streaming.StreamTranscoder;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * OpenAI chat chunks to Anthropic's streamed event sequence: {@code message_start}, then per block
 * {@code content_block_start} / {@code content_block_delta} ({@code thinking_delta}, {@code text_delta},
 * {@code input_json_delta}) / {@code content_block_stop} (thinking blocks end with a {@code signature_delta}), then
 * {@code message_delta} with {@code stop_reason} and usage, then {@code message_stop}. {@code message_start} states the
 * prompt's input tokens as the gateway counted them; {@code message_delta} carries the final usage. A host failure mid-stream
 * becomes an {@code error} event.
 */
final class AnthropicStreamTranscoder implements StreamTranscoder {
    private enum Block {
        NONE,
        THINKING,
        TEXT,
        TOOL
    }

    private final RequestState state;
    private boolean started;
    private boolean done;
    private Block block = Block.NONE;
    private int blockIndex = -1;
    private int toolIndex = -1;
    private String finishReason;
    private JsonNode matchedStop;
    /** The open thinking block's text so far, for its signature ({@link AnthropicProtocol#thinkingSignature}). */
    private final StringBuilder thinking = new StringBuilder();

    AnthropicStreamTranscoder(RequestState state) {
        this.state = state;
    }

    @Override
    public void onData(String data, Consumer<Buffer> out) {
        if (done) {
            return;
        }
        if ("[DONE]".equals(data.trim())) {
            finish(out);
            return;
        }
        ObjectNode chunk = Json.parseHost(data);
        if (chunk == null) {
            return;
        }
        if (chunk.has("error")) {
            onFailure(chunk.path("error").path("message").asText("The model host reported an error."), out);
            return;
        }
        start(out);
        UsageCounts counts = state.counts();
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            counts.report(usage);
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            JsonNode reasoning =
                    delta.hasNonNull("reasoning_content") ? delta.get("reasoning_content") : delta.get("reasoning");
            if (reasoning != null && !reasoning.isNull() && !reasoning.asText().isEmpty()) {
                open(Block.THINKING, out, null);
                counts.reasoning(reasoning.asText());
                thinking.append(reasoning.asText());
                ObjectNode d = Json.MAPPER
                        .createObjectNode()
                        .put("type", "thinking_delta")
                        .put("thinking", reasoning.asText());
                out.accept(blockDelta(d));
            }
            JsonNode content = delta.get("content");
            if (content != null && !content.isNull() && !content.asText().isEmpty()) {
                open(Block.TEXT, out, null);
                counts.content(content.asText());
                ObjectNode d =
                        Json.MAPPER.createObjectNode().put("type", "text_delta").put("text", content.asText());
                out.accept(blockDelta(d));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.path("index").asInt(toolIndex < 0 ? 0 : toolIndex);
                if (block != Block.TOOL || index != toolIndex) {
                    toolIndex = index;
                    open(Block.TOOL, out, call);
                }
                String name = call.path("function").path("name").asText("");
                counts.content(name);
                String args = call.path("function").path("arguments").asText("");
                if (!args.isEmpty()) {
                    counts.content(args);
                    ObjectNode d = Json.MAPPER
                            .createObjectNode()
                            .put("type", "input_json_delta")
                            .put("partial_json", args);
                    out.accept(blockDelta(d));
                }
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
                matchedStop = choice.get("stop_reason");
            }
        }
    }

    @Override
    public void onEnd(Consumer<Buffer> out) {
        finish(out);
    }

    @Override
    public void onFailure(String message, Consumer<Buffer> out) {
        if (done) {
            return;
        }
        done = true;
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", "api_error").put("message", message);
        out.accept(event("error", root));
    }

    @Override
    public boolean done() {
        return done;
    }

    private void start(Consumer<Buffer> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "message_start");
        ObjectNode message = root.putObject("message");
        message.put("id", "msg_" + state.requestId());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", state.prepared().requestedModel());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage");
        // Anthropic's stream states the input tokens here, before any output; the host's own count arrives only with
        // the last chunk, so this is the gateway's count (the one the context window was checked with). The final
        // usage in message_delta is the host's, exact.
        usage.put("input_tokens", Math.max(0, state.promptTokens()));
        usage.put("cache_creation_input_tokens", 0);
        usage.put("cache_read_input_tokens", 0);
        usage.put("output_tokens", 0);
        out.accept(event("message_start", root));
    }

    private void open(Block kind, Consumer<Buffer> out, JsonNode toolCall) {
        if (block == kind && kind != Block.TOOL) {
            return;
        }
        close(out);
        block = kind;
        blockIndex++;
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "content_block_start");
        root.put("index", blockIndex);
        ObjectNode cb = root.putObject("content_block");
        switch (kind) {
            case THINKING -> cb.put("type", "thinking").put("thinking", "").put("signature", "");
            case TEXT -> cb.put("type", "text").put("text", "");
            case TOOL -> {
                cb.put("type", "tool_use");
                cb.put(
                        "id",
                        ToolUseIds.toClient(
                                toolCall.get("id"), ToolUseIds.PREFIX + state.requestId() + "_" + toolIndex));
                cb.put("name", toolCall.path("function").path("name").asText(""));
                cb.putObject("input");
            }
            default -> {}
        }
        out.accept(event("content_block_start", root));
    }

    private void close(Consumer<Buffer> out) {
        if (block == Block.NONE) {
            return;
        }
        if (block == Block.THINKING) {
            out.accept(blockDelta(Json.MAPPER
                    .createObjectNode()
                    .put("type", "signature_delta")
                    .put("signature", AnthropicProtocol.thinkingSignature(thinking.toString()))));
            thinking.setLength(0);
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "content_block_stop");
        root.put("index", blockIndex);
        out.accept(event("content_block_stop", root));
        block = Block.NONE;
    }

    private void finish(Consumer<Buffer> out) {
        if (done) {
            return;
        }
        start(out);
        close(out);
        done = true;
        if (!state.counts().reported()) {
            state.ensureCounted();
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "message_delta");
        ObjectNode delta = root.putObject("delta");
        String reason = AnthropicProtocol.stopReason(finishReason == null ? "stop" : finishReason, matchedStop);
        delta.put("stop_reason", reason);
        if ("stop_sequence".equals(reason)) {
            delta.put("stop_sequence", matchedStop.asText());
        } else {
            delta.putNull("stop_sequence");
        }
        AnthropicProtocol.writeUsage(root.putObject("usage"), state.counts());
        out.accept(event("message_delta", root));
        out.accept(event("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop")));
    }

    private Buffer blockDelta(ObjectNode delta) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "content_block_delta");
        root.put("index", blockIndex);
        root.set("delta", delta);
        return event("content_block_delta", root);
    }

    private static Buffer event(String type, ObjectNode data) {
        Buffer b = Buffer.buffer(256);
        b.appendString("event: ").appendString(type).appendString("\ndata: ");
        b.appendBuffer(Json.buffer(data));
        b.appendString("\n\n");
        return b;
    }
}
