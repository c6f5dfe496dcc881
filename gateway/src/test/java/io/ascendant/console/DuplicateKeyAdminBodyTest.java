package io.ascendant.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An admin body that repeats a key is refused naming the key, instead of silently keeping the last value. */
@QuarkusTest
class DuplicateKeyAdminBodyTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void refusesATenantBodyThatRepeatsTheSlug() {
        String token = keycloak.accessToken(keycloak.platformAdmin());
        String a = "dupkey-a-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "dupkey-b-" + UUID.randomUUID().toString().substring(0, 6);

        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"slug\":\"" + a + "\",\"slug\":\"" + b
                        + "\",\"displayName\":\"Dup\",\"currency\":\"USD\",\"timeZone\":\"UTC\"}")
                .when()
                .post("/admin/api/v1/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("field", equalTo("slug"))
                .body("detail", containsString("field `slug` appears more than once"));

        for (String slug : new String[] {a, b}) {
            given().auth()
                    .oauth2(token)
                    .queryParam("q", slug)
                    .when()
                    .get("/admin/api/v1/tenants")
                    .then()
                    .statusCode(200)
                    .body("items.size()", equalTo(0));
        }
    }

    @Test
    void refusesARepeatedCurrencyNamingIt() {
        String token = keycloak.accessToken(keycloak.platformAdmin());

        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body("{\"slug\":\"dupkey-n\",\"displayName\":\"Dup\",\"currency\":\"USD\",\"currency\":\"EUR\","
                        + "\"timeZone\":\"UTC\"}")
                .when()
                .post("/admin/api/v1/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("currency"));
    }
}
