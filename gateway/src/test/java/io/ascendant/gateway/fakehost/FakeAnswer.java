package io.ascendant.gateway.fakehost;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One answer of the {@link FakeModelHost} in both wire shapes: the whole JSON body and the SSE chunks, for chat and
 * text completions. The words, reasoning and field name are the host's settings when the request arrived.
 *
 * <p>Usage: completion tokens are the words (5 for a tool call) plus the reasoning words.
 */
final class FakeAnswer {
    private final String model;
    private final boolean chat;
    private final boolean thinking;
    private final boolean tools;
    private final long promptTokens;
    private final long cached;
    private final boolean usage;
    private final String answerText;
    private final String reasoningText;
    private final String reasoningField;
    private final ToolCallScript toolScript;
    private final String finishReason;
    private final String[] words;
    private final String[] reasoningWords;
    private final long created = System.currentTimeMillis() / 1000;
    private final String id = "cmpl-fake-" + System.nanoTime();

    /** The request's shape, its usage figures, and the host's answer settings at the time. */
    record Request(
            String model,
            boolean chat,
            boolean thinking,
            boolean tools,
            long promptTokens,
            long cached,
            boolean usage) {}

    /** A tool-call answer's arguments (JSON object text) and finish reason. */
    record ToolCallScript(String arguments, String finishReason) {}

    /** @param finishReason the finish reason of a content answer: {@code stop}, or {@code length} when cut short */
    FakeAnswer(
            Request r,
            String answerText,
            String reasoningText,
            String reasoningField,
            ToolCallScript toolScript,
            String finishReason) {
        this.model = r.model();
        this.chat = r.chat();
        this.thinking = r.thinking();
        this.tools = r.tools();
        this.promptTokens = r.promptTokens();
        this.cached = r.cached();
        this.usage = r.usage();
        this.answerText = answerText;
        this.reasoningText = reasoningText;
        this.reasoningField = reasoningField;
        this.toolScript = toolScript;
        this.finishReason = finishReason;
        this.words = answerText.split(" ");
        this.reasoningWords = thinking ? reasoningText.split(" ") : new String[0];
    }

    long completionTokens() {
        return (tools ? 5 : words.length) + reasoningWords.length;
    }

    JsonObject usageObject() {
        return new JsonObject()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens())
                .put("total_tokens", promptTokens + completionTokens())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cached))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", (long)
                                reasoningWords.length));
    }

    /** The non-streamed body. */
    JsonObject whole() {
        JsonObject choice = new JsonObject().put("index", 0);
        if (chat) {
            JsonObject message = new JsonObject().put("role", "assistant");
            if (thinking) {
                message.put(reasoningField, reasoningText);
            }
            if (tools) {
                message.putNull("content");
                message.put("tool_calls", new JsonArray().add(toolCall(true)));
                choice.put("finish_reason", toolScript.finishReason());
            } else {
                message.put("content", answerText);
                choice.put("finish_reason", finishReason);
            }
            choice.put("message", message);
        } else {
            choice.put("text", answerText).put("finish_reason", finishReason);
        }
        JsonObject out = new JsonObject()
                .put("id", id)
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", created)
                .put("model", model)
                .put("choices", new JsonArray().add(choice));
        if (usage) {
            out.put("usage", usageObject());
        }
        return out;
    }

    private JsonObject toolCall(boolean whole) {
        JsonObject fn = new JsonObject().put("name", "get_weather").put("arguments", toolScript.arguments());
        JsonObject call = new JsonObject()
                .put("id", "call_fake_1")
                .put("type", "function")
                .put("function", fn);
        if (!whole) {
            call.put("index", 0);
        }
        return call;
    }

    /** The SSE {@code data:} payloads, in order, without the usage chunk and {@code [DONE]} (a mutable list). */
    List<String> chunks() {
        List<String> out = new ArrayList<>();
        if (chat) {
            out.add(chunk(new JsonObject().put("role", "assistant").put("content", ""), null)
                    .encode());
            for (String w : reasoningWords) {
                out.add(chunk(new JsonObject().put(reasoningField, w + " "), null)
                        .encode());
            }
            if (tools) {
                JsonObject first = toolCall(false);
                first.getJsonObject("function").put("arguments", "");
                out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(first)), null)
                        .encode());
                String args = toolScript.arguments();
                int half = args.length() / 2;
                for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
                    JsonObject d =
                            new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", part));
                    out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(d)), null)
                            .encode());
                }
                out.add(chunk(new JsonObject(), toolScript.finishReason()).encode());
                return out;
            }
            for (int i = 0; i < words.length; i++) {
                String w = i == 0 ? words[i] : " " + words[i];
                out.add(chunk(new JsonObject().put("content", w), null).encode());
            }
            out.add(chunk(new JsonObject(), finishReason).encode());
        } else {
            for (int i = 0; i < words.length; i++) {
                String w = i == 0 ? words[i] : " " + words[i];
                JsonObject c = new JsonObject().put("index", 0).put("text", w).putNull("finish_reason");
                out.add(base("text_completion")
                        .put("choices", new JsonArray().add(c))
                        .encode());
            }
            JsonObject c = new JsonObject().put("index", 0).put("text", "").put("finish_reason", finishReason);
            out.add(base("text_completion")
                    .put("choices", new JsonArray().add(c))
                    .encode());
        }
        return out;
    }

    private JsonObject chunk(JsonObject delta, String finish) {
        JsonObject c = new JsonObject().put("index", 0).put("delta", delta);
        if (finish == null) {
            c.putNull("finish_reason");
        } else {
            c.put("finish_reason", finish);
        }
        return base("chat.completion.chunk")
                .put("choices", new JsonArray().add(c))
                .putNull("usage");
    }

    /** The final chunk of {@code stream_options.include_usage}: no choices, the usage. */
    JsonObject usageChunk() {
        return base(chat ? "chat.completion.chunk" : "text_completion")
                .put("choices", new JsonArray())
                .put("usage", usageObject());
    }

    private JsonObject base(String object) {
        return new JsonObject()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }
}
