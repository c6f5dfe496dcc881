package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Instants and dates in the admin API: a value outside 1970 to 9999 (beyond what PostgreSQL and epoch-millisecond
 * arithmetic hold) is a 400 problem naming the field and the accepted range, in bodies and query parameters alike,
 * never a 500; an instant written as a number, in a string or not, is refused rather than read as epoch seconds.
 */
@QuarkusTest
class AdminInstantInputTest {

    private static final String API = "/admin/api/v1";
    private static final String PROBLEM = "application/problem+json";
    private static final String RANGE = "between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void refusesAPriceVersionEffectiveFromOutsideTheRangeNamingTheField() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (var c : List.of(
                new String[] {"+999999999-12-31T23:59:59Z", "999999999"},
                new String[] {"+294277-01-01T00:00:00Z", "294277"},
                new String[] {"+10000-01-01T00:00:00Z", "10000"},
                // PostgreSQL keeps microseconds and would round this one into the year 10000
                new String[] {"9999-12-31T23:59:59.9999999Z", "10000"},
                new String[] {"1969-12-31T23:59:59Z", "1969"})) {
            post(admin, API + "/billing/price-book", priceVersion("\"" + c[0] + "\""))
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("effectiveFrom"))
                    .body(
                            "detail",
                            equalTo("effectiveFrom: expected an instant " + RANGE + ", got one in the year " + c[1]));
        }
    }

    @Test
    void refusesAnEffectiveFromWrittenAsANumberQuotedOrNot() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (var c : List.of(
                new String[] {"\"1796124188\"", "a number in a string"}, new String[] {"1796124188", "a number"})) {
            post(admin, API + "/billing/price-book", priceVersion(c[0]))
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("effectiveFrom"))
                    .body(
                            "detail",
                            equalTo("effectiveFrom: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z, got "
                                    + c[1]));
        }
    }

    @Test
    void refusesAKeyExpiryOutsideTheRangeOnCreateAndRotate() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "far-expiry");
        String project = newProject(admin, tenant, "p");
        post(
                        admin,
                        API + "/tenants/" + tenant + "/projects/" + project + "/keys",
                        "{\"name\":\"k\",\"expiresAt\":\"+294277-01-01T00:00:00Z\"}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("expiresAt"))
                .body("detail", equalTo("expiresAt: expected an instant " + RANGE + ", got one in the year 294277"));
        String key = newKey(admin, tenant, project, "k").getString("key.id");
        for (String field : List.of("expiresAt", "oldKeyValidUntil")) {
            post(
                            admin,
                            API + "/tenants/" + tenant + "/keys/" + key + "/rotate",
                            "{\"" + field + "\":\"+999999999-12-31T23:59:59Z\"}")
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo(field))
                    .body(
                            "detail",
                            equalTo(field + ": expected an instant " + RANGE + ", got one in the year 999999999"));
        }
        post(admin, API + "/tenants/" + tenant + "/keys/" + key + "/rotate", "{\"expiresAt\":\"9999-12-31T23:59:59Z\"}")
                .statusCode(201);
    }

    @Test
    void refusesAuditAndUsageQueryBoundsOutsideTheRangeNamingTheParameter() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "far-query");
        given().auth()
                .oauth2(admin)
                .queryParam("since", "+294277-01-01T00:00:00Z")
                .when()
                .get(API + "/tenants/" + tenant + "/audit")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("since"))
                .body("detail", equalTo("since must be an ISO-8601 instant " + RANGE + ", got one in the year 294277"));
        given().auth()
                .oauth2(admin)
                .queryParam("until", "1900-01-01T00:00:00Z")
                .when()
                .get(API + "/audit")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("until"));
        given().auth()
                .oauth2(admin)
                .queryParam("from", "2026-01-01")
                .queryParam("to", "+294277-01-01")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage/summary")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("to"))
                .body(
                        "detail",
                        equalTo("to must be an ISO date between 1970-01-01 and 9999-12-31, got one in the year"
                                + " 294277"));
    }

    /** A tenant price override of a tenant that does not exist: refused before the tenant is looked up. */
    static String priceVersion(String effectiveFrom) {
        return "{\"model\":\"deepseek-v4-pro\",\"currency\":\"USD\",\"tenantId\":\"" + UUID.randomUUID()
                + "\",\"effectiveFrom\":" + effectiveFrom
                + ",\"rates\":{\"cacheHit\":\"0.01\",\"cacheMiss\":\"0.5\",\"output\":\"1.5\"}}";
    }

    static ValidatableResponse post(String token, String path, String body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .when()
                .post(path)
                .then();
    }
}
