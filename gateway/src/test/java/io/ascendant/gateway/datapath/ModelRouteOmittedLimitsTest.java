package io.ascendant.gateway.datapath;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.deleteModelIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putModel;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * A model route PUT without {@code maxOutputTokens} / {@code contextLength} keeps the limits of the route it replaces
 * (stored, else static); it used to reset them to 65536 / 1048576, advertising a window the hosts refuse. The test
 * profile's static {@code deepseek-v4-flash} has {@code max-output-tokens=8192} ({@code FakeHostsResource}).
 */
@QuarkusTest
class ModelRouteOmittedLimitsTest {

    private static final String STATIC_MODEL = "deepseek-v4-flash";

    @InjectKeycloak
    KeycloakTokens keycloak;

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void routeReplacingAStaticOneWithoutLimitsKeepsTheStaticLimits() {
        try {
            putModel(admin(), STATIC_MODEL, "{\"pool\":\"flash\",\"aliases\":[\"flash-latest\"]}")
                    .statusCode(201)
                    .body("source", equalTo("ADMIN"))
                    .body("maxOutputTokens", equalTo(8192))
                    .body("contextLength", equalTo(1_048_576));
        } finally {
            deleteModelIfStored(admin(), STATIC_MODEL);
        }
    }

    @Test
    void storedRouteReplacedWithoutLimitsKeepsItsLimits() {
        try {
            putModel(
                            admin(),
                            STATIC_MODEL,
                            "{\"pool\":\"flash\",\"aliases\":[\"flash-latest\"],\"maxOutputTokens\":2048,"
                                    + "\"contextLength\":8192}")
                    .statusCode(201);
            putModel(admin(), STATIC_MODEL, "{\"pool\":\"flash\",\"aliases\":[\"flash-latest\"]}")
                    .statusCode(200)
                    .body("maxOutputTokens", equalTo(2048))
                    .body("contextLength", equalTo(8192));
            putModel(
                            admin(),
                            STATIC_MODEL,
                            "{\"pool\":\"flash\",\"aliases\":[\"flash-latest\"],\"contextLength\":4096}")
                    .statusCode(200)
                    .body("maxOutputTokens", equalTo(2048))
                    .body("contextLength", equalTo(4096));
        } finally {
            deleteModelIfStored(admin(), STATIC_MODEL);
        }
    }
}
