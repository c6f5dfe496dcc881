package io.ascendant.gateway.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
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
 * @param promptTokens the prompt's tokens: exact when {@code hostBody} is null (the data path counts every prompt
 *     once with the shared tokenizer and chat template, before admission), else an estimate that admission replaces
 *     with its own count of {@code hostBody}
 * @param maxOutputTokens the request's {@code max_tokens}, or its default output budget when absent (the route's
 *     limit capped to what the context window leaves after the prompt)
 * @param hostBody the OpenAI-style body sent to the host ({@code messages}, {@code tools}, or {@code prompt}), from
 *     which admission counts the prompt exactly with the shared tokenizer and chat encoding; null when
 *     {@code promptTokens} is already exact. Read only, never modified.
 * @param startedAt when the request arrived (the usage event's {@code startedAt}): the price version in force then
 *     rates the request, so a budget hold is priced with it; null means "now"
 * @param defaultMaxTokens true when the client set no output limit and {@code maxOutputTokens} is the gateway's
 *     default (a refusal then says "default max_tokens")
 * @param outputLimitParam the output-limit parameter a refusal tells the client to change: {@code
 *     max_completion_tokens} when the client set its limit with it, else {@code max_tokens}
 */
public record AdmissionRequest(
        String requestId,
        UUID tenantId,
        UUID projectId,
        UUID keyId,
        String model,
        String priceTier,
        long promptTokens,
        long maxOutputTokens,
        ObjectNode hostBody,
        Instant startedAt,
        boolean defaultMaxTokens,
        String outputLimitParam) {

    public AdmissionRequest {
        Objects.requireNonNull(outputLimitParam, "outputLimitParam");
    }

    /** With an output limit the client set. */
    public AdmissionRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            long promptTokens,
            long maxOutputTokens,
            ObjectNode hostBody,
            Instant startedAt) {
        this(
                requestId,
                tenantId,
                projectId,
                keyId,
                model,
                priceTier,
                promptTokens,
                maxOutputTokens,
                hostBody,
                startedAt,
                false,
                "max_tokens");
    }

    /** Without the arrival instant: admission prices at "now". */
    public AdmissionRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            long promptTokens,
            long maxOutputTokens,
            ObjectNode hostBody) {
        this(requestId, tenantId, projectId, keyId, model, priceTier, promptTokens, maxOutputTokens, hostBody, null);
    }

    /** Without the host body: admission uses {@code promptTokens} as they are. */
    public AdmissionRequest(
            String requestId,
            UUID tenantId,
            UUID projectId,
            UUID keyId,
            String model,
            String priceTier,
            long promptTokens,
            long maxOutputTokens) {
        this(requestId, tenantId, projectId, keyId, model, priceTier, promptTokens, maxOutputTokens, null, null);
    }
}
