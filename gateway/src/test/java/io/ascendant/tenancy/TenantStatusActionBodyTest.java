package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Suspend, activate and close take no fields; a body sent anyway is read as strictly as other admin bodies. Before,
 * {@code {not json} and {@code {"reason":5}} were ignored and the tenant was suspended with a 200. Also: a status
 * filter that names no status lists the statuses it takes.
 */
@QuarkusTest
class TenantStatusActionBodyTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
    }

    @Test
    void refusesABodyThatIsNotJsonAndLeavesTheTenantAsItWas() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("nojson"));

        post(tenant, "suspend", "{not json")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"));

        assertStatus(tenant, "ACTIVE");
    }

    @Test
    void refusesAFieldNamingItAndLeavesTheTenantAsItWas() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("reason"));

        post(tenant, "suspend", "{\"reason\":5}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("reason"))
                .body("detail", containsString("this request takes no fields"));
        assertStatus(tenant, "ACTIVE");

        fx.suspendTenant(tenant);
        post(tenant, "activate", "{\"reason\":\"paid\"}").statusCode(400).body("field", equalTo("reason"));
        assertStatus(tenant, "SUSPENDED");
    }

    @Test
    void acceptsNoBodyOrAnEmptyObject() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("empty"));

        post(tenant, "suspend", "{}").statusCode(200).body("status", equalTo("SUSPENDED"));
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/activate")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"));
    }

    @Test
    void anUnknownStatusFilterListsTheStatuses() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("filter"));

        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("status", "BOGUS")
                .when()
                .get(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("status"))
                .body("detail", equalTo("status must be one of ACTIVE, SUSPENDED, CLOSED"));
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("status", "BOGUS")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(400)
                .body("field", equalTo("status"))
                .body("detail", equalTo("status must be one of ACTIVE, REVOKED, EXPIRED"));
    }

    private io.restassured.response.ValidatableResponse post(UUID tenant, String action, String body) {
        return given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/" + action)
                .then();
    }

    private void assertStatus(UUID tenant, String status) {
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant)
                .then()
                .statusCode(200)
                .body("status", equalTo(status));
    }
}
