package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quarkus' read-only endpoints (OpenAPI, health, metrics) serve GET and HEAD only: another method is a 405 with
 * {@code Allow} in {@code application/problem+json}, not the document with a 200.
 */
@QuarkusTest
class PlatformEndpointMethodsTest {

    @Test
    void postToTheOpenApiDocumentIsA405ProblemWithAllow() {
        given().contentType("application/json")
                .body("{}")
                .when()
                .post("/q/openapi")
                .then()
                .statusCode(405)
                .header("Allow", "GET, HEAD, OPTIONS")
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:ascendant:problem:method-not-allowed"))
                .body("status", equalTo(405))
                .body("detail", containsString("POST is not allowed on /q/openapi"));
    }

    @Test
    void otherMethodsOnHealthAndMetricsAre405WithAllow() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/openapi.json")) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                given().when()
                        .request(method, path)
                        .then()
                        .statusCode(405)
                        .header("Allow", "GET, HEAD, OPTIONS")
                        .contentType(startsWith("application/problem+json"))
                        .body("detail", containsString(method + " is not allowed on " + path));
            }
        }
    }

    @Test
    void getHeadAndOptionsAreStillServed() {
        given().when().get("/q/openapi").then().statusCode(200);
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("openapi", startsWith("3."));
        given().when().get("/q/openapi.json").then().statusCode(200).body("openapi", startsWith("3."));
        given().when().head("/q/openapi").then().statusCode(200);
        given().when().head("/q/health").then().statusCode(200);
        given().when().options("/q/openapi").then().statusCode(204).header("Allow", "GET, HEAD, OPTIONS");
    }
}
