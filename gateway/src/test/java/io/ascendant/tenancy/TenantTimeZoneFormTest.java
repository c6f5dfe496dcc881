package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's time zone is stored in a form the console's browser {@code Intl} accepts: a prefixed offset such as
 * {@code GMT+3} was stored as {@code GMT+03:00}, which {@code Intl} rejects, and the usage page failed on it.
 */
@QuarkusTest
class TenantTimeZoneFormTest {

    private static final String API = AdminFixtures.API;

    @InjectKeycloak
    KeycloakTokens keycloak;

    private String token;

    @BeforeEach
    void setUp() {
        token = keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void storesPrefixedOffsetAsPlainOffsetOnTenantAndBillingAccount() {
        String tenant = AdminFixtures.newTenant(token, "tz-gmt", "Tenant GMT+3", "USD", "GMT+3");

        assertZone(tenant, "+03:00");

        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("timeZone", "UTC+5"))
                .when()
                .patch(API + "/tenants/" + tenant)
                .then()
                .statusCode(200)
                .body("timeZone", equalTo("+05:00"));
        assertZone(tenant, "+05:00");
    }

    private void assertZone(String tenant, String zone) {
        given().auth()
                .oauth2(token)
                .when()
                .get(API + "/tenants/" + tenant)
                .then()
                .statusCode(200)
                .body("timeZone", equalTo(zone));
        given().auth()
                .oauth2(token)
                .when()
                .get(API + "/billing/tenants/" + tenant + "/account")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo(zone));
    }
}
