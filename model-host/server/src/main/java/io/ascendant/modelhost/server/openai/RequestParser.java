package io.ascendant.modelhost.server.openai;

import static io.ascendant.modelhost.server.openai.BodyFields.bool;
import static io.ascendant.modelhost.server.openai.BodyFields.floatIn;
import static io.ascendant.modelhost.server.openai.BodyFields.intIn;
import static io.ascendant.modelhost.server.openai.BodyFields.longOf;
import static io.ascendant.modelhost.server.openai.BodyFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.engine.sampling.SamplingParams;
import io.ascendant.modelhost.server.loading.ModelHost;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns an OpenAI/vLLM request body into a {@link GenerationRequest}: every field known, every value in range, the
 * prompt encoded (chat: the V4 chat encoding with thinking, reasoning effort and tools), and the length checked
 * against {@code max-model-len} and the KV budget. Anything else is a 400 naming the parameter. The chat-only fields
 * (messages, thinking, reasoning effort, tools) are {@link ChatPromptReader}'s; typed field reads are
 * {@link BodyFields}'.
 */
final class RequestParser {
    private static final Set<String> COMMON = Set.of(
            "model",
            "stream",
            "stream_options",
            "max_tokens",
            "temperature",
            "top_p",
            "top_k",
            "min_p",
            "seed",
            "stop",
            "stop_token_ids",
            "ignore_eos",
            "skip_special_tokens",
            "repetition_penalty",
            "frequency_penalty",
            "presence_penalty",
            "logprobs",
            "n",
            "user");
    private static final Set<String> CHAT_ONLY = Set.of(
            "messages",
            "max_completion_tokens",
            "top_logprobs",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "thinking",
            "chat_template_kwargs",
            "reasoning_effort",
            // Standard OpenAI fields SDKs send: accepted where they ask for the default behaviour (checked below).
            "response_format",
            "service_tier");
    private static final Set<String> COMPLETION_ONLY = Set.of("prompt", "echo");

    private final ModelHost host;

    RequestParser(ModelHost host) {
        this.host = host;
    }

    /**
     * {@code response_format} and {@code service_tier} are accepted when they ask for what the host does anyway
     * (plain text; the one service tier); anything else is a 400 naming the field, never silently ignored.
     */
    private static void checkDefaultsOnly(JsonNode body) {
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull()) {
            JsonNode type = rf.isObject() ? rf.get("type") : null;
            if (type == null || !type.isTextual() || !type.asText().equals("text")) {
                throw OpenAiException.badRequest(
                        "response_format.type",
                        "Unsupported value: 'response_format.type' must be 'text'; structured output is not supported.");
            }
        }
        JsonNode tier = body.get("service_tier");
        if (tier != null && !tier.isNull()) {
            if (!tier.isTextual()
                    || !(tier.asText().equals("auto") || tier.asText().equals("default"))) {
                throw OpenAiException.badRequest(
                        "service_tier", "Unsupported value: 'service_tier' must be 'auto' or 'default'.");
            }
        }
    }

    GenerationRequest parse(JsonNode body, boolean chat) {
        if (body == null || !body.isObject()) {
            throw OpenAiException.badRequest(null, "The request body must be a JSON object.");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!COMMON.contains(f) && !(chat ? CHAT_ONLY : COMPLETION_ONLY).contains(f)) {
                throw OpenAiException.badRequest(f, "Unknown parameter: '" + f + "'.");
            }
        }
        checkDefaultsOnly(body);
        String model = text(body, "model", true);
        if (!model.equals(host.config().servedModelName())) {
            throw new OpenAiException(
                    404,
                    "NotFoundError",
                    "model",
                    "The model '" + model + "' does not exist; this host serves '"
                            + host.config().servedModelName() + "'.");
        }
        int n = intIn(body, "n", 1, 1, 1);
        assert n == 1;
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw OpenAiException.badRequest("stream_options", "stream_options must be an object.");
            }
            for (Iterator<String> it = so.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("include_usage") && !f.equals("continuous_usage_stats")) {
                    throw OpenAiException.badRequest(
                            "stream_options." + f, "Unknown parameter: 'stream_options." + f + "'.");
                }
            }
            includeUsage = bool(so, "include_usage", false);
        }
        boolean thinking = false;
        boolean tools = false;
        List<JsonNode> toolList = List.of();
        String assistantPrefill = "";
        String prompt = null;
        int[] ids;
        boolean logprobs;
        int topLogprobs;
        boolean echo = false;
        if (chat) {
            ChatPromptReader.ChatPrompt chatPrompt = ChatPromptReader.read(body, host);
            thinking = chatPrompt.thinking();
            toolList = chatPrompt.tools();
            assistantPrefill = chatPrompt.assistantPrefill();
            tools = !toolList.isEmpty();
            ids = chatPrompt.ids();
            logprobs = bool(body, "logprobs", false);
            topLogprobs = intIn(body, "top_logprobs", 0, 0, 20);
            if (topLogprobs > 0 && !logprobs) {
                throw OpenAiException.badRequest("top_logprobs", "top_logprobs needs logprobs=true.");
            }
        } else {
            JsonNode p = body.get("prompt");
            if (p == null || p.isNull()) {
                throw OpenAiException.badRequest("prompt", "prompt is required.");
            }
            if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
                p = p.get(0);
            }
            if (p.isTextual()) {
                prompt = p.asText();
                ids = host.tokenizer().encode(prompt);
            } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
                ids = new int[p.size()];
                for (int i = 0; i < ids.length; i++) {
                    JsonNode t = p.get(i);
                    if (!t.canConvertToInt()
                            || t.asInt() < 0
                            || t.asInt() >= host.model().vocabSize()) {
                        throw OpenAiException.badRequest(
                                "prompt",
                                "prompt[" + i + "] is not a token id in 0.."
                                        + (host.model().vocabSize() - 1) + ".");
                    }
                    ids[i] = t.asInt();
                }
                prompt = host.tokenizer().decode(ids);
            } else {
                throw OpenAiException.badRequest(
                        "prompt", "prompt must be a string, one string in an array, or an array of token ids.");
            }
            if (ids.length == 0) {
                throw OpenAiException.badRequest("prompt", "prompt must not be empty.");
            }
            int lp = intIn(body, "logprobs", -1, 0, 20);
            logprobs = lp >= 0;
            topLogprobs = Math.max(0, lp);
            echo = bool(body, "echo", false);
        }
        int maxLen = host.config().maxModelLen();
        if (ids.length >= maxLen) {
            throw OpenAiException.badRequest(
                    chat ? "messages" : "prompt",
                    "This model's maximum context length is " + maxLen + " tokens. However, your prompt has "
                            + ids.length + " tokens.");
        }
        String maxParam = chat && body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int requested = intIn(body, maxParam, -1, 1, Integer.MAX_VALUE);
        long budgetTokens = host.maxTokensByBudget();
        int maxTokens;
        if (requested < 0) {
            maxTokens = (int) Math.max(1, Math.min((long) maxLen, budgetTokens) - ids.length);
        } else {
            if ((long) requested + ids.length > maxLen) {
                throw OpenAiException.badRequest(
                        maxParam,
                        "This model's maximum context length is " + maxLen
                                + " tokens. However, you requested " + ((long) requested + ids.length) + " tokens ("
                                + ids.length + " in the prompt, " + requested + " in the completion).");
            }
            maxTokens = requested;
        }
        long need = host.kvBytesFor((long) ids.length + maxTokens);
        if (need > host.config().kvCacheBytes()) {
            throw OpenAiException.badRequest(
                    maxParam,
                    maxParam + "=" + maxTokens + " with a " + ids.length
                            + "-token prompt needs " + need + " bytes of KV state, more than the host's KV budget of "
                            + host.config().kvCacheBytes() + " bytes (at most " + Math.max(0, budgetTokens - ids.length)
                            + " tokens).");
        }
        float temperature = floatIn(body, "temperature", 1f, 0f, 2f);
        float topP = floatIn(body, "top_p", 1f, Float.MIN_VALUE, 1f);
        int topK = intIn(body, "top_k", 0, -1, host.model().vocabSize());
        float minP = floatIn(body, "min_p", 0f, 0f, 1f);
        float rep = floatIn(body, "repetition_penalty", 1f, Float.MIN_VALUE, 2f);
        float freq = floatIn(body, "frequency_penalty", 0f, -2f, 2f);
        float pres = floatIn(body, "presence_penalty", 0f, -2f, 2f);
        long seed = body.hasNonNull("seed") ? longOf(body, "seed") : System.nanoTime();
        List<String> stops = stops(body);
        List<Integer> stopIds = new ArrayList<>();
        if (!bool(body, "ignore_eos", false)) {
            stopIds.add(host.model().config().eosTokenId());
        }
        JsonNode sti = body.get("stop_token_ids");
        if (sti != null && !sti.isNull()) {
            if (!sti.isArray()) {
                throw OpenAiException.badRequest("stop_token_ids", "stop_token_ids must be an array of token ids.");
            }
            for (JsonNode t : sti) {
                if (!t.canConvertToInt()
                        || t.asInt() < 0
                        || t.asInt() >= host.model().vocabSize()) {
                    throw OpenAiException.badRequest(
                            "stop_token_ids", "stop_token_ids holds a value that is not a" + " token id.");
                }
                stopIds.add(t.asInt());
            }
        }
        SamplingParams params = new SamplingParams(
                temperature,
                topP,
                Math.max(0, topK),
                minP,
                seed,
                rep,
                freq,
                pres,
                maxTokens,
                stopIds.stream().mapToInt(Integer::intValue).toArray(),
                stops,
                topLogprobs);
        // vLLM's default: added tokens marked special in tokenizer.json (BOS, EOS, the reserved placeholders) are
        // left out of the text; the special ones the chat parser reads (<think>, </think>, ｜DSML｜) are kept for it
        // in chat answers (CompletionJob.CHAT_MARKER_TOKENS).
        boolean skipSpecialTokens = bool(body, "skip_special_tokens", true);
        return new GenerationRequest(
                chat,
                model,
                ids,
                thinking,
                params,
                stream,
                includeUsage,
                logprobs,
                echo,
                tools,
                prompt,
                toolList,
                skipSpecialTokens,
                assistantPrefill);
    }

    private static List<String> stops(JsonNode body) {
        JsonNode s = body.get("stop");
        if (s == null || s.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray() && s.size() <= 16) {
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw OpenAiException.badRequest("stop", "stop must be a string or an array of strings.");
                }
                out.add(x.asText());
            }
        } else {
            throw OpenAiException.badRequest("stop", "stop must be a string or an array of at most 16 strings.");
        }
        return out;
    }
}
