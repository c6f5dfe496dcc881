package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code anthropic-version} on {@code /v1/messages} and {@code /v1/messages/count_tokens}: the versions Anthropic
 * documents ({@code 2026-10-21}, which the Java SDK 3.x sends, {@code 2023-06-01}, {@code 2023-01-01}) are served; any other value is a 400 naming the header, the value
 * and the accepted versions, before anything reaches a host; a missing header is a 400 as before.
 */
@QuarkusTest
class AnthropicVersionHeaderTest {
    private static final String BODY =
            "{\"model\":\"deepseek-v4-pro\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String COUNT_BODY =
            "{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Inject
    AnthropicRequests anthropic;

    @BeforeEach
    void setUp() {
        anthropic.start();
    }

    @Test
    void refusesAVersionAnthropicDoesNotDocumentNamingTheHeaderTheValueAndTheAcceptedVersions() {
        for (String version : List.of("2024-01-01", "2023-6-1", "2026-10-22", "latest", "")) {
            for (String[] call : new String[][] {{"/v1/messages", BODY}, {"/v1/messages/count_tokens", COUNT_BODY}}) {
                given().header("x-api-key", anthropic.key().text())
                        .header("anthropic-version", version)
                        .contentType("application/json")
                        .body(call[1])
                        .when()
                        .post(call[0])
                        .then()
                        .statusCode(400)
                        .body("type", equalTo("error"))
                        .body("error.type", equalTo("invalid_request_error"))
                        .body(
                                "error.message",
                                equalTo("anthropic-version: '" + version + "' is not a supported version;"
                                        + " accepted versions: 2026-10-21, 2023-06-01, 2023-01-01."));
            }
        }
        assertThat(FakeHostsResource.PRO.received()).isEmpty();
    }

    @Test
    void servesBothVersionsAnthropicDocuments() {
        for (String version : List.of("2026-10-21", "2023-06-01", "2023-01-01")) {
            given().header("x-api-key", anthropic.key().text())
                    .header("anthropic-version", version)
                    .contentType("application/json")
                    .body(BODY)
                    .when()
                    .post("/v1/messages")
                    .then()
                    .statusCode(200)
                    .body("type", equalTo("message"));
            given().header("x-api-key", anthropic.key().text())
                    .header("anthropic-version", version)
                    .contentType("application/json")
                    .body(COUNT_BODY)
                    .when()
                    .post("/v1/messages/count_tokens")
                    .then()
                    .statusCode(200);
        }
        assertThat(FakeHostsResource.PRO.received()).hasSize(3);
    }

    @Test
    void stillRefusesAMissingVersionAsRequired() {
        given().header("x-api-key", anthropic.key().text())
                .contentType("application/json")
                .body(BODY)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("anthropic-version: header is required."));
    }
}
