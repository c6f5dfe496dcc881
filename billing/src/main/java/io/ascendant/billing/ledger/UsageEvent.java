package io.ascendant.billing.ledger;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One metered request as the gateway reports it to {@link UsageLedger#record(UsageEvent)} (contract 2 of the team
 * brief).
 *
 * <p>Token counts are exact counts, never estimates: {@code promptCacheHitTokens + promptCacheMissTokens} is the
 * prompt, {@code completionTokens} the whole output <em>including</em> {@code reasoningTokens} (the DeepSeek/OpenAI
 * {@code completion_tokens_details.reasoning_tokens} convention). {@code countedByGateway} is true when the gateway
 * counted tokens itself (for example a stream cut before the host reported usage) rather than taking the host's
 * {@code usage} object. The price window is chosen from {@code finishedAt}.
 *
 * <p>{@code model} is what the tenant asked for and what usage reports show; {@code priceTier} is the model name the
 * price book holds the prices under (a catalogue route's price tier, e.g. route {@code deepseek-v4-window} priced as
 * {@code deepseek-v4-pro}). The ledger rates by {@code priceTier}; a null tier (callers that do not know better, usage
 * journal lines written before the field existed) means {@code model}.
 *
 * <p>{@code requestId} is the gateway's own unique id of the request, never a client-chosen value: the ledger is
 * idempotent on it so that the gateway's retries and journal replays charge once, and a client that reuses an id must
 * still be charged for every request. The client's {@code x-request-id} travels in {@code clientRequestId}, stored with
 * the row so operators can find a request by the id the tenant knows; it is not unique.
 *
 * @param requestId the gateway's unique request id; the ledger's idempotency key (1..128 characters)
 * @param tenantId tenant that pays
 * @param projectId project inside the tenant
 * @param keyId API key the request was made with
 * @param model public model id as the tenant requested it, e.g. {@code deepseek-v4-window}
 * @param priceTier the price book's model name the usage is rated with, e.g. {@code deepseek-v4-pro}; null means
 *     {@code model}
 * @param hostPod model-host pod that served it (may be null when none was reached)
 * @param promptCacheHitTokens prompt tokens served from the context cache (≥ 0)
 * @param promptCacheMissTokens prompt tokens computed afresh (≥ 0)
 * @param completionTokens output tokens including reasoning (≥ 0)
 * @param reasoningTokens the reasoning part of {@code completionTokens} (0 ≤ reasoning ≤ completion)
 * @param status how the request ended
 * @param countedByGateway whether the gateway counted the tokens itself
 * @param startedAt when the gateway accepted the request; decides the price version (the one in force then, so a
 *     price change never applies to a request already running)
 * @param finishedAt when the last byte was produced; decides the price window (peak or off-peak)
 * @param clientRequestId the client's {@code x-request-id} (a correlation id, 1..128 characters, not unique); null
 *     when the client sent none, for callers that know none and for usage journal lines written before it existed
 */
public record UsageEvent(
        String requestId,
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        String priceTier,
        String hostPod,
        long promptCacheHitTokens,
        long promptCacheMissTokens,
        long completionTokens,
        long reasoningTokens,
        UsageStatus status,
        boolean countedByGateway,
        Instant startedAt,
        Instant finishedAt,
        String clientRequestId) {

    /** Maximum length of a request id (the column is {@code varchar(128)}). */
    public static final int MAX_REQUEST_ID_LENGTH = 128;

    /** An event without a client request id (callers that know none, tests and tools). */
    public UsageEvent(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            String hostPod,
            long promptCacheHitTokens,
            long promptCacheMissTokens,
            long completionTokens,
            long reasoningTokens,
            UsageStatus status,
            boolean countedByGateway,
            Instant startedAt,
            Instant finishedAt) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                priceTier,
                hostPod,
                promptCacheHitTokens,
                promptCacheMissTokens,
                completionTokens,
                reasoningTokens,
                status,
                countedByGateway,
                startedAt,
                finishedAt,
                null);
    }

    /**
     * An event rated under its own model name (price tier = {@code model}): the catalogue's default routes, tests and
     * tools that know no other tier.
     */
    public UsageEvent(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String hostPod,
            long promptCacheHitTokens,
            long promptCacheMissTokens,
            long completionTokens,
            long reasoningTokens,
            UsageStatus status,
            boolean countedByGateway,
            Instant startedAt,
            Instant finishedAt) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                model,
                hostPod,
                promptCacheHitTokens,
                promptCacheMissTokens,
                completionTokens,
                reasoningTokens,
                status,
                countedByGateway,
                startedAt,
                finishedAt,
                null);
    }

    /**
     * Validates the event and defaults a null {@code priceTier} to {@code model}.
     *
     * @throws IllegalArgumentException when a field is missing, a count is negative, reasoning exceeds completion
     *     or a request id (the gateway's or the client's) is empty or longer than {@value #MAX_REQUEST_ID_LENGTH}
     */
    public UsageEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(model, "model");
        if (priceTier == null) {
            priceTier = model;
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        if (requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "requestId must have 1.." + MAX_REQUEST_ID_LENGTH + " characters, had " + requestId.length());
        }
        if (clientRequestId != null
                && (clientRequestId.isEmpty() || clientRequestId.length() > MAX_REQUEST_ID_LENGTH)) {
            throw new IllegalArgumentException("clientRequestId must have 1.." + MAX_REQUEST_ID_LENGTH
                    + " characters, had " + clientRequestId.length() + " (request " + requestId + ")");
        }
        if (promptCacheHitTokens < 0 || promptCacheMissTokens < 0 || completionTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0 (request " + requestId + ")");
        }
        if (reasoningTokens > completionTokens) {
            throw new IllegalArgumentException("reasoningTokens (" + reasoningTokens + ") exceed completionTokens ("
                    + completionTokens + ") for request " + requestId);
        }
    }

    /** Prompt tokens, cache hits plus misses. */
    public long promptTokens() {
        return promptCacheHitTokens + promptCacheMissTokens;
    }
}
