package io.ascendant.gateway.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Renders {@link GatewayException}s in each tenant API's own error shape: OpenAI's
 * {@code {"error":{"message","type","param","code"}}} and Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}.
 */
public final class ErrorRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorRenderer() {}

    /** The OpenAI error body. */
    public static Buffer openAi(GatewayException e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", openAiType(e.status()));
        error.put("param", e.param());
        error.put("code", e.code());
        return Buffer.buffer(root.toString());
    }

    /** The Anthropic error body. */
    public static Buffer anthropic(GatewayException e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", anthropicType(e.status()));
        error.put("message", e.getMessage());
        return Buffer.buffer(root.toString());
    }

    /** Sends {@code e} as a JSON error response in the given shape and ends the response. */
    public static void send(HttpServerResponse response, GatewayException e, boolean anthropicShape) {
        if (response.ended() || response.headWritten()) {
            if (!response.ended()) {
                response.end();
            }
            return;
        }
        response.setStatusCode(e.status()).putHeader("content-type", "application/json");
        if (e instanceof GatewayException.RateLimited limited) {
            limited.headers().forEach(response::putHeader);
            if (limited.retryAfterSeconds() > 0) {
                response.putHeader("retry-after", Integer.toString(limited.retryAfterSeconds()));
            }
        }
        if (e instanceof GatewayException.Unavailable unavailable) {
            response.putHeader("retry-after", Integer.toString(unavailable.retryAfterSeconds()));
        }
        if (e instanceof GatewayException.MethodNotAllowed notAllowed) {
            response.putHeader("allow", notAllowed.allow());
        }
        response.end(anthropicShape ? anthropic(e) : openAi(e));
    }

    static String openAiType(int status) {
        return switch (status) {
            case 400, 404, 405, 408, 413, 414, 415, 431, 501, 505 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            case 503 -> "service_unavailable";
            default -> "api_error";
        };
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 400, 405, 408, 414, 415, 431, 501, 505 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }
}
