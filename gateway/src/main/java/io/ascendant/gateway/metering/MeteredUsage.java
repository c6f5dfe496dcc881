package io.ascendant.gateway.metering;

/**
 * The token counts a request is billed with: what the host reported, held to what the host could have done. A host
 * cannot generate more than the output limit the gateway sent it, nor read a prompt longer than the route's context
 * window; a host that reports more (a bug, or a compromised pod) would otherwise bill the tenant without bound, past
 * the quota hold taken for the request. The client still sees the usage the host reported: only the meter is held.
 *
 * @param cacheHitTokens prompt tokens served from the host's prefix cache, at most {@code promptTokens}
 * @param cacheMissTokens the other prompt tokens
 * @param completionTokens generated tokens, reasoning included
 * @param reasoningTokens generated reasoning tokens, at most {@code completionTokens}
 * @param clamped true when a reported count was above its ceiling and was lowered to it
 */
public record MeteredUsage(
        long cacheHitTokens, long cacheMissTokens, long completionTokens, long reasoningTokens, boolean clamped) {

    /**
     * The counts of {@code c}, each held to its ceiling.
     *
     * @param c the request's counts (reported by the host or counted by the gateway)
     * @param maxPromptTokens the route's context window in tokens; 0 or less for none
     * @param maxCompletionTokens the output limit the host was sent (or, when none was sent, the most the host could
     *     generate); 0 or less for none
     */
    public static MeteredUsage of(UsageCounts c, long maxPromptTokens, long maxCompletionTokens) {
        long prompt = c.promptTokens();
        long completion = c.completionTokens();
        boolean clamped = false;
        if (maxPromptTokens > 0 && prompt > maxPromptTokens) {
            prompt = maxPromptTokens;
            clamped = true;
        }
        if (maxCompletionTokens > 0 && completion > maxCompletionTokens) {
            completion = maxCompletionTokens;
            clamped = true;
        }
        long hit = Math.min(c.cacheHitTokens(), prompt);
        long reasoning = Math.min(c.reasoningTokens(), completion);
        return new MeteredUsage(hit, prompt - hit, completion, reasoning, clamped);
    }

    /** Prompt tokens, cache hits and misses together. */
    public long promptTokens() {
        return cacheHitTokens + cacheMissTokens;
    }
}
