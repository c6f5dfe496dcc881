package io.ascendant.gateway.datapath;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.addListPricesFor;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.deleteModelIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.deletePool;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putModel;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putPool;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.storedRouteCount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The names and price tier of an admin-managed route are checked before it is stored: an alias listed twice or equal
 * to the model's own name, a name that is already another model's alias, and a price tier without a list price are
 * refused as problem details naming the field, and nothing is stored.
 */
@QuarkusTest
class CatalogueRouteNamesTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void refusesAnAliasListedTwiceOrEqualToTheModelsOwnNameWithoutStoringIt() throws Exception {
        putPool(admin(), "names-pool");
        try {
            putModel(
                            admin(),
                            "plain-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"pm\",\"pm\"]}")
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("aliases"))
                    .body("detail", containsString("'pm'"));
            putModel(
                            admin(),
                            "plain-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"plain-mini\"]}")
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("aliases"))
                    .body("detail", containsString("'plain-mini'"));
            assertThat(storedRouteCount(dataSource, "plain-mini")).isZero();
        } finally {
            deletePool(admin(), "names-pool");
        }
    }

    @Test
    void refusesAModelNameThatIsAlreadyAnotherModelsAlias() throws Exception {
        putPool(admin(), "names-pool");
        try {
            putModel(
                            admin(),
                            "acme-v4-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"mini\"]}")
                    .statusCode(201);
            putModel(admin(), "mini", "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("field", equalTo("name"))
                    .body("detail", containsString("'acme-v4-mini'"));
            assertThat(storedRouteCount(dataSource, "mini")).isZero();
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get("/admin/api/v1/models/acme-v4-mini")
                    .then()
                    .statusCode(200)
                    .body("aliases", hasItem("mini"));
        } finally {
            deleteModelIfStored(admin(), "acme-v4-mini");
            deletePool(admin(), "names-pool");
        }
    }

    @Test
    void refusesARouteWhosePriceTierHasNoListPriceAndSaysHowToAddOne() throws Exception {
        putPool(admin(), "tier-pool");
        try {
            putModel(admin(), "tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"free-tokens\"}")
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("field", equalTo("priceTier"))
                    .body("detail", containsString("'free-tokens'"))
                    .body("detail", containsString("/admin/api/v1/billing/price-book"));
            // the default tier is the public name, which has no price either
            putModel(admin(), "tier-model", "{\"pool\":\"tier-pool\"}")
                    .statusCode(409)
                    .body("field", equalTo("priceTier"));
            assertThat(storedRouteCount(dataSource, "tier-model")).isZero();

            putModel(admin(), "tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(201);
            putModel(admin(), "tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"free-tokens\"}")
                    .statusCode(409)
                    .body("field", equalTo("priceTier"));
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get("/admin/api/v1/models/tier-model")
                    .then()
                    .statusCode(200)
                    .body("priceTier", equalTo("deepseek-v4-flash"));

            addListPricesFor(admin(), "priced-later");
            putModel(admin(), "tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"priced-later\"}")
                    .statusCode(200)
                    .body("priceTier", equalTo("priced-later"));
        } finally {
            deleteModelIfStored(admin(), "tier-model");
            deletePool(admin(), "tier-pool");
        }
    }
}
