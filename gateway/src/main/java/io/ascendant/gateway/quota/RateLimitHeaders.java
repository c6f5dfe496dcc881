package io.ascendant.gateway.quota;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenAI-style {@code x-ratelimit-*} headers of a response: for requests and for tokens, the tightest applicable
 * enforced limit (the one with the fewest remaining), its remaining count and the time until it is back to idle.
 *
 * <p>Remaining counts are this replica's view: the shared state as of its last lease plus its unspent leased cells,
 * so they may be stale by up to one lease TTL. A side without any limit is left out.
 *
 * @param limitRequests requests per minute, or -1 when none applies
 * @param remainingRequests remaining requests
 * @param resetRequests time until the request limit is idle again
 * @param limitTokens tokens per minute, or -1 when none applies
 * @param remainingTokens remaining tokens
 * @param resetTokens time until the token limit is idle again
 */
public record RateLimitHeaders(
        long limitRequests,
        long remainingRequests,
        Duration resetRequests,
        long limitTokens,
        long remainingTokens,
        Duration resetTokens) {

    /** No limits apply. */
    public static final RateLimitHeaders NONE = new RateLimitHeaders(-1, 0, Duration.ZERO, -1, 0, Duration.ZERO);

    /** Header names to values, in a stable order. */
    public Map<String, String> asMap() {
        Map<String, String> h = new LinkedHashMap<>();
        if (limitRequests >= 0) {
            h.put("x-ratelimit-limit-requests", Long.toString(limitRequests));
            h.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, remainingRequests)));
            h.put("x-ratelimit-reset-requests", format(resetRequests));
        }
        if (limitTokens >= 0) {
            h.put("x-ratelimit-limit-tokens", Long.toString(limitTokens));
            h.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, remainingTokens)));
            h.put("x-ratelimit-reset-tokens", format(resetTokens));
        }
        return h;
    }

    /** OpenAI's duration format: {@code 1m30s}, {@code 6s}, {@code 120ms}. */
    static String format(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = Math.ceilDiv(ms, 1000);
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        long r = s % 60;
        return r == 0 ? m + "m" : m + "m" + r + "s";
    }
}
