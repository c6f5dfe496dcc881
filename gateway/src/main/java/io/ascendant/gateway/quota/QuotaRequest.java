package io.ascendant.gateway.quota;

import io.ascendant.gateway.quota.lease.PoolSpec;
import io.ascendant.gateway.quota.ratelimit.RateSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What admission needs to know about a request.
 *
 * @param requestId unique request id (the usage ledger's key)
 * @param tenantId paying tenant
 * @param projectId project
 * @param keyId API key
 * @param model public model id
 * @param zone the tenant's time zone (budget periods)
 * @param promptTokens exact prompt tokens (shared tokenizer and chat encoding)
 * @param maxOutputTokens {@code max_tokens} of the request, or the gateway's default output budget when it sets none
 * @param worstCaseCost prompt at the cache-miss price plus {@code maxOutputTokens} at the output price, in the
 *     tenant's currency; null when the model has no price (then a money budget refuses the request)
 * @param outputPricePerMillion the output price per million tokens that {@code worstCaseCost} used; null when not
 *     known (then a refusal cannot tell the largest {@code max_tokens} that fits a money budget)
 * @param defaultMaxTokens true when the client set no output limit and {@code maxOutputTokens} is the gateway's
 *     default: refusals then say "default max_tokens", not quote a {@code max_tokens} the client never sent
 * @param outputLimitParam the output-limit parameter refusals quote and tell the client to change: {@code
 *     max_completion_tokens} when the client set its limit with it, else {@code max_tokens}
 */
public record QuotaRequest(
        String requestId,
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        ZoneId zone,
        long promptTokens,
        long maxOutputTokens,
        BigDecimal worstCaseCost,
        BigDecimal outputPricePerMillion,
        boolean defaultMaxTokens,
        String outputLimitParam) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** A request whose output limit the client set. */
    public QuotaRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            ZoneId zone,
            long promptTokens,
            long maxOutputTokens,
            BigDecimal worstCaseCost,
            BigDecimal outputPricePerMillion) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                zone,
                promptTokens,
                maxOutputTokens,
                worstCaseCost,
                outputPricePerMillion,
                false,
                "max_tokens");
    }

    public QuotaRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(outputLimitParam, "outputLimitParam");
        if (promptTokens < 0 || maxOutputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0 for request " + requestId);
        }
    }

    /**
     * The output cap as refusals name it: {@code max_tokens 4096} (or {@code max_completion_tokens 4096}, the parameter
     * the client sent), or {@code default max_tokens 4096} when the client set none.
     */
    public String maxTokensLabel() {
        return (defaultMaxTokens ? "default max_tokens " : outputLimitParam + " ") + maxOutputTokens;
    }

    /** Tokens reserved against token limits and budgets: prompt plus the output cap. */
    public long reservedTokens() {
        return promptTokens + maxOutputTokens;
    }

    /** Cells the request takes from a per-minute limit of {@code kind}: one request, or its reserved tokens. */
    public long cellsOf(RateSpec.Kind kind) {
        return kind == RateSpec.Kind.REQUESTS ? 1 : reservedTokens();
    }

    /**
     * What the request holds on a pool of {@code unit}: its worst-case cost (null when unpriced), its reserved tokens,
     * or one request.
     */
    public BigDecimal holdOn(PoolSpec.Unit unit) {
        return switch (unit) {
            case MONEY -> worstCaseCost;
            case TOKENS -> BigDecimal.valueOf(reservedTokens());
            case REQUESTS -> BigDecimal.ONE;
        };
    }

    /**
     * The largest {@code max_tokens} whose worst case, with the prices this request was rated with, fits an amount of
     * money: 0 when the prompt alone fills it, empty when the prices are not known.
     */
    public OptionalLong largestMaxTokensWithin(BigDecimal amount) {
        if (worstCaseCost == null || outputPricePerMillion == null || outputPricePerMillion.signum() <= 0) {
            return OptionalLong.empty();
        }
        // In millionths, exactly: the prompt's part of the worst case is what the output cap does not account for.
        BigDecimal promptPart = worstCaseCost
                .multiply(MILLION)
                .subtract(outputPricePerMillion.multiply(BigDecimal.valueOf(maxOutputTokens)));
        BigDecimal room = amount.multiply(MILLION).subtract(promptPart);
        if (room.signum() <= 0) {
            return OptionalLong.of(0);
        }
        BigDecimal tokens = room.divide(outputPricePerMillion, 0, RoundingMode.FLOOR);
        return OptionalLong.of(tokens.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    }
}
