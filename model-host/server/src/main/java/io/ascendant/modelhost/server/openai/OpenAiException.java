package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the host refuses, rendered as OpenAI's error JSON
 * {@code {"error":{"message","type","param","code"}}}. Messages name the parameter and the limit; never prompt text.
 */
public final class OpenAiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;

    public OpenAiException(int status, String type, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** 400 {@code invalid_request_error} naming {@code param}. */
    public static OpenAiException badRequest(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, message);
    }

    public int status() {
        return status;
    }

    /** The OpenAI error body. */
    public ObjectNode body() {
        return body(status, type, param, getMessage());
    }

    /** An OpenAI error body. */
    public static ObjectNode body(int status, String type, String param, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        e.put("code", status);
        return root;
    }
}
