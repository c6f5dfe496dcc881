package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every refusal of bad input is precise, in the OpenAI error shape, and never a 500. */
@QuarkusTest
class RequestValidationTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static final String HELLO = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void rejectsUnknownModelWith404() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"gpt-17\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("model_not_found"))
                .body("error.param", equalTo("model"))
                .body("error.message", containsString("gpt-17"));
    }

    @Test
    void hidesModelsTheKeyMayNotUseBehind404() {
        TestKeys.Key limited = keys.create(Set.of("deepseek-v4-pro"));
        given().auth()
                .oauth2(limited.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }

    @Test
    void rejectsMaxTokensAboveTheModelLimitNamingTheLimit() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":9000,\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("max_tokens"))
                .body("error.code", equalTo("max_tokens_exceeded"))
                .body("error.message", containsString("at most 8192"));
    }

    @Test
    void rejectsFractionalStringOrBooleanMaxTokensNamingIt() {
        for (String value : List.of("1.5", "\"5\"", "true")) {
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":" + value + ",\"messages\":" + HELLO + "}")
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo("max_tokens"))
                    .body("error.message", containsString("positive integer"));
        }
    }

    @Test
    void rejectsMalformedJsonSayingWhereItBroke() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\n \"messages\": [,]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_json"))
                .body("error.param", equalTo(null))
                .body(
                        "error.message",
                        equalTo("The request body is not valid JSON at line 2, column 15: expected a value."));
    }

    @Test
    void describesJsonSyntaxErrorsInOwnWordsWithoutJacksonInternals() {
        Map<String, String> expected = Map.of(
                "{\"model\":\"deepseek-v4-flash\",}",
                "The request body is not valid JSON at line 1, column 30: expected a field name in double quotes"
                        + " (a comma must not follow the last member of an object).",
                "{\"model\" \"deepseek-v4-flash\"}",
                "The request body is not valid JSON at line 1, column 10: expected ':' after the field name.",
                "{\"model\":\"deepseek-v4-flash\"",
                "The request body is not valid JSON at line 1, column 29: it ends before the object opened at line 1,"
                        + " column 1 is closed.",
                "{\"model\":\"deepseek-v4-flash\",\"model\":\"x\"}",
                "The request body is not valid JSON at line 1, column 37: field `model` appears more than once.");
        expected.forEach((body, message) -> given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_json"))
                .body("error.message", equalTo(message))
                .body("error.message", not(containsString("code ")))
                .body("error.message", not(containsString("Source")))
                .body("error.message", not(containsString("Unexpected"))));
    }

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
    void rejectsAModelThatIsNotAStringNamingIt() {
        for (String model : List.of("5", "true", "{\"id\":\"deepseek-v4-flash\"}")) {
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body("{\"model\":" + model + ",\"messages\":" + HELLO + "}")
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo("model"))
                    .body("error.message", containsString("'model' must be a non-empty string"));
        }
    }

    @Test
    void rejectsBodiesOverTheLimitWith413() {
        String big = "x".repeat(70_000);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big
                        + "\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("65536 bytes"));
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
        given().header("x-api-key", key.text())
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
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
    void rejectsUnsupportedParameterNamingIt() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"audio\":{\"voice\":\"x\"},\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("audio"))
                .body("error.code", equalTo("unsupported_parameter"));
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"n\":3,\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("n"));
    }

    @Test
    void rejectsACompressedBodyWith415NamingTheContentEncoding() throws java.io.IOException {
        String chat = "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,\"messages\":" + HELLO + "}";
        byte[] gzipped = gzip(chat);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .header("Content-Encoding", "gzip")
                .body(gzipped)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .header("Accept-Encoding", equalTo("identity"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unsupported_content_encoding"))
                .body("error.message", containsString("Content-Encoding `gzip`"));
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            given().header("x-api-key", key.text())
                    .header("anthropic-version", "2023-06-01")
                    .contentType("application/json")
                    .header("Content-Encoding", "br")
                    .body(gzipped)
                    .when()
                    .post(path)
                    .then()
                    .statusCode(415)
                    .body("type", equalTo("error"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.message", containsString("Content-Encoding `br`"));
        }
        // identity is no coding at all.
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .header("Content-Encoding", "identity")
                .body(chat)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void rejectsWrongContentTypeWith415() {
        given().auth()
                .oauth2(key.text())
                .contentType("text/plain")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"));
    }

    @Test
    void rejectsMissingMessagesAndWrongTypes() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\"}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("messages"));
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"stream\":\"yes\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("stream"));
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("[1,2]")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_json"));
    }

    @Test
    void passesTheHostsOwn4xxThroughWithoutCountingItAgainstThePod() {
        FakeHostsResource.PRO.defaultBehaviour(io.ascendant.gateway.fakehost.FakeModelHost.Behaviour.BAD_REQUEST_400);
        for (int i = 0; i < 6; i++) {
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-pro\",\"messages\":" + HELLO + "}")
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(400)
                    .body("error.message", containsString("maximum context length"))
                    // vLLM writes "type":"BadRequestError","code":400; tenants get OpenAI's type and a string code.
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("context_length_exceeded"))
                    .body("error.param", equalTo(null));
        }
        // The refusal is the request's one ledger row, FAILED with nothing counted: no charge, and the usage rollups
        // (request counts) leave it out (CountedRequests, UsageLedgerTest).
        String refused = given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .extract()
                .header("x-request-id");
        LedgerUsageSink.Metered m = metered.single(refused);
        assertThat(m.event().status()).isEqualTo(UsageStatus.FAILED);
        assertThat(m.event().promptCacheHitTokens()
                        + m.event().promptCacheMissTokens()
                        + m.event().completionTokens())
                .isZero();
        assertThat(m.rated().amount()).isZero();
        // Six host 4xx in a row: the breaker (window 4, ratio 0.5) would be open if they counted.
        FakeHostsResource.PRO.defaultBehaviour(io.ascendant.gateway.fakehost.FakeModelHost.Behaviour.NORMAL);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
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
