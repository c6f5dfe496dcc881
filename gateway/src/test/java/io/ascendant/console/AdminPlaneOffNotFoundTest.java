package io.ascendant.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** On a data-plane-only replica the admin paths are unknown: a 404 problem document naming the path, not an empty 404. */
@QuarkusTest
@TestProfile(AdminOffProfile.class)
class AdminPlaneOffNotFoundTest {

    @Test
    void adminPathsAreA404ProblemNamingThePath() {
        for (String path : new String[] {"/admin", "/admin/", "/admin/console/app.js", "/admin/api/v1/tenants"}) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("urn:ascendant:problem:not-found"))
                    .body("status", equalTo(404))
                    .body("detail", containsString("GET " + path + "."));
        }
    }
}
