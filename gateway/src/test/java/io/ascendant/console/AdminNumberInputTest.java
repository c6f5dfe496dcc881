package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.putTenantLimits;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Numbers in the admin API: money is taken as a JSON number or a decimal string and comes back in plain notation, a
 * token count only as a JSON integer; out-of-range amounts and page sizes are refused in plain words that state the
 * accepted range.
 */
@QuarkusTest
class AdminNumberInputTest {

    private static final String API = "/admin/api/v1";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void aBudgetAmountComesBackInPlainNotation() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "plain-amount");
        for (String amount : List.of("1e3", "1000", "1.0E+3")) {
            String echoed = putTenantLimits(admin, tenant, limits("\"budgetAmount\":" + amount))
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(echoed)
                    .as(amount)
                    .doesNotContainIgnoringCase("e+")
                    .containsPattern("\"budgetAmount\":1000[,.}]");
            String stored = given().auth()
                    .oauth2(admin)
                    .when()
                    .get(API + "/tenants/" + tenant + "/limits")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(stored)
                    .as(amount)
                    .doesNotContainIgnoringCase("e+")
                    .containsPattern("\"budgetAmount\":1000[,.}]");
        }
    }

    @Test
    void aBudgetAmountWithTrailingZerosComesBackWithoutThemInTheEchoAndLaterReads() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "trailing-zeros");
        for (String amount : List.of("5.00", "\"5.00\"", "\"0.500000\"")) {
            String expected = amount.contains("0.5") ? "0.5" : "5";
            String echoed = putTenantLimits(admin, tenant, limits("\"budgetAmount\":" + amount))
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(echoed).as(amount).containsPattern("\"budgetAmount\":" + expected + "[,}]");
            String stored = given().auth()
                    .oauth2(admin)
                    .when()
                    .get(API + "/tenants/" + tenant + "/limits")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(stored).as(amount).containsPattern("\"budgetAmount\":" + expected + "[,}]");
        }
    }

    @Test
    void moneyTakesAJsonNumberOrADecimalStringAndATokenCountOnlyAJsonInteger() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "money-strings");
        for (String amount : List.of("\"12.5\"", "12.5")) {
            String echoed = putTenantLimits(
                            admin, tenant, limits("\"budgetAmount\":" + amount + ",\"budgetTokens\":100"))
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(echoed)
                    .as(amount)
                    .containsPattern("\"budgetAmount\":12.5[,}]")
                    .contains("\"budgetTokens\":100");
        }
        putTenantLimits(admin, tenant, limits("\"budgetTokens\":\"100\""))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limits.budgetTokens"))
                .body(
                        "detail",
                        equalTo("limits.budgetTokens: expected a whole number written as a JSON integer (100, not"
                                + " \"100\"), got a string (only money amounts are accepted as decimal strings)"));
        putTenantLimits(admin, tenant, limits("\"budgetAmount\":\"12,50\""))
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limits.budgetAmount"))
                .body(
                        "detail",
                        equalTo("limits.budgetAmount: expected a decimal number, as a JSON number or a decimal string"
                                + " such as \"12.50\""));
    }

    @Test
    void aBudgetAmountWithTooManyDigitsIsRefusedInPlainWords() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "tiny-amount");
        for (String amount : List.of("0.000000000000000000001", "123456789012345.5")) {
            putTenantLimits(admin, tenant, limits("\"budgetAmount\":" + amount))
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("limits.budgetAmount"))
                    .body(
                            "detail",
                            equalTo("limits.budgetAmount: must have at most 14 digits before the decimal point and 6"
                                    + " after (the smallest amount is 0.000001)"));
        }
    }

    @Test
    void aPageSizeOutOfRangeIsRefusedWithTheDocumentedRange() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (String limit : List.of("99999999999", "-1", "0", "501")) {
            String detail = given().auth()
                    .oauth2(admin)
                    .queryParam("limit", limit)
                    .when()
                    .get(API + "/tenants")
                    .then()
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("limit"))
                    .extract()
                    .path("detail");
            assertThat(detail).as(limit).contains("whole number from 1 to 500").doesNotContain("2147483647");
        }
    }

    @Test
    void aCursorThatNoPageReturnedIsRefusedSayingWhereCursorsComeFrom() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(admin)
                .queryParam("cursor", "garbage")
                .when()
                .get(API + "/tenants")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("cursor"))
                .body(
                        "detail",
                        equalTo("cursor must be a nextCursor returned by a previous page of this listing (an opaque"
                                + " value), got garbage"));
    }

    private static String limits(String budget) {
        return "{\"model\":\"*\",\"limits\":{\"budgetPeriod\":\"DAY\"," + budget + "}}";
    }
}
