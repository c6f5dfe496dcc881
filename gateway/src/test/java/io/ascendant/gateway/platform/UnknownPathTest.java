package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A path nothing serves is a 404 with a body in the shape of the API it addresses (OpenAI's under {@code /v1/},
 * Anthropic's under {@code /anthropic/}, a problem document naming the path everywhere else), never an empty 404;
 * Quarkus' own endpoints and the console's files are still served.
 */
@QuarkusTest
class UnknownPathTest {

    @Inject
    TestKeys keys;

    @Test
    void unknownPathOutsideTheApisIsA404ProblemNamingThePath() {
        for (String path : List.of("/", "/v2/models", "/q/nope")) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("urn:ascendant:problem:not-found"))
                    .body("title", equalTo("Not found"))
                    .body("status", equalTo(404))
                    .body("detail", containsString("GET " + path + "."));
        }
        given().when()
                .post("/v2/chat/completions")
                .then()
                .statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("POST /v2/chat/completions"));
    }

    @Test
    void unknownAnthropicPathIsA404InAnthropicsShape() {
        given().header("x-api-key", keys.create(Set.of()).text())
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/anthropic/v1/messages")
                .then()
                .statusCode(404)
                .contentType(startsWith("application/json"))
                .body("type", equalTo("error"))
                .body("error.type", equalTo("not_found_error"))
                .body("error.message", containsString("Invalid URL (POST /anthropic/v1/messages)"))
                .body("error.message", containsString("/v1/messages"));
    }

    @Test
    void unknownTenantPathIsA404InOpenAisShape() {
        given().auth()
                .oauth2(keys.create(Set.of()).text())
                .when()
                .get("/v1/nope")
                .then()
                .statusCode(404)
                .contentType(startsWith("application/json"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unknown_url"))
                .body("error.param", equalTo(null))
                .body("error.message", startsWith("Invalid URL (GET /v1/nope)"));
    }

    @Test
    void quarkusEndpointsAndConsoleFilesAreStillServed() {
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("openapi:"));
        given().when().get("/admin/").then().statusCode(200).contentType(startsWith("text/html"));
        given().when().get("/admin/console/app.js").then().statusCode(200).body(not(emptyOrNullString()));
    }
}
