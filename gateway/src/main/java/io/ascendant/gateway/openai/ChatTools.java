package io.ascendant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.gateway.error.GatewayException;
import java.util.regex.Pattern;

/**
 * The shape OpenAI's chat API sets for {@code tools}, checked before a host sees them, so that a definition the host
 * would ignore or render into a broken prompt is a 400 naming the field: an array of objects of {@code type}
 * {@code function}, each with a {@code function} object whose {@code name} is 1 to 64 of a-z, A-Z, 0-9, {@code _} and
 * {@code -}, whose {@code description} (optional) is a string and whose {@code parameters} (optional) is a JSON object
 * (a JSON Schema, not checked further).
 */
final class ChatTools {
    /** OpenAI's rule for function names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private ChatTools() {}

    /** @throws GatewayException.InvalidRequest naming the first missing or wrong field */
    static void check(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "'tools' must be an array.", "invalid_type");
        }
        for (int i = 0; i < tools.size(); i++) {
            tool(tools.get(i), "tools[" + i + "]");
        }
    }

    private static void tool(JsonNode tool, String at) {
        if (!tool.isObject()) {
            throw invalid(at, "'" + at + "' must be an object.", "invalid_type");
        }
        JsonNode type = tool.get("type");
        if (type == null || type.isNull()) {
            throw missing(at + ".type");
        }
        if (!type.isTextual() || !type.asText().equals("function")) {
            throw invalid(
                    at + ".type",
                    "Unsupported value: '" + at + ".type' must be 'function' (the only tool type supported).",
                    "invalid_value");
        }
        JsonNode function = tool.get("function");
        if (function == null || function.isNull()) {
            throw missing(at + ".function");
        }
        if (!function.isObject()) {
            throw invalid(at + ".function", "'" + at + ".function' must be an object.", "invalid_type");
        }
        String f = at + ".function";
        JsonNode name = function.get("name");
        if (name == null || name.isNull()) {
            throw missing(f + ".name");
        }
        // The name itself is not echoed: it may be long.
        if (!name.isTextual() || !NAME.matcher(name.asText()).matches()) {
            throw invalid(
                    f + ".name",
                    "Invalid '" + f + ".name': must be a string of 1 to 64 characters a-z, A-Z, 0-9, underscores"
                            + " and dashes.",
                    "invalid_value");
        }
        JsonNode description = function.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            throw invalid(f + ".description", "'" + f + ".description' must be a string.", "invalid_type");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw invalid(
                    f + ".parameters", "'" + f + ".parameters' must be a JSON object (a JSON Schema).", "invalid_type");
        }
    }

    private static GatewayException.InvalidRequest invalid(String param, String message, String code) {
        return new GatewayException.InvalidRequest(message, param, code);
    }

    private static GatewayException.InvalidRequest missing(String param) {
        return new GatewayException.InvalidRequest(
                "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }
}
