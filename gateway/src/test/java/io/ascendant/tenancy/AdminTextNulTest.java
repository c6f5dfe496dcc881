package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Admin free text that PostgreSQL stores refuses U+0000 (PostgreSQL answers SQLSTATE 22021, which surfaced as a 500)
 * with a 400 problem naming the field; names also refuse other control characters, like project and key names.
 */
@QuarkusTest
class AdminTextNulTest {

    private static final String NUL = "a\u0000b";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void refusesATenantDisplayNameWithNulAndStoresNothing() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        String slug = TenancyFixtures.uniqueSlug("nul");

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", NUL, "currency", "USD", "timeZone", "UTC"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("displayName"));

        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("q", slug)
                .when()
                .get(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        // The organization is created after validation: the same slug is still free.
        fx.createTenant(slug);
    }

    @Test
    void refusesATenantDisplayNameWithALineBreakOnUpdate() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("ctl"));

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("displayName", "two\nlines"))
                .when()
                .patch(TenancyFixtures.API + "/tenants/" + tenant)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("displayName"))
                .body("detail", containsString("control characters"));
    }

    @Test
    void refusesAProjectDescriptionWithNulButKeepsLineBreaks() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("desc"));
        String projects = TenancyFixtures.API + "/tenants/" + tenant + "/projects";

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "p", "description", NUL))
                .when()
                .post(projects)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("description"));

        String id = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "p", "description", "line one\nline two"))
                .when()
                .post(projects)
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("description", NUL))
                .when()
                .patch(projects + "/" + id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("description"));
    }

    @Test
    void refusesAPlanDescriptionWithNul() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("code", TenancyFixtures.uniqueSlug("plan"), "name", "Plan", "description", NUL))
                .when()
                .post(TenancyFixtures.API + "/plans")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("description"));
    }
}
