package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant's currency must be one the price book prices (the seeded list prices are USD and CNY): a tenant in another
 * currency would have every request recorded unpriced, and its currency never changes.
 */
@QuarkusTest
class TenantCurrencyTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void refusesATenantInACurrencyWithoutListPricesNamingThePricedOnes() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        String slug = TenancyFixtures.uniqueSlug("euro");

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Euro", "currency", "EUR", "timeZone", "Europe/Paris"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("currency"))
                .body("detail", containsString("EUR"))
                .body("detail", containsString("CNY, USD"));

        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("q", slug)
                .when()
                .get(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void createsATenantInAPricedCurrency() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);

        fx.createTenant(TenancyFixtures.uniqueSlug("yuan"));
    }
}
