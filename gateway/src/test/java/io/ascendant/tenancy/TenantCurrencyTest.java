package io.ascendant.tenancy;

import static org.hamcrest.Matchers.containsString;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
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

        fx.refuseTenantInCurrency(slug, "EUR")
                .body("detail", containsString("EUR"))
                .body("detail", containsString("CNY, USD"));
    }

    @Test
    void createsATenantInAPricedCurrency() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);

        fx.createTenant(TenancyFixtures.uniqueSlug("yuan"));
    }
}
