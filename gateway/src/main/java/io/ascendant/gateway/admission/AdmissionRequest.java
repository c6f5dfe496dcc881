package io.ascendant.gateway.admission;

import java.util.UUID;

/**
 * What admission control sees of a request before it is dispatched.
 *
 * @param requestId the request id
 * @param tenantId paying tenant
 * @param projectId project
 * @param keyId API key
 * @param model public model name
 * @param priceTier the route's price tier
 * @param estimatedPromptTokens prompt estimate (characters / 4)
 * @param maxOutputTokens the request's {@code max_tokens} (or the route limit when absent)
 */
public record AdmissionRequest(
        String requestId,
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        String priceTier,
        long estimatedPromptTokens,
        long maxOutputTokens) {}
