package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.error.GatewayException;

/**
 * A route's context window ({@code max_model_len} in {@code /v1/models}; its effective one, {@link
 * io.ascendant.gateway.dispatch.PoolContextWindows}, carried by {@link PreparedRequest#contextWindow()}) enforced by
 * the gateway, before admission and dispatch, the way vLLM enforces it on a host: the prompt's tokens (counted by the gateway's tokenizer with the
 * chat template) plus the output tokens the request asks for ({@code max_tokens} / {@code max_completion_tokens})
 * must not exceed it. For a request that sets no output limit only the prompt must fit, with room for at least one
 * output token; its default output budget (what admission holds and dispatch accounts) is capped to that room, so
 * that no hold reserves output the host could never generate, and is then sent to the host as {@code max_tokens}: a
 * host left without a limit generates up to the whole window (vLLM's default, and our model host's), far past the
 * hold, and a hard budget would be overspent by the difference.
 *
 * <p>Refusals are 400s in the addressed API's shape: OpenAI's (and vLLM's) wording with {@code code:
 * context_length_exceeded}, or Anthropic's ({@code prompt is too long: P tokens > N maximum}).
 */
final class ContextWindow {
    private ContextWindow() {}

    /**
     * Checks {@code p} against its context window ({@link PreparedRequest#contextWindow()}).
     *
     * @param p the prepared request
     * @param promptTokens the prompt's tokens
     * @param anthropic true for Anthropic's wording
     * @return {@code p}, or, when it set no output limit, {@code p} with its default output budget capped to the room
     *     the prompt leaves and that budget put in its host body as {@code max_tokens}
     * @throws GatewayException.InvalidRequest when the request does not fit
     */
    static PreparedRequest fit(PreparedRequest p, long promptTokens, boolean anthropic) {
        long window = p.contextWindow();
        if (explicitOutputLimit(p.hostBody())) {
            long completion = p.maxOutputTokens();
            if (promptTokens + completion > window) {
                throw tooLong(p, window, promptTokens, completion, anthropic);
            }
            return p;
        }
        if (promptTokens >= window) {
            throw tooLong(p, window, promptTokens, -1, anthropic);
        }
        long room = window - promptTokens;
        PreparedRequest fitted = p.maxOutputTokens() <= room ? p : p.withMaxOutputTokens(room);
        // Sent, so that the host stops where the hold ends; the body is only serialised at dispatch, after this.
        fitted.hostBody().put("max_tokens", fitted.maxOutputTokens());
        return fitted;
    }

    /**
     * The most output tokens a host may generate for {@code p}: the output limit sent to it (the client's, or the
     * default budget {@link #fit} put in), or, for a request that was never fitted and so went out without one, the
     * context window (the host stops when prompt plus output fill it). Usage is billed at most this: a host that
     * ignores {@code max_tokens} cannot spend a hard budget past the request's hold.
     */
    static long outputCeiling(PreparedRequest p) {
        return explicitOutputLimit(p.hostBody()) ? p.maxOutputTokens() : p.contextWindow();
    }

    /**
     * Whether the host body sets an output limit (Anthropic's required {@code max_tokens} is passed on as one): the
     * host then holds the request to prompt plus that limit.
     */
    private static boolean explicitOutputLimit(ObjectNode hostBody) {
        return hostBody.hasNonNull("max_tokens") || hostBody.hasNonNull("max_completion_tokens");
    }

    /** @param completion the requested output tokens, or -1 when the request set no limit */
    private static GatewayException.InvalidRequest tooLong(
            PreparedRequest p, long window, long prompt, long completion, boolean anthropic) {
        if (anthropic) {
            String message = prompt > window || completion < 0
                    ? "prompt is too long: " + prompt + " tokens > " + window + " maximum"
                    : "input length and `max_tokens` exceed context limit: " + prompt + " + " + completion + " > "
                            + window + ", decrease input length or `max_tokens` and try again";
            return new GatewayException.InvalidRequest(message, "messages", "context_length_exceeded");
        }
        boolean chat = p.hostBody().has("messages");
        String what = chat ? "messages" : "prompt";
        String message = completion < 0
                ? "This model's maximum context length is " + window + " tokens. However, your " + what
                        + " resulted in " + prompt + " tokens. Please reduce the length of the " + what + "."
                : "This model's maximum context length is " + window + " tokens. However, you requested "
                        + (prompt + completion) + " tokens (" + prompt + " in the " + what + ", " + completion
                        + " in the completion). Please reduce the length of the " + what + " or completion.";
        return new GatewayException.InvalidRequest(message, what, "context_length_exceeded");
    }
}
