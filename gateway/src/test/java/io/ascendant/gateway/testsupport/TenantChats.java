package io.ascendant.gateway.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The smallest chat a tenant can send the gateway under test (one user message, "Say hello"), for tests about what
 * happens to a request (refused, admitted, metered, billed), not about its prompt. The body is valid for both APIs:
 * {@code /v1/chat/completions} and, with a {@code max_tokens}, {@code /v1/messages}.
 */
public final class TenantChats {

    private TenantChats() {}

    /** The body for {@code model}, with {@code max_tokens} only when {@code maxTokens >= 0}. */
    public static String body(String model, long maxTokens) {
        JsonObject body = new JsonObject()
                .put("model", model)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")));
        if (maxTokens >= 0) {
            body.put("max_tokens", maxTokens);
        }
        return body.encode();
    }

    /**
     * {@code POST /v1/chat/completions} of {@link #body} as {@code key} (Bearer); the caller checks the answer.
     *
     * @param maxTokens {@code max_tokens}, or negative for none
     */
    public static Response post(String key, String model, long maxTokens) {
        return post(as(key), model, maxTokens);
    }

    /** {@link #post(String, String, long)} with the client's own {@code x-request-id}. */
    public static Response post(String key, String requestId, String model, long maxTokens) {
        return post(as(key).header("x-request-id", requestId), model, maxTokens);
    }

    private static RequestSpecification as(String key) {
        return given().auth().oauth2(key).contentType("application/json");
    }

    private static Response post(RequestSpecification request, String model, long maxTokens) {
        return request.body(body(model, maxTokens)).when().post("/v1/chat/completions");
    }
}
