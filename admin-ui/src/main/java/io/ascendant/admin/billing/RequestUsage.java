package io.ascendant.admin.billing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The usage ledger rows of one request id, for support ("request X was billed wrong"): the row whose gateway id it is
 * (at most one), or every row whose client {@code x-request-id} it is (clients reuse ids), newest first.
 *
 * @param requestId the id looked up, as asked
 * @param records the matching rows, newest first (by start, then gateway id); never empty
 */
public record RequestUsage(String requestId, List<Row> records) {

    /**
     * One usage ledger row, as billing stored and rated it.
     *
     * @param requestId the gateway's own id of the request ({@code req_<24 hex>}, {@code x-ascendant-request-id}); in
     *     rows written before client ids were stored separately it may be the client's id
     * @param clientRequestId the client's {@code x-request-id}, or null when it sent none (and in rows written before
     *     V038)
     * @param tenantId tenant that pays
     * @param projectId project of the key
     * @param keyId API key the request was made with
     * @param model the model as the tenant asked for it
     * @param priceTier the price book's model name the row was rated under
     * @param hostPod model-host pod that served it, or null when none was reached
     * @param promptCacheHitTokens prompt tokens served from the context cache
     * @param promptCacheMissTokens prompt tokens computed afresh
     * @param completionTokens output tokens, reasoning included
     * @param reasoningTokens the reasoning part of {@code completionTokens}
     * @param status how the request ended: {@code COMPLETED}, {@code CANCELLED}, {@code FAILED_AFTER_PARTIAL_OUTPUT}
     *     or {@code FAILED}
     * @param countedByGateway true when the gateway counted the tokens itself (the host reported no usage)
     * @param amount exact unrounded charge as a plain decimal string ({@code "0.0000123"}), trailing zeros stripped
     * @param currency ISO 4217 currency of {@code amount}
     * @param priceVersionId price-book version used, or null when {@code priceWindow} is {@code UNPRICED}
     * @param priceWindow {@code STANDARD}, {@code PEAK}, {@code OFF_PEAK} or {@code UNPRICED}
     * @param startedAt when the gateway accepted the request (picks the price version)
     * @param finishedAt when the last byte was produced (picks the price window)
     */
    public record Row(
            String requestId,
            String clientRequestId,
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
            String status,
            boolean countedByGateway,
            String amount,
            String currency,
            Long priceVersionId,
            String priceWindow,
            Instant startedAt,
            Instant finishedAt) {}
}
