package io.ascendant.billing.rollup;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Usage of one day (tenant's billing day), model and key, from the daily rollup.
 *
 * @param day local billing day
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
public record UsageBucket(
        LocalDate day,
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
