package io.ascendant.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.catalogue.ModelRoute;

/**
 * A validated tenant request, translated for the hosts.
 *
 * @param route the resolved route
 * @param requestedModel the model name as the tenant sent it (echoed back in answers)
 * @param hostPath host path to call
 * @param hostBody OpenAI-style body for the host (upstream model name, {@code stream_options.include_usage})
 * @param stream whether the tenant asked for a stream
 * @param clientWantsUsage whether the tenant asked for the usage chunk of a stream
 * @param promptText the prompt as text, for prefix hashing and gateway-side token counting
 * @param maxOutputTokens requested output limit; when the request sets none, a default output budget (at most the
 *     route's limit), which {@link ContextWindow} caps to what the context window leaves after the prompt and then
 *     sends to the host as {@code max_tokens}, so that the host generates no more than admission holds
 * @param contextWindow the context window the request is held to, in tokens (prompt plus output): the route's
 *     configured {@code contextLength} until the data path sets the route's effective window (the smaller of that
 *     and what its pods report) before checking it; usage is bounded by the same value
 * @param defaultOutputLimit true when the client set no output limit and {@code maxOutputTokens} is the gateway's
 *     default (refusals then say so rather than quote a {@code max_tokens} the client never sent)
 */
public record PreparedRequest(
        ModelRoute route,
        String requestedModel,
        String hostPath,
        ObjectNode hostBody,
        boolean stream,
        boolean clientWantsUsage,
        String promptText,
        long maxOutputTokens,
        long contextWindow,
        boolean defaultOutputLimit) {

    /** A request with an output limit of its own, held to another context window (tokens). */
    public PreparedRequest(
            ModelRoute route,
            String requestedModel,
            String hostPath,
            ObjectNode hostBody,
            boolean stream,
            boolean clientWantsUsage,
            String promptText,
            long maxOutputTokens,
            long contextWindow) {
        this(
                route,
                requestedModel,
                hostPath,
                hostBody,
                stream,
                clientWantsUsage,
                promptText,
                maxOutputTokens,
                contextWindow,
                false);
    }

    /** A request with an output limit of its own, held to its route's configured {@code contextLength}. */
    public PreparedRequest(
            ModelRoute route,
            String requestedModel,
            String hostPath,
            ObjectNode hostBody,
            boolean stream,
            boolean clientWantsUsage,
            String promptText,
            long maxOutputTokens) {
        this(
                route,
                requestedModel,
                hostPath,
                hostBody,
                stream,
                clientWantsUsage,
                promptText,
                maxOutputTokens,
                route.contextLength(),
                false);
    }

    /**
     * The output-limit parameter refusals name: {@code max_completion_tokens} when the client set it (a chat that sets
     * both keeps only {@code max_completion_tokens} in its host body), else {@code max_tokens}, which is also what a
     * request without a limit is told to set.
     */
    public String outputLimitParam() {
        return hostBody.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    }

    /** This request with another output budget. */
    public PreparedRequest withMaxOutputTokens(long tokens) {
        return copy(tokens, contextWindow);
    }

    /** This request held to another context window (tokens). */
    public PreparedRequest withContextWindow(long tokens) {
        return copy(maxOutputTokens, tokens);
    }

    /** This request with the components that change after preparation replaced; the one place that lists them all. */
    private PreparedRequest copy(long maxOutputTokens, long contextWindow) {
        return new PreparedRequest(
                route,
                requestedModel,
                hostPath,
                hostBody,
                stream,
                clientWantsUsage,
                promptText,
                maxOutputTokens,
                contextWindow,
                defaultOutputLimit);
    }
}
