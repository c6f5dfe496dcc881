package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.engine.sampling.Sampler;
import io.ascendant.engine.sampling.StopStrings;
import io.ascendant.modelhost.server.scheduler.FinishReason;
import io.ascendant.modelhost.server.scheduler.Scheduler;
import io.ascendant.modelhost.server.scheduler.Sequence;
import io.ascendant.modelhost.server.scheduler.SequenceListener;
import io.ascendant.tokenizer.StreamingDecoder;
import io.ascendant.tokenizer.Tokenizer;
import io.ascendant.tokenizer.chat.ChatDelta;
import io.ascendant.tokenizer.chat.ChatOutputParser;
import io.ascendant.tokenizer.chat.ChatParseError;
import io.ascendant.tokenizer.chat.ToolCall;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns one sequence's tokens into an OpenAI answer: ids → text (whole UTF-8 characters only) → stop strings (held
 * back while a stop string could still start) → for chat the V4 output parser (reasoning, content, tool calls; never
 * half a marker; a tool-call block cut off by the end of generation still gives its calls, see {@link ChatOutputParser})
 * → SSE chunks or one JSON body, with exact usage. Runs on the scheduler thread.
 */
final class CompletionJob implements SequenceListener, Scheduler.LogprobsWanted {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final GenerationRequest req;
    private final String id;
    private final String requestId;
    private final long created;
    private final Tokenizer tokenizer;
    private final ResponseSink sink;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final ChatOutputParser parser;
    private final int thinkEndId;

    /**
     * Tokens of the V4 chat format that tokenizer.json marks special but the chat output parser reads from the text
     * (the reasoning end and the tool-call markup): {@code skip_special_tokens} never drops them from chat answers,
     * and the parser keeps them away from the client. (vLLM keeps them for its DeepSeek tool parsers the same way.)
     */
    private static final List<String> CHAT_MARKER_TOKENS = List.of("<think>", "</think>", "｜DSML｜");

    private final Set<Integer> keptSpecialTokens;
    private final StringBuilder raw = new StringBuilder();
    private int emitted;
    private boolean inReasoning;
    private int reasoningTokens;
    private int completionTokens;
    private boolean roleSent;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private final List<Sampler.Step> logprobSteps = new ArrayList<>();
    private int streamedLogprobs;
    private volatile boolean clientGone;
    private boolean stoppedByString;
    /** The generation ended inside a tool-call block: its calls are partial, the finish reason the engine's own. */
    private boolean toolCallsCutOff;

    CompletionJob(GenerationRequest req, String requestId, Tokenizer tokenizer, ResponseSink sink) {
        this.req = req;
        this.requestId = requestId;
        this.id = (req.chat() ? "chatcmpl-" : "cmpl-")
                + java.util.UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
        this.tokenizer = tokenizer;
        this.sink = sink;
        this.decoder = tokenizer.newStreamingDecoder();
        this.stops = new StopStrings(req.params().stopStrings());
        this.parser = req.chat() ? new ChatOutputParser(req.thinking()) : null;
        boolean prefilled = parser != null && !req.assistantPrefill().isEmpty();
        if (prefilled) {
            // The tool-call opening the prompt forced: it completes no delta (its invoke is still open).
            parser.append(req.assistantPrefill());
        }
        OptionalInt te = tokenizer.tokenId("</think>");
        this.thinkEndId = te.orElse(-1);
        Set<Integer> kept = new HashSet<>();
        if (req.chat()) {
            for (String marker : CHAT_MARKER_TOKENS) {
                tokenizer.tokenId(marker).ifPresent(kept::add);
            }
        }
        this.keptSpecialTokens = kept;
        // A forced tool call's opening closes the reasoning in thinking mode, so every generated token is output.
        this.inReasoning = req.chat() && req.thinking() && !prefilled;
        if (!req.chat() && req.echo() && req.prompt() != null) {
            raw.append(req.prompt());
        }
    }

    @Override
    public boolean logprobs() {
        return req.logprobs();
    }

    /** The HTTP connection closed before the answer ended; nothing more is written. */
    void clientGone() {
        clientGone = true;
    }

    @Override
    public boolean onToken(Sampler.Step step, boolean last) {
        int token = step.token();
        completionTokens++;
        if (inReasoning) {
            if (token == thinkEndId) {
                inReasoning = false;
            } else {
                reasoningTokens++;
            }
        }
        if (req.params().isStopToken(token)) {
            return true;
        }
        if (req.logprobs()) {
            logprobSteps.add(step);
        }
        if (req.skipSpecialTokens() && tokenizer.isSpecial(token) && !keptSpecialTokens.contains(token)) {
            return true;
        }
        raw.append(decoder.next(token));
        if (!stops.isEmpty()) {
            int at = stops.find(raw, emitted);
            if (at >= 0) {
                emitUpTo(at);
                raw.setLength(at);
                stoppedByString = true;
                return false;
            }
            emitUpTo(stops.safeLength(raw));
        } else {
            emitUpTo(raw.length());
        }
        return true;
    }

    @Override
    public void onFinish(FinishReason reason, Sequence s) {
        try {
            if (!stoppedByString) {
                raw.append(decoder.finish());
                emitUpTo(raw.length());
            }
            if (parser != null) {
                deltas(parser.finish());
            }
            String finish = reason == FinishReason.STOP && !toolCalls.isEmpty() && !toolCallsCutOff
                    ? "tool_calls"
                    : reason.openAi();
            if (clientGone) {
                return;
            }
            if (reason == FinishReason.ERROR && !sink.started()) {
                sink.json(
                        500,
                        OpenAiException.body(
                                500,
                                "InternalServerError",
                                null,
                                "The engine failed while generating; the request was not completed."));
                return;
            }
            ObjectNode usage = usage(s);
            if (req.stream()) {
                ObjectNode last = chunk(req.chat() ? F.objectNode() : null, req.chat() ? null : "");
                ((ObjectNode) last.withArray("choices").get(0)).put("finish_reason", finish);
                sink.event(last);
                if (req.includeUsage()) {
                    ObjectNode u = base(req.chat() ? "chat.completion.chunk" : "text_completion");
                    u.putArray("choices");
                    u.set("usage", usage);
                    sink.event(u);
                }
                sink.done();
            } else {
                sink.json(200, whole(finish, usage));
            }
        } finally {
            log(reason, s);
        }
    }

    private void log(FinishReason reason, Sequence s) {
        long ttft = s.timeToFirstTokenNanos();
        Log.infof(
                "request_id=%s endpoint=%s prompt_tokens=%d cached_tokens=%d completion_tokens=%d"
                        + " reasoning_tokens=%d ttft_ms=%s duration_ms=%.1f finish_reason=%s client_gone=%s",
                requestId,
                req.chat() ? "chat" : "completions",
                s.promptTokens(),
                s.cachedTokens(),
                completionTokens,
                reasoningTokens,
                ttft < 0 ? "-" : String.format("%.1f", ttft / 1e6),
                (System.nanoTime() - s.enqueuedNanos()) / 1e6,
                reason.openAi(),
                clientGone);
    }

    private void emitUpTo(int end) {
        if (end <= emitted) {
            return;
        }
        String text = raw.substring(emitted, end);
        emitted = end;
        if (parser != null) {
            deltas(parser.append(text));
        } else {
            content.append(text);
            if (req.stream() && !clientGone) {
                sink.event(chunk(null, text));
            }
        }
    }

    private void deltas(List<ChatDelta> ds) {
        for (ChatDelta d : ds) {
            ObjectNode delta = F.objectNode();
            switch (d) {
                case ChatDelta.Reasoning r -> {
                    reasoning.append(r.text());
                    delta.put("reasoning_content", r.text()).put("reasoning", r.text());
                }
                case ChatDelta.Content c -> {
                    content.append(c.text());
                    delta.put("content", c.text());
                }
                case ChatDelta.ToolCallDelta t -> {
                    toolCalls.add(t.call());
                    delta.putArray("tool_calls").add(toolCall(t.call(), t.index()));
                }
                case ChatDelta.Problem p -> {
                    toolCallsCutOff |= p.error().kind() == ChatParseError.Kind.UNCLOSED_TOOL_CALLS;
                    continue;
                }
            }
            if (req.stream() && !clientGone) {
                if (!roleSent) {
                    roleSent = true;
                    sink.event(chunk(F.objectNode().put("role", "assistant").put("content", ""), null));
                }
                sink.event(chunk(delta, null));
            }
        }
    }

    private ObjectNode toolCall(ToolCall c, int index) {
        ObjectNode o = F.objectNode();
        if (index >= 0) {
            o.put("index", index);
        }
        o.put("id", c.id()).put("type", "function");
        o.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        return o;
    }

    private ObjectNode base(String object) {
        ObjectNode o = F.objectNode();
        o.put("id", id).put("object", object).put("created", created).put("model", req.model());
        return o;
    }

    /** A streamed chunk: chat delta or completion text; carries the log-probabilities gathered since the last one. */
    private ObjectNode chunk(ObjectNode delta, String text) {
        ObjectNode o = base(req.chat() ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        if (req.chat()) {
            choice.set("delta", delta);
        } else {
            choice.put("text", text);
        }
        if (req.logprobs() && streamedLogprobs < logprobSteps.size()) {
            choice.set("logprobs", logprobs(streamedLogprobs, logprobSteps.size()));
            streamedLogprobs = logprobSteps.size();
        } else {
            choice.putNull("logprobs");
        }
        choice.putNull("finish_reason");
        return o;
    }

    private ObjectNode whole(String finish, ObjectNode usage) {
        ObjectNode o = base(req.chat() ? "chat.completion" : "text_completion");
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        if (req.chat()) {
            ObjectNode m = choice.putObject("message").put("role", "assistant");
            if (content.isEmpty() && !toolCalls.isEmpty()) {
                m.putNull("content");
            } else {
                m.put("content", content.toString());
            }
            if (req.thinking()) {
                m.put("reasoning_content", reasoning.toString()).put("reasoning", reasoning.toString());
            }
            if (!toolCalls.isEmpty()) {
                ArrayNode tc = m.putArray("tool_calls");
                for (ToolCall c : toolCalls) {
                    tc.add(toolCall(c, -1));
                }
            }
        } else {
            choice.put("text", content.toString());
        }
        if (req.logprobs()) {
            choice.set("logprobs", logprobs(0, logprobSteps.size()));
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finish);
        o.set("usage", usage);
        return o;
    }

    private ObjectNode usage(Sequence s) {
        long prompt = s.promptTokens();
        long cached = s.cachedTokens();
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", prompt)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", prompt + completionTokens);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        u.put("prompt_cache_hit_tokens", cached).put("prompt_cache_miss_tokens", prompt - cached);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        return u;
    }

    private ObjectNode logprobs(int from, int to) {
        ObjectNode lp = F.objectNode();
        if (req.chat()) {
            ArrayNode content = lp.putArray("content");
            for (int i = from; i < to; i++) {
                Sampler.Step st = logprobSteps.get(i);
                ObjectNode e = entry(st.token(), st.logprob());
                ArrayNode top = e.putArray("top_logprobs");
                if (st.topIds() != null) {
                    for (int k = 0; k < st.topIds().length; k++) {
                        top.add(entry(st.topIds()[k], st.topLogprobs()[k]));
                    }
                }
                content.add(e);
            }
        } else {
            ArrayNode tokens = lp.putArray("tokens");
            ArrayNode values = lp.putArray("token_logprobs");
            ArrayNode top = lp.putArray("top_logprobs");
            for (int i = from; i < to; i++) {
                Sampler.Step st = logprobSteps.get(i);
                tokens.add(tokenizer.decode(new int[] {st.token()}));
                values.add(st.logprob());
                ObjectNode alt = top.addObject();
                if (st.topIds() != null) {
                    for (int k = 0; k < st.topIds().length; k++) {
                        alt.put(tokenizer.decode(new int[] {st.topIds()[k]}), st.topLogprobs()[k]);
                    }
                }
            }
        }
        return lp;
    }

    private ObjectNode entry(int token, float logprob) {
        ObjectNode e = F.objectNode();
        e.put("token", tokenizer.decode(new int[] {token}));
        e.put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : tokenizer.tokenBytes(token)) {
            bytes.add(b & 0xFF);
        }
        return e;
    }
}
