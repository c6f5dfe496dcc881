package io.ascendant.billing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A draft invoice for a month that has not started in the tenant's time zone is a 400 naming {@code period} (it was
 * drafted, empty, and could have been finalised with a number); the current month can still be drafted as a preview.
 * Drafting every tenant for a month that has started nowhere is refused the same way.
 */
@QuarkusTest
class InvoiceFuturePeriodTest {

    private static final String BASE = "/admin/api/v1/billing";
    private static final String ZONE = "Asia/Tokyo";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Test
    void refusesDraftingAMonthThatHasNotStartedInTheTenantsZone() {
        UUID t = fixtures.account("USD", ZONE, "0", "0");
        // Two months ahead: not started whatever the month is when the server reads its clock.
        YearMonth future = YearMonth.now(ZoneId.of(ZONE)).plusMonths(2);

        draft(t, future.toString())
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("period"))
                .body("detail", containsString("period " + future + " has not started in the tenant's time zone"))
                .body("detail", containsString(ZONE));
        given().auth()
                .oauth2(admin())
                .queryParam("tenantId", t)
                .when()
                .get(BASE + "/invoices")
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));

        // The month under way is a preview draft, as before.
        YearMonth current = YearMonth.now(ZoneId.of(ZONE));
        draft(t, current.toString()).statusCode(201).body("status", equalTo("DRAFT"));
    }

    @Test
    void refusesDraftingEveryTenantForAMonthThatHasStartedNowhere() {
        YearMonth future = YearMonth.now(ZoneOffset.MAX).plusMonths(2);
        given().auth()
                .oauth2(admin())
                .queryParam("period", future.toString())
                .when()
                .post(BASE + "/invoices/drafts")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("period"))
                .body("detail", containsString("period " + future + " has not started in any tenant's time zone"));
    }

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    private ValidatableResponse draft(UUID tenant, String period) {
        return given().auth()
                .oauth2(admin())
                .queryParam("period", period)
                .when()
                .post(BASE + "/tenants/" + tenant + "/invoices")
                .then();
    }
}
