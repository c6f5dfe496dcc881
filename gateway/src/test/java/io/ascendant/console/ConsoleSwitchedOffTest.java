package io.ascendant.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A data-plane-only replica ({@code ADMIN_ENABLED=false}): the console does not load in the browser, every admin path
 * answers 404 even with a valid admin token, and the tenant API is still served.
 */
@QuarkusTest
@TestProfile(AdminOffProfile.class)
class ConsoleSwitchedOffTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @TestHTTPResource("/admin/")
    URL console;

    @Test
    void consoleAndAdminApiAreOffOnADataPlaneReplica() {
        try (ConsoleBrowser b = new ConsoleBrowser()) {
            b.driver.get(console.toString());
            // No redirect to Keycloak's login page and none of the console's page.
            assertThat(b.driver.getCurrentUrl()).isEqualTo(console.toString());
            assertThat(b.driver.findElements(By.id("main"))).isEmpty();
            assertThat(b.driver.getPageSource()).doesNotContain("Ascendant console", "keycloak");
            b.screenshot("console-switched-off");
        }
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (String path : new String[] {
            "/admin", "/admin/", "/admin/index.html", "/admin/console/app.js", "/admin/console/config.json"
        }) {
            given().when().get(path).then().statusCode(404);
        }
        given().auth().oauth2(admin).when().get("/admin/api/v1/tenants").then().statusCode(404);
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"slug\":\"off\",\"displayName\":\"Off\",\"currency\":\"USD\",\"timeZone\":\"UTC\"}")
                .when()
                .post("/admin/api/v1/tenants")
                .then()
                .statusCode(404);
        // The data plane still answers: a tenant path without a key is refused (401), not missing (404).
        given().when().get("/v1/invoices").then().statusCode(401);
    }
}
