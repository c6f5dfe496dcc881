package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.gateway.api.TenantCaller;
import io.ascendant.gateway.catalogue.ModelCatalogue;
import io.ascendant.gateway.catalogue.ModelRoute;
import io.ascendant.gateway.error.GatewayException;
import java.util.List;

/** Checks shared by the OpenAI-style endpoints (and reused for Anthropic). */
public final class OpenAiValidation {
    private OpenAiValidation() {}

    /** Resolves {@code model}: 400 when missing, 404 when unknown or not allowed for the key. */
    public static ModelRoute resolveModel(JsonNode model, TenantCaller caller, ModelCatalogue catalogue) {
        if (model == null || model.isNull()) {
            throw new GatewayException.InvalidRequest(
                    "Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new GatewayException.InvalidRequest("'model' must be a non-empty string.", "model", "invalid_type");
        }
        String name = model.asText();
        ModelRoute route = catalogue.resolve(name).orElseThrow(() -> new GatewayException.ModelNotFound(name));
        if (!ModelCatalogue.allows(caller.allowedModels(), route)) {
            throw new GatewayException.ModelNotFound(name);
        }
        return route;
    }

    /** What an output limit takes: {@code 1e3} and {@code 1000.0} are numbers, but not JSON integers. */
    static final String POSITIVE_INTEGER = "must be a positive integer, written as a JSON integer (1000, not 1e3).";

    /**
     * Reads an output limit parameter: 400 when not a positive integer or above the route's limit.
     *
     * @return the value, or -1 when absent
     */
    public static long maxTokens(ObjectNode body, String param, ModelRoute route) {
        JsonNode v = body.get(param);
        if (v == null || v.isNull()) {
            return -1;
        }
        requirePositiveInteger(v, param);
        long n = v.asLong();
        if (!v.canConvertToLong() || n > route.maxOutputTokens()) {
            throw new GatewayException.InvalidRequest(
                    "'" + param + "' is too large: " + v.asText() + ". Model `" + route.publicName()
                            + "` supports at most " + route.maxOutputTokens() + " output tokens.",
                    param,
                    "max_tokens_exceeded");
        }
        return n;
    }

    /**
     * 400 unless {@code v} is a JSON integer of at least 1. An integer below 1 ({@code 0}, {@code -5}) is told the
     * bound, not that it should be written as an integer; only a number with a whole value that is not written as a
     * JSON integer ({@code 2.0}, {@code 1e3}) is told how to write one; anything else ({@code 1.5}, {@code "2"},
     * {@code true}) is told to be a positive integer.
     */
    private static void requirePositiveInteger(JsonNode v, String param) {
        if (!v.isIntegralNumber()) {
            double d = v.isNumber() ? v.doubleValue() : Double.NaN;
            boolean whole = Double.isFinite(d) && d == Math.rint(d);
            throw new GatewayException.InvalidRequest(
                    "'" + param + "' " + (whole ? POSITIVE_INTEGER : "must be a positive integer."),
                    param,
                    "invalid_value");
        }
        // bigIntegerValue, not asLong: an integer beyond the long range would wrap and could look positive.
        if (v.bigIntegerValue().signum() <= 0) {
            throw new GatewayException.InvalidRequest(
                    "'" + param + "' must be at least 1, got " + v.asText() + ".", param, "invalid_value");
        }
    }

    /**
     * The output limit of a chat completion: {@code max_completion_tokens} when set, else {@code max_tokens}. OpenAI
     * deprecated {@code max_tokens} in favour of {@code max_completion_tokens}, and vLLM generates up to {@code
     * max_completion_tokens} when a request sets both; so when both are set, {@code max_tokens} must still be a
     * positive integer but is otherwise ignored, and it is removed from {@code body} (the host body) so that the host,
     * the context-window check and the output budget all use the same limit.
     *
     * @return the limit, or -1 when neither is set
     * @throws GatewayException.InvalidRequest naming the parameter that is not a positive integer or is above the
     *     route's output limit
     */
    public static long chatOutputLimit(ObjectNode body, ModelRoute route) {
        long completion = maxTokens(body, "max_completion_tokens", route);
        if (completion < 0) {
            return maxTokens(body, "max_tokens", route);
        }
        JsonNode legacy = body.get("max_tokens");
        if (legacy != null && !legacy.isNull()) {
            requirePositiveInteger(legacy, "max_tokens");
            body.remove("max_tokens");
        }
        return completion;
    }

    /** 400 naming the first parameter of {@code unsupported} that the body sets (non-null). */
    public static void rejectUnsupported(ObjectNode body, List<String> unsupported) {
        for (String p : unsupported) {
            JsonNode v = body.get(p);
            if (v != null && !v.isNull()) {
                throw new GatewayException.InvalidRequest(
                        "Unsupported parameter: '" + p + "' is not supported by this gateway.",
                        p,
                        "unsupported_parameter");
            }
        }
        JsonNode n = body.get("n");
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber()) {
            throw new GatewayException.InvalidRequest(
                    "'n' must be an integer (only 1 is supported).", "n", "invalid_type");
        }
        if (n.bigIntegerValue().signum() <= 0) {
            throw new GatewayException.InvalidRequest(
                    "'n' must be at least 1, got " + n.asText() + " (only 1 is supported).", "n", "invalid_value");
        }
        if (!n.canConvertToLong() || n.asLong() != 1) {
            throw new GatewayException.InvalidRequest(
                    "Unsupported parameter: 'n' must be 1; several choices per request are not supported.",
                    "n",
                    "unsupported_parameter");
        }
    }

    /** Reads an optional boolean; 400 when present with another type. */
    public static boolean bool(JsonNode v, String param) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new GatewayException.InvalidRequest("'" + param + "' must be a boolean.", param, "invalid_type");
        }
        return v.asBoolean();
    }
}
