package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listings under a tenant answer a tenant id no tenant has as {@code GET /tenants/{id}} does: 404
 * {@code urn:ascendant:problem:not-found}, "tenant <id> does not exist". They used to answer 200 with an empty list, so
 * a mistyped id looked like a tenant with nothing in it. A suspended or closed tenant still lists normally, and a
 * tenant admin asking about another tenant id still gets the same 403 whether it exists or not.
 */
@QuarkusTest
class UnknownTenantListingsTest {

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-0000-0000-000000000000");

    /** The listings under a tenant, relative to the admin API, with {@code %s} for the tenant id. */
    private static final List<String> LISTINGS = List.of(
            "/tenants/%s/projects",
            "/tenants/%s/keys",
            "/tenants/%s/admins",
            "/tenants/%s/budgets",
            "/tenants/%s/audit",
            "/tenants/%s/quota-events",
            "/tenants/%s/shadow-limits",
            "/billing/tenants/%s/usage?from=2026-12-01&to=2026-12-02");

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
    }

    @Test
    void listingsOfAnUnknownTenantAreTheTenantsNotFoundProblem() {
        String expected = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + UNKNOWN)
                .then()
                .statusCode(404)
                .extract()
                .path("detail");
        for (String listing : LISTINGS) {
            given().auth()
                    .oauth2(fx.platformToken())
                    .when()
                    .get(TenancyFixtures.API + listing.formatted(UNKNOWN))
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:ascendant:problem:not-found"))
                    .body("title", equalTo("Not found"))
                    .body("detail", equalTo(expected))
                    .body("detail", equalTo("tenant " + UNKNOWN + " does not exist"));
        }
    }

    @Test
    void suspendedAndClosedTenantsStillList() {
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("quiet"));
        fx.suspendTenant(tenant);
        assertEveryListingAnswers(tenant, 200);
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/close")
                .then()
                .statusCode(200)
                .body("status", equalTo("CLOSED"));
        assertEveryListingAnswers(tenant, 200);
    }

    @Test
    void aTenantAdminAskingForAnUnknownTenantIsRefusedAsForAnotherTenant() {
        String slug = TenancyFixtures.uniqueSlug("own");
        fx.createTenant(slug);
        String token = fx.token(fx.tenantAdminOf(slug));
        for (String listing : List.of("/tenants/%s/projects", "/tenants/%s/keys", "/tenants/%s/budgets")) {
            given().auth()
                    .oauth2(token)
                    .when()
                    .get(TenancyFixtures.API + listing.formatted(UNKNOWN))
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    private void assertEveryListingAnswers(UUID tenant, int status) {
        for (String listing : LISTINGS) {
            given().auth()
                    .oauth2(fx.platformToken())
                    .when()
                    .get(TenancyFixtures.API + listing.formatted(tenant))
                    .then()
                    .statusCode(status);
        }
    }
}
