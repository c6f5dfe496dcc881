package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.fakehost.FakeModelHost;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/chat/completions} refuses tool definitions OpenAI's API refuses (no {@code function}, a name
 * outside a-z, A-Z, 0-9, {@code _}, {@code -} and 64 characters, {@code parameters} that are not a JSON object) in the
 * OpenAI error shape naming the field, before anything reaches a host; a well-formed definition still passes.
 */
@QuarkusTest
class ChatToolsValidationTest {

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

    private ValidatableResponse chat(String tools) {
        return given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"tools\":" + tools + "}")
                .when()
                .post("/v1/chat/completions")
                .then();
    }

    private void refused(String tools, String param, String code, String message) {
        chat(tools)
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.code", equalTo(code))
                .body("error.message", equalTo(message));
    }

    private static int hostRequests() {
        return FakeHostsResource.FLASH.stream()
                .map(FakeModelHost::received)
                .mapToInt(List::size)
                .sum();
    }

    private static final String BAD_NAME = "Invalid 'tools[0].function.name': must be a string of 1 to 64 characters"
            + " a-z, A-Z, 0-9, underscores and dashes.";

    @Test
    void refusesAFunctionNameOutsideOpenAisCharactersOrLength() {
        refused(
                "[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\",\"parameters\":{}}}]",
                "tools[0].function.name",
                "invalid_value",
                BAD_NAME);
        refused(
                "[{\"type\":\"function\",\"function\":{\"name\":\"" + "a".repeat(65) + "\"}}]",
                "tools[0].function.name",
                "invalid_value",
                BAD_NAME);
        refused(
                "[{\"type\":\"function\",\"function\":{\"name\":5}}]",
                "tools[0].function.name",
                "invalid_value",
                BAD_NAME);
        assertThat(hostRequests()).isZero();
    }

    @Test
    void refusesParametersThatAreNotAJsonObject() {
        refused(
                "[{\"type\":\"function\",\"function\":{\"name\":\"ok\",\"parameters\":{}}},"
                        + "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":\"x\"}}]",
                "tools[1].function.parameters",
                "invalid_type",
                "'tools[1].function.parameters' must be a JSON object (a JSON Schema).");
        assertThat(hostRequests()).isZero();
    }

    @Test
    void refusesAToolWithoutFunctionOrName() {
        refused(
                "[{\"type\":\"function\"}]",
                "tools[0].function",
                "missing_required_parameter",
                "Missing required parameter: 'tools[0].function'.");
        refused(
                "[{\"type\":\"function\",\"function\":{\"parameters\":{}}}]",
                "tools[0].function.name",
                "missing_required_parameter",
                "Missing required parameter: 'tools[0].function.name'.");
        refused(
                "[{\"function\":{\"name\":\"f\"}}]",
                "tools[0].type",
                "missing_required_parameter",
                "Missing required parameter: 'tools[0].type'.");
        refused("[\"f\"]", "tools[0]", "invalid_type", "'tools[0]' must be an object.");
        refused("{}", "tools", "invalid_type", "'tools' must be an array.");
        assertThat(hostRequests()).isZero();
    }

    @Test
    void acceptsAWellFormedFunction() {
        chat("[{\"type\":\"function\",\"function\":{\"name\":\"get-weather_2\",\"description\":\"Weather.\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":false}}]")
                .statusCode(200);
        assertThat(hostRequests()).isEqualTo(1);
    }
}
