package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the gateway cannot route (a malformed URL, a method the endpoint does not take, an unknown path, no key)
 * get a precise 4xx in the addressed API's shape (OpenAI JSON, or Anthropic's on {@code /v1/messages}), never a 500;
 * a malformed URL is refused before authentication and never reaches a host.
 */
@QuarkusTest
class RequestRoutingErrorTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static final String HELLO = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void answersMalformedPercentEncodingInTheUrlWith400InTheOpenAiShape() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + key.text(), "Content-Type", "application/json");
        RawHttp.Answer query = RawHttp.send(
                "POST",
                "/v1/chat/completions?x=%zz",
                auth,
                "{\"model\":\"deepseek-v4-flash\",\"messages\":" + HELLO + "}");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.contentType()).startsWith("application/json");
        assertThat(query.headers()).containsKey("x-request-id");
        assertThat(query.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(query.json().getString("error.code")).isEqualTo("invalid_url");
        assertThat(query.json().getString("error.param")).isNull();
        assertThat(query.json().getString("error.message"))
                .isEqualTo("The request URL is malformed: the '%' at character 24 must start a percent-escape of two"
                        + " hexadecimal digits (write a literal '%' as %25).");
        RawHttp.Answer path = RawHttp.send("GET", "/v1/models/%E0%A4%A", auth, null);
        assertThat(path.status()).isEqualTo(400);
        assertThat(path.json().getString("error.code")).isEqualTo("invalid_url");
        assertThat(path.json().getString("error.message")).contains("malformed", "character 18");
        // Without a key too: the URL is refused before authentication, never as an empty 400.
        RawHttp.Answer anonymous = RawHttp.send("GET", "/v1/models?after=%G1", Map.of(), null);
        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(anonymous.json().getString("error.code")).isEqualTo("invalid_url");
        RawHttp.Answer space = RawHttp.send("GET", "/v1/models?q=a%20b|c", auth, null);
        assertThat(space.status()).isEqualTo(400);
        assertThat(space.json().getString("error.message")).contains("'|'", "percent-encode");
        // Nothing reached a host.
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void refusesOtherMethodsOnPostOnlyEndpointsWith405AndAllow() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions")) {
            given().auth()
                    .oauth2(key.text())
                    .when()
                    .get(path)
                    .then()
                    .statusCode(405)
                    .header("allow", "POST")
                    .header("x-request-id", notNullValue())
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("method_not_allowed"))
                    .body("error.message", containsString("GET"));
        }
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{}")
                .when()
                .put("/v1/chat/completions")
                .then()
                .statusCode(405)
                .header("allow", "POST")
                .body("error.code", equalTo("method_not_allowed"));
    }

    @Test
    void refusesOtherMethodsOnMessagesWith405InAnthropicShape() {
        given().header("x-api-key", key.text())
                .header("anthropic-version", "2023-06-01")
                .when()
                .get("/v1/messages")
                .then()
                .statusCode(405)
                .header("allow", "POST")
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("GET"));
    }

    @Test
    void refusesOtherMethodsOnModelsWith405() {
        given().auth()
                .oauth2(key.text())
                .when()
                .delete("/v1/models")
                .then()
                .statusCode(405)
                .header("allow", "GET")
                .body("error.code", equalTo("method_not_allowed"));
    }

    @Test
    void answersUnknownTenantPathsWith404InTheApisOwnShape() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"input\":\"hi\"}")
                .when()
                .post("/v1/embeddings")
                .then()
                .statusCode(404)
                .contentType(containsString("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unknown_url"))
                .body("error.param", equalTo(null))
                .body("error.message", containsString("POST /v1/embeddings"));
        AnthropicRequests.as(key)
                .body("{}")
                .when()
                .post("/v1/messages/batches")
                .then()
                .statusCode(404)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("not_found_error"))
                .body("error.message", containsString("/v1/messages/batches"));
    }

    @Test
    void answersRequestsWithoutKeyWith401() {
        given().contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .body("error", not(equalTo(null)));
    }
}
