package io.ascendant.gateway.quota;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Objects;
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
 * @param maxOutputTokens {@code max_tokens} of the request, or the model's default cap
 * @param worstCaseCost prompt at the cache-miss price plus {@code maxOutputTokens} at the output price, in the
 *     tenant's currency; null when the model has no price (then a money budget refuses the request)
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
        BigDecimal worstCaseCost) {

    public QuotaRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(zone, "zone");
        if (promptTokens < 0 || maxOutputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0 for request " + requestId);
        }
    }

    /** Tokens reserved against token limits and budgets: prompt plus the output cap. */
    public long reservedTokens() {
        return promptTokens + maxOutputTokens;
    }
}
