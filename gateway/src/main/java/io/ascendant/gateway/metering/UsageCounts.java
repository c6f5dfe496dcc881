package io.ascendant.gateway.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token usage of one request as it accumulates: the host's {@code usage} object when it sends one, and the
 * generated text so that the gateway can count tokens itself when the host does not. Single-threaded (the request's
 * event loop).
 *
 * <p>Host fields read (contract 3): {@code prompt_tokens}, {@code completion_tokens},
 * {@code prompt_cache_hit_tokens} / {@code prompt_cache_miss_tokens} (DeepSeek), otherwise
 * {@code prompt_tokens_details.cached_tokens} (null counts as 0), and
 * {@code completion_tokens_details.reasoning_tokens}.
 */
public final class UsageCounts {
    private static final int MAX_TEXT_CHARS = 16 * 1024 * 1024;

    private boolean reported;
    private long promptTokens;
    private long cacheHitTokens;
    private long completionTokens;
    private long reasoningTokens;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private boolean outputSeen;

    /** Takes a host {@code usage} object (ignored when null or not an object). */
    public void report(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        reported = true;
        promptTokens = usage.path("prompt_tokens").asLong(0);
        completionTokens = usage.path("completion_tokens").asLong(0);
        JsonNode hit = usage.get("prompt_cache_hit_tokens");
        if (hit != null && hit.isNumber()) {
            cacheHitTokens = hit.asLong();
        } else {
            cacheHitTokens =
                    usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        }
        cacheHitTokens = Math.min(Math.max(0, cacheHitTokens), promptTokens);
        reasoningTokens = Math.min(
                completionTokens,
                Math.max(
                        0,
                        usage.path("completion_tokens_details")
                                .path("reasoning_tokens")
                                .asLong(0)));
    }

    /** Notes generated answer text (content, tool-call arguments). */
    public void content(String text) {
        if (text != null && !text.isEmpty()) {
            outputSeen = true;
            if (content.length() < MAX_TEXT_CHARS) {
                content.append(text);
            }
        }
    }

    /** Notes generated reasoning text. */
    public void reasoning(String text) {
        if (text != null && !text.isEmpty()) {
            outputSeen = true;
            if (reasoning.length() < MAX_TEXT_CHARS) {
                reasoning.append(text);
            }
        }
    }

    /**
     * A detached copy (counts and the output text so far), so that another thread can count it with the tokenizer
     * while this one keeps accumulating: a stream's usage checkpoint is taken this way on the request's event loop.
     */
    public UsageCounts copy() {
        UsageCounts c = new UsageCounts();
        c.reported = reported;
        c.promptTokens = promptTokens;
        c.cacheHitTokens = cacheHitTokens;
        c.completionTokens = completionTokens;
        c.reasoningTokens = reasoningTokens;
        c.content.append(content);
        c.reasoning.append(reasoning);
        c.outputSeen = outputSeen;
        return c;
    }

    /**
     * A number that grows whenever output is noted or the host reports more output (characters noted plus reported
     * completion tokens), so that a caller can tell whether anything changed since it last looked.
     */
    public long progress() {
        return content.length() + reasoning.length() + (reported ? completionTokens + 1 : 0);
    }

    /** Whether the host reported usage. */
    public boolean reported() {
        return reported;
    }

    /** Whether any output text was seen. */
    public boolean outputSeen() {
        return outputSeen;
    }

    /**
     * Fills the counts from the generated text when the host did not report usage.
     *
     * @param counter the tokenizer
     * @param hostBody the body sent to the host (its prompt is counted with the chat template), or null
     * @param promptText the prompt as rendered for prefix hashing, counted when the body cannot be rendered
     */
    public void countWith(
            TokenCounter counter, com.fasterxml.jackson.databind.node.ObjectNode hostBody, String promptText) {
        if (!reported) {
            countWith(counter, counter.countPrompt(hostBody, promptText));
        }
    }

    /**
     * Like {@link #countWith(TokenCounter, ObjectNode, String)} with the prompt already counted (by the same tokenizer,
     * when the request arrived): all of it counts as cache misses.
     */
    public void countWith(TokenCounter counter, long promptTokens) {
        if (!reported) {
            counted(promptTokens, counter.count(reasoning.toString()), counter.count(content.toString()));
        }
    }

    /**
     * Like {@link #countWith(TokenCounter, long)}, with the output counted by running counts that a stream keeps from
     * one usage checkpoint to the next: each checkpoint tokenizes only the output since the previous one, and the
     * counts are the same.
     *
     * @param running the request's running counts; they count only {@link #copy copies} of this request's counts, one
     *     after another
     */
    public void countWith(TokenCounter counter, long promptTokens, OutputTally running) {
        if (!reported) {
            counted(promptTokens, running.reasoning.count(counter, reasoning), running.content.count(counter, content));
        }
    }

    private void counted(long prompt, long reasoningCount, long contentCount) {
        promptTokens = prompt;
        cacheHitTokens = 0;
        reasoningTokens = reasoningCount;
        completionTokens = reasoningCount + contentCount;
    }

    /** A request's running counts of its reasoning and answer text ({@link RunningTokenCount}). */
    public static final class OutputTally {
        private final RunningTokenCount reasoning = new RunningTokenCount();
        private final RunningTokenCount content = new RunningTokenCount();
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long cacheHitTokens() {
        return cacheHitTokens;
    }

    public long cacheMissTokens() {
        return promptTokens - cacheHitTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public long reasoningTokens() {
        return reasoningTokens;
    }

    /** Writes the counts as an OpenAI/DeepSeek usage object into {@code usage}. */
    public ObjectNode writeOpenAi(ObjectNode usage) {
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.put("prompt_cache_hit_tokens", cacheHitTokens);
        usage.put("prompt_cache_miss_tokens", cacheMissTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", cacheHitTokens);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        return usage;
    }
}
