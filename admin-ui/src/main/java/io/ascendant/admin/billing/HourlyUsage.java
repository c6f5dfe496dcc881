package io.ascendant.admin.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Usage of one clock hour, model and key, from billing's hourly rollup ({@code usage_rollup_hour}).
 *
 * @param hourStart the hour's first instant (UTC)
 * @param hour the same instant in the tenant's time zone, with its offset ({@code 2026-11-30T09:00:00+01:00}), so a DST
 *     day shows 23 or 25 distinct hours
 * @param model model id
 * @param keyId API key
 * @param projectId project of the key
 * @param requests requests that produced usage (a request that failed or was cancelled with no tokens at all, e.g.
 *     refused by the host, is left out; see {@code CountedRequests})
 * @param promptCacheHitTokens cache-hit prompt tokens
 * @param promptCacheMissTokens cache-miss prompt tokens
 * @param completionTokens output tokens (reasoning included)
 * @param reasoningTokens reasoning part of the output
 * @param amount exact unrounded charge
 * @param currency currency of {@code amount}
 */
public record HourlyUsage(
        Instant hourStart,
        OffsetDateTime hour,
        String model,
        UUID keyId,
        UUID projectId,
        long requests,
        long promptCacheHitTokens,
        long promptCacheMissTokens,
        long completionTokens,
        long reasoningTokens,
        BigDecimal amount,
        String currency) {}
