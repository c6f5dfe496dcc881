package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.metering.LedgerUsageSink;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of a bad request parameter (model, max_tokens, messages, unsupported fields) is precise, in the
 * OpenAI error shape, and never a 500; the host's own 4xx passes through without counting against the pod. Malformed
 * bodies are {@link MalformedRequestBodyTest}'s, URLs, methods and paths {@link RequestRoutingErrorTest}'s.
 */
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
    void rejectsAWholeNumberNotWrittenAsAnIntegerTellingHowToWriteIt() {
        for (String value : List.of("1e3", "1000.0", "2.0")) {
            maxTokens(value, "'max_tokens' must be a positive integer, written as a JSON integer (1000, not 1e3).");
        }
    }

    @Test
    void rejectsAFractionStringOrBooleanMaxTokensWithoutTheExponentHint() {
        for (String value : List.of("1.5", "\"5\"", "\"8\"", "true", "\"2\"", "-1.5")) {
            maxTokens(value, "'max_tokens' must be a positive integer.");
        }
    }

    private void maxTokens(String value, String message) {
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
                .body("error.message", equalTo(message));
    }

    @Test
    void rejectsAZeroOrNegativeOutputLimitAsBelowOneNotAsANonInteger() {
        for (String param : List.of("max_tokens", "max_completion_tokens")) {
            for (String value : List.of("0", "-5", "-99999999999999999999")) {
                given().auth()
                        .oauth2(key.text())
                        .contentType("application/json")
                        .body("{\"model\":\"deepseek-v4-flash\",\"" + param + "\":" + value + ",\"messages\":" + HELLO
                                + "}")
                        .when()
                        .post("/v1/chat/completions")
                        .then()
                        .statusCode(400)
                        .body("error.type", equalTo("invalid_request_error"))
                        .body("error.param", equalTo(param))
                        .body("error.code", equalTo("invalid_value"))
                        .body("error.message", equalTo("'" + param + "' must be at least 1, got " + value + "."));
            }
        }
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

    private void refused(String fields, String param, String code, String message) {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\"," + fields + ",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.code", equalTo(code))
                .body("error.message", equalTo(message));
    }

    @Test
    void rejectsNBelowOneAsBelowOneNotAsSeveralChoices() {
        refused("\"n\":0", "n", "invalid_value", "'n' must be at least 1, got 0 (only 1 is supported).");
        refused("\"n\":-2", "n", "invalid_value", "'n' must be at least 1, got -2 (only 1 is supported).");
        refused("\"n\":\"1\"", "n", "invalid_type", "'n' must be an integer (only 1 is supported).");
        refused(
                "\"n\":2",
                "n",
                "unsupported_parameter",
                "Unsupported parameter: 'n' must be 1; several choices per request are not supported.");
    }

    @Test
    void rejectsStandardOpenAiFieldsTheHostsDoNotImplementAsUnsupportedNotUnknown() {
        for (String field : List.of("\"logit_bias\":{\"50256\":-100}", "\"best_of\":2", "\"suffix\":\"end\"")) {
            String name = field.substring(1, field.indexOf('"', 1));
            refused(
                    field,
                    name,
                    "unsupported_parameter",
                    "Unsupported parameter: '" + name + "' is not supported by this gateway.");
        }
    }

    @Test
    void rejectsAResponseFormatThatIsNotAnObjectSayingSo() {
        refused(
                "\"response_format\":\"json\"",
                "response_format",
                "invalid_type",
                "'response_format' must be an object, such as {\"type\": \"text\"}.");
    }

    @Test
    void rejectsAUserThatIsNotAString() {
        refused("\"user\":5", "user", "invalid_type", "'user' must be a string.");
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
        FakeHostsResource.PRO.defaultBehaviour(FakeModelHost.Behaviour.BAD_REQUEST_400);
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
        FakeHostsResource.PRO.defaultBehaviour(FakeModelHost.Behaviour.NORMAL);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }
}
