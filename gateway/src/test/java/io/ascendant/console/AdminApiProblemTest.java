package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.billing.BillingFixtures;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The admin API's error contract where the HTTP layer or JAX-RS decide (401, 403, unknown JSON fields, unconvertible
 * path parameters). The console's server-side figures are in {@link ConsoleFiguresTest}.
 */
@QuarkusTest
class AdminApiProblemTest {

    private static final String API = "/admin/api/v1";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    UsageLedger ledger;

    @Test
    void missingOrInvalidTokenIsA401Problem() {
        given().when()
                .get(API + "/tenants")
                .then()
                .statusCode(401)
                .contentType(startsWith(PROBLEM))
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("urn:ascendant:problem:unauthenticated"))
                .body("detail", containsString("bearer token"));
        given().auth()
                .oauth2("not.a.token")
                .when()
                .get(API + "/tenants")
                .then()
                .statusCode(401)
                .contentType(startsWith(PROBLEM))
                .body("type", equalTo("urn:ascendant:problem:unauthenticated"));
    }

    @Test
    void roleWithoutTheRightIsA403Problem() {
        String viewer = keycloak.accessToken(keycloak.billingViewer());
        given().auth()
                .oauth2(viewer)
                .contentType("application/json")
                .body("{\"slug\":\"nope-" + UUID.randomUUID().toString().substring(0, 6)
                        + "\",\"displayName\":\"Nope\",\"currency\":\"USD\",\"timeZone\":\"UTC\"}")
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(403)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(403))
                .body("type", equalTo("urn:ascendant:problem:forbidden"));
        String none = keycloak.accessToken(keycloak.noRoles());
        given().auth()
                .oauth2(none)
                .when()
                .get(API + "/billing/price-book")
                .then()
                .statusCode(403)
                .contentType(startsWith(PROBLEM))
                .body("type", equalTo("urn:ascendant:problem:forbidden"));
    }

    @Test
    void unknownFieldInAnAdminBodyIsA400NamingIt() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String slug = "strict-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"slug\":\"" + slug + "\",\"displayName\":\"Strict\",\"currency\":\"USD\","
                        + "\"timeZone\":\"UTC\",\"budgetAmout\":\"5\"}")
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("budgetAmout"))
                .body("detail", containsString("unknown field budgetAmout"));
        // Nothing was created by the refused request.
        given().auth()
                .oauth2(admin)
                .queryParam("q", slug)
                .when()
                .get(API + "/tenants")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        // Nested unknown fields are named by their path.
        String tenant = newTenant(admin, "nested");
        putLimits(admin, tenant, "{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":5,\"rpm\":5}}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limits.rpm"));
    }

    @Test
    void fractionalStringOrBooleanInAnIntegerFieldIsA400NamingItAndStoresNothing() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "ints");
        Map<String, String> refused = Map.of(
                "1.5", "1.5",
                "2.0", "2.0",
                "\"5\"", "a string",
                "true", "a boolean");
        refused.forEach((value, got) -> putLimits(
                        admin, tenant, "{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":" + value + "}}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(400))
                .body("field", equalTo("limits.requestsPerMinute"))
                .body(
                        "detail",
                        equalTo("limits.requestsPerMinute: expected "
                                + (got.equals("a string")
                                        ? "a whole number written as a JSON integer (100, not \"100\"), got a"
                                                + " string (only money amounts are accepted as decimal strings)"
                                        : got.equals("2.0")
                                                ? "a whole number written as a JSON integer (2, not 2.0), got 2.0"
                                                : "a whole number, got " + got))));
        // A long field (tokens) likewise; a fractional budget amount (money) stays valid.
        putLimits(admin, tenant, "{\"model\":\"*\",\"limits\":{\"budgetPeriod\":\"DAY\",\"budgetTokens\":1000.5}}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limits.budgetTokens"));
        // Nothing was stored by the refused requests.
        assertNoLimitsStored(admin, tenant);
        putLimits(
                        admin,
                        tenant,
                        "{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":5,\"budgetPeriod\":\"DAY\","
                                + "\"budgetAmount\":1.5}}")
                .statusCode(200)
                .body("limits.requestsPerMinute", equalTo(5));
    }

    @Test
    void malformedPercentEncodingInTheUrlIsA400Problem() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (String target : List.of(API + "/tenants/%zz", API + "/tenants?q=%zz", API + "/tenants/%E0%A4%A")) {
            RawHttp.Answer a = RawHttp.send("GET", target, Map.of("Authorization", "Bearer " + admin), null);
            assertThat(a.status()).as(target).isEqualTo(400);
            assertThat(a.contentType()).startsWith(PROBLEM);
            JsonPath p = a.json();
            assertThat(p.getString("type")).isEqualTo("urn:ascendant:problem:invalid-input");
            assertThat(p.getInt("status")).isEqualTo(400);
            assertThat(p.getString("detail"))
                    .startsWith("The request URL is malformed: the '%' at character")
                    .endsWith("must start a percent-escape of two hexadecimal digits (write a literal '%' as %25).");
        }
        // Before authentication too: never Quarkus' empty 400.
        RawHttp.Answer anonymous = RawHttp.send("GET", API + "/tenants/%zz", Map.of(), null);
        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(anonymous.contentType()).startsWith(PROBLEM);
        assertThat(anonymous.json().getString("detail")).contains("character 23");
    }

    @Test
    void malformedJsonIsA400SayingWhereAndWhyInOwnWords() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"slug\":\"x\",}")
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("type", equalTo("urn:ascendant:problem:malformed-json"))
                .body(
                        "detail",
                        equalTo("The request body is not valid JSON at line 1, column 13: expected a field name in"
                                + " double quotes (a comma must not follow the last member of an object)."));
        // A syntax error inside a nested object is still a syntax error, not "invalid value" of that field.
        String tenant = newTenant(admin, "syntax");
        putLimits(admin, tenant, "{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":tru}}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("type", equalTo("urn:ascendant:problem:malformed-json"))
                .body(
                        "detail",
                        startsWith("The request body is not valid JSON at line 1, column 44: expected a value"));
    }

    @Test
    void badInstantNamesTheFieldAndTheIsoFormat() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "instant");
        String project = newProject(admin, tenant, "p");
        Map<String, String> refused = Map.of(
                "\"tomorrow\"", "expiresAt: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z",
                "\"2027-01-01\"", "expiresAt: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z",
                "1893456000", "expiresAt: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z, got a number");
        refused.forEach((value, detail) -> given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"name\":\"k\",\"expiresAt\":" + value + "}")
                .when()
                .post(API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("expiresAt"))
                .body("detail", equalTo(detail)));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"currency\":\"USD\",\"effectiveFrom\":\"next week\","
                        + "\"rates\":{\"cacheHit\":1,\"cacheMiss\":1,\"output\":1}}")
                .when()
                .post(API + "/billing/price-book")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("effectiveFrom"))
                .body("detail", equalTo("effectiveFrom: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z"));
    }

    @Test
    void numberForAnEnumIsA400ListingTheNamesNotItsOrdinal() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "enum");
        putLimits(admin, tenant, "{\"model\":\"*\",\"limits\":{\"budgetPeriod\":1,\"budgetTokens\":1000}}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limits.budgetPeriod"))
                .body("detail", equalTo("limits.budgetPeriod: expected one of [DAY, MONTH], got a number"));
        assertNoLimitsStored(admin, tenant);
    }

    @Test
    void integerBeyondItsRangeNamesTheFieldAndTheRange() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "range");
        Map<String, String> refused = Map.of(
                "{\"requestsPerMinute\":99999999999999999999}",
                "limits.requestsPerMinute: expected an integer between 1 and 10000000",
                "{\"concurrentRequests\":3000000000}",
                "limits.concurrentRequests: expected an integer between 0 and 1000000",
                "{\"tokensPerMinute\":99999999999999999999}",
                "limits.tokensPerMinute: expected an integer between 1 and 9223372036854775807");
        refused.forEach((limits, detail) -> putLimits(admin, tenant, "{\"model\":\"*\",\"limits\":" + limits + "}")
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo(detail.substring(0, detail.indexOf(':'))))
                .body("detail", equalTo(detail)));
        assertNoLimitsStored(admin, tenant);
    }

    @Test
    void numberOrBooleanInAStringFieldIsA400NamingItAndStoresNothing() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String slug = "typed-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> refused = Map.of("5", "a number", "true", "a boolean", "{\"en\":\"x\"}", "an object");
        refused.forEach((value, got) -> given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"slug\":\"" + slug + "\",\"displayName\":" + value
                        + ",\"currency\":\"USD\",\"timeZone\":\"UTC\"}")
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("displayName"))
                .body("detail", equalTo("displayName: expected a string, got " + got)));
        given().auth()
                .oauth2(admin)
                .queryParam("q", slug)
                .when()
                .get(API + "/tenants")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        // Elements of string lists and nested string fields likewise.
        String tenant = newTenant(admin, "typed");
        String project = newProject(admin, tenant, "p");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"name\":\"k\",\"allowedModels\":[\"deepseek-v4-pro\",5]}")
                .when()
                .post(API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("allowedModels[1]"))
                .body("detail", equalTo("allowedModels[1]: expected a string, got a number"));
    }

    @Test
    void idBeyondTheRangeOfALongIsA400SayingItIsOutOfRange() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tooLarge = "9223372036854775808"; // Long.MAX_VALUE + 1
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/billing/price-book/" + tooLarge)
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(400))
                .body("field", equalTo("id"))
                .body("detail", equalTo("id is out of range: it must be a whole number from 1 to 9223372036854775807"));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"cacheHitTokens\":1,\"cacheMissTokens\":0,\"outputTokens\":0}")
                .when()
                .post(API + "/billing/price-book/" + "99999999999999999999999" + "/preview")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("id"))
                .body("detail", equalTo("id is out of range: it must be a whole number from 1 to 9223372036854775807"));
        // The largest id converts: it is looked up (and does not exist).
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/billing/price-book/9223372036854775807")
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM));
    }

    @Test
    void malformedIdInThePathIsA400NamingTheParameter() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/not-a-uuid")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("tenantId"))
                .body("detail", equalTo("tenantId must be a UUID"));
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/billing/price-book/twelve")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("id"))
                .body("detail", equalTo("id must be a whole number"));
        // A well-formed id that does not exist stays a 404.
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM));
    }

    /** PUT of a limits body on a tenant as the given admin; the answer to assert on. */
    private static ValidatableResponse putLimits(String admin, String tenant, String body) {
        return AdminFixtures.putTenantLimits(admin, tenant, body);
    }

    /** A refused limits body left nothing behind. */
    private static void assertNoLimitsStored(String admin, String tenant) {
        given().auth()
                .oauth2(admin)
                .when()
                .get(API + "/tenants/" + tenant + "/limits")
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));
    }
}
