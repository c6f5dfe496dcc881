package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.Json;
import io.ascendant.gateway.api.RequestState;
import io.ascendant.gateway.metering.UsageCounts;
import io.ascendant.gateway.streaming.StreamTranscoder;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * OpenAI SSE to OpenAI SSE, event by event: model name swapped to the tenant's, {@code reasoning} renamed to
 * {@code reasoning_content}, and the usage chunk (which the gateway always asks for) removed unless the tenant asked
 * for it. When the host sent no usage, the gateway's own count is sent before {@code [DONE]} to tenants who asked.
 */
final class OpenAiStreamTranscoder implements StreamTranscoder {
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final RequestState state;
    private final boolean chat;
    private boolean done;
    private String id;
    private long created;

    OpenAiStreamTranscoder(RequestState state, boolean chat) {
        this.state = state;
        this.chat = chat;
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
            return; // not JSON: nothing a tenant's SDK could use
        }
        if (chunk.get("error") != null) {
            out.accept(event(chunk));
            return;
        }
        UsageCounts counts = state.counts();
        if (id == null) {
            id = chunk.path("id").asText(null);
            created = chunk.path("created").asLong(0);
        }
        chunk.put("model", state.prepared().requestedModel());
        JsonNode usage = chunk.remove("usage");
        JsonNode choices = chunk.path("choices");
        for (JsonNode choice : choices) {
            if (chat) {
                if (choice.get("delta") instanceof ObjectNode delta) {
                    OpenAiProtocol.renameReasoning(delta);
                    counts.reasoning(OpenAiProtocol.textOrNull(delta.get("reasoning_content")));
                    counts.content(OpenAiProtocol.textOrNull(delta.get("content")));
                    for (JsonNode call : delta.path("tool_calls")) {
                        counts.content(call.path("function").path("name").asText(""));
                        counts.content(call.path("function").path("arguments").asText(""));
                    }
                }
            } else {
                counts.content(OpenAiProtocol.textOrNull(choice.get("text")));
            }
        }
        boolean usageChunk = usage != null && usage.isObject();
        if (usageChunk) {
            counts.report(usage);
        }
        if (choices.isArray() && !choices.isEmpty()) {
            if (state.prepared().clientWantsUsage()) {
                chunk.putNull("usage");
            }
            out.accept(event(chunk));
        } else if (usageChunk && state.prepared().clientWantsUsage()) {
            counts.writeOpenAi(chunk.putObject("usage"));
            out.accept(event(chunk));
        }
    }

    @Override
    public void onEnd(Consumer<Buffer> out) {
        finish(out);
    }

    @Override
    public void onFailure(String message, Consumer<Buffer> out) {
        fail(message, "upstream_stream_failed", out);
    }

    @Override
    public void onShutdown(Consumer<Buffer> out) {
        fail(SHUTDOWN_MESSAGE, "gateway_shutting_down", out);
    }

    private void fail(String message, String code, Consumer<Buffer> out) {
        if (done) {
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", "api_error");
        error.putNull("param");
        error.put("code", code);
        out.accept(event(root));
        done = true;
        out.accept(DONE);
    }

    @Override
    public boolean done() {
        return done;
    }

    private void finish(Consumer<Buffer> out) {
        if (done) {
            return;
        }
        done = true;
        if (!state.counts().reported() && state.prepared().clientWantsUsage()) {
            state.ensureCounted();
            ObjectNode chunk = Json.MAPPER.createObjectNode();
            chunk.put("id", id == null ? "chatcmpl-" + state.requestId() : id);
            chunk.put("object", chat ? "chat.completion.chunk" : "text_completion");
            chunk.put("created", created);
            chunk.put("model", state.prepared().requestedModel());
            chunk.putArray("choices");
            state.counts().writeOpenAi(chunk.putObject("usage"));
            out.accept(event(chunk));
        }
        out.accept(DONE);
    }

    private static Buffer event(ObjectNode node) {
        Buffer b = Buffer.buffer(256);
        b.appendString("data: ");
        b.appendBuffer(Json.buffer(node));
        b.appendString("\n\n");
        return b;
    }
}
