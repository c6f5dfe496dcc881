package io.ascendant.admin.billing;

import java.util.List;

/**
 * A tenant's usage in a date range grouped one way, with the totals the console shows as text: every figure summed on
 * the server (money exactly, as decimal strings), so the browser never adds money up in floating point.
 *
 * @param by the grouping: {@code day}, {@code hour} (local hours in {@code timeZone}), {@code model},
 *     {@code projectId} or {@code keyId}
 * @param currency currency of every {@code amount} (the billing account's)
 * @param timeZone the tenant's billing time zone, in which days and hours are cut
 * @param groups one entry per group, ordered by day, hour or label
 * @param total the sum of all groups
 */
public record UsageSummary(String by, String currency, String timeZone, List<Group> groups, Group total) {

    /**
     * Usage of one group.
     *
     * @param key the group's value: ISO date, the hour's ISO offset date-time, model id, project id or key id; null
     *     for the total
     * @param label what the console shows: {@code 2026-11-30}, {@code 2026-11-30 09:00} (the offset appended when a
     *     DST change repeats a local hour), a model, or the project's or key's name (its id if it has none)
     * @param requests requests that produced usage (a request that failed or was cancelled with no tokens at all,
     *     e.g. refused by the host, is left out)
     * @param promptCacheHitTokens cache-hit prompt tokens
     * @param promptCacheMissTokens cache-miss prompt tokens
     * @param completionTokens output tokens (reasoning included)
     * @param reasoningTokens reasoning part of the output
     * @param amount exact unrounded charge as a plain decimal string ({@code "0.0001234"}), trailing zeros stripped:
     *     a string so no JSON reader turns it into a binary float
     */
    public record Group(
            String key,
            String label,
            long requests,
            long promptCacheHitTokens,
            long promptCacheMissTokens,
            long completionTokens,
            long reasoningTokens,
            String amount) {}
}
