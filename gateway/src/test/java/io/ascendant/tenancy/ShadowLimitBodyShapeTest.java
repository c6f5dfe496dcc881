package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow limits take their values flat, while {@code PUT .../limits} nests them under {@code limits}. A shadow limit
 * sent in the nested form used to be stored without any value (the unknown {@code limits} was ignored); it is now a
 * 400 naming {@code limits}, and the flat form works.
 */
@QuarkusTest
class ShadowLimitBodyShapeTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;
    private UUID tenant;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("shadowshape"));
    }

    @Test
    void refusesTheNestedFormOfPutLimitsAndStoresNothing() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "scope",
                        "TENANT",
                        "ownerId",
                        tenant.toString(),
                        "model",
                        "*",
                        "limits",
                        Map.of("requestsPerMinute", 60)))
                .when()
                .post(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("limits"))
                .body("detail", containsString("flat"));
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(200)
                .body("$", hasSize(0));
    }

    @Test
    void acceptsTheFlatForm() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "model", "*", "requestsPerMinute", 60))
                .when()
                .post(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].limit.requestsPerMinute", equalTo(60))
                .body("[0].limit.limits", equalTo(null));
    }
}
