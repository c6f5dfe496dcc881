package io.ascendant.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ascendant.admin.problem.JsonSyntaxErrors;
import io.ascendant.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** JSON parsing for the data path, with errors that say where the body broke. */
public final class Json {
    /** Shared mapper: trees only, no polymorphic typing, duplicate keys rejected. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /**
     * Parses a request body that must be a JSON object in strict UTF-8 ({@link StrictJsonText}: no overlong forms,
     * no encoded or unpaired escaped surrogates, nothing above U+10FFFF).
     *
     * @throws GatewayException.InvalidRequest saying in the product's words what broke and at which line and column
     *     ({@link JsonSyntaxErrors}), never in Jackson's
     */
    public static ObjectNode parseObject(Buffer body) {
        if (body.length() == 0) {
            throw new GatewayException.InvalidRequest(
                    "Request body is empty; expected a JSON object.", null, "invalid_json");
        }
        byte[] bytes = body.getBytes();
        StrictJsonText.check(bytes);
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new GatewayException.InvalidRequest(JsonSyntaxErrors.describe(e), null, "invalid_json");
        } catch (IOException e) {
            throw new GatewayException.InvalidRequest("Request body could not be read as JSON.", null, "invalid_json");
        }
        if (node == null || !node.isObject()) {
            throw new GatewayException.InvalidRequest("Request body must be a JSON object.", null, "invalid_json");
        }
        return (ObjectNode) node;
    }

    /** Parses a host payload; null when it is not a JSON object. */
    public static ObjectNode parseHost(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Parses a host payload; null when it is not a JSON object. */
    public static ObjectNode parseHost(Buffer body) {
        try {
            JsonNode node = MAPPER.readTree(body.getBytes());
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Serialises a tree to a buffer. */
    public static Buffer buffer(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree could not be written", e);
        }
    }

    /** Text of a content field that is a string or an array of {@code {"type":"text","text":..}} parts. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    sb.append(part.asText());
                } else if (part.has("text")) {
                    sb.append(part.path("text").asText());
                }
            }
            return sb.toString();
        }
        return content.toString();
    }
}
