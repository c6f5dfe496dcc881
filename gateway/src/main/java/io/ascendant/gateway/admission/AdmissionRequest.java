package io.ascendant.gateway.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
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
 * @param hostBody the OpenAI-style body sent to the host ({@code messages}, {@code tools}, or {@code prompt}), from
 *     which admission counts the prompt exactly with the shared tokenizer and chat encoding; null when unknown (the
 *     estimate is used then). Read only, never modified.
 * @param startedAt when the request arrived (the usage event's {@code startedAt}): the price version in force then
 *     rates the request, so a budget hold is priced with it; null means "now"
 */
public record AdmissionRequest(
        String requestId,
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        String priceTier,
        long estimatedPromptTokens,
        long maxOutputTokens,
        ObjectNode hostBody,
        Instant startedAt) {

    /** Without the arrival instant: admission prices at "now". */
    public AdmissionRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            long estimatedPromptTokens,
            long maxOutputTokens,
            ObjectNode hostBody) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                priceTier,
                estimatedPromptTokens,
                maxOutputTokens,
                hostBody,
                null);
    }

    /** Without the host body: admission uses {@code estimatedPromptTokens}. */
    public AdmissionRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            long estimatedPromptTokens,
            long maxOutputTokens) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                priceTier,
                estimatedPromptTokens,
                maxOutputTokens,
                null,
                null);
    }
}
