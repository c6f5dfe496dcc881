package io.ascendant.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.BillingAccountOpening;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant created on 2026-11-30 was given a numbered zero invoice for 2026-10, a month before it existed. Months that
 * ended before the tenant's billing account was opened are not invoiced: a single draft is a 400 naming
 * {@code period} and the first month that can be invoiced; drafting every tenant leaves such tenants out; a draft
 * made before the rule is not finalised.
 */
@QuarkusTest
class InvoiceBeforeAccountOpenedTest {

    private static final String BASE = "/admin/api/v1/billing";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    BillingFixtures fixtures;

    @Inject
    DataSource dataSource;

    private String admin;

    @BeforeEach
    void token() {
        admin = keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void refusesDraftingAMonthThatEndedBeforeTheAccountWasOpenedNamingTheFirstMonth() throws Exception {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        BillingAccountOpening.openedAt(dataSource, t, Instant.parse("2026-08-15T10:00:00Z"));

        for (String before : List.of("2026-07", "2026-01")) {
            draft(t, before)
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo("period"))
                    .body("detail", containsString("the first period that can be invoiced is 2026-08"));
        }
        assertThat(invoicesOf(t)).isEmpty();

        // The month it was opened in is billed (usage from the opening on).
        draft(t, "2026-08").statusCode(201).body("periodStart", equalTo("2026-08-01"));
        assertThat(invoicesOf(t)).containsExactly("2026-08-01");
    }

    @Test
    void theFirstMonthIsTheOpeningMonthInTheTenantsTimeZone() throws Exception {
        // 2026-07-31 20:00 UTC is already 2026-08-01 04:00 in Shanghai: July ended before the opening there.
        UUID shanghai = fixtures.account("CNY", "Asia/Shanghai", "0", "0");
        BillingAccountOpening.openedAt(dataSource, shanghai, Instant.parse("2026-07-31T20:00:00Z"));
        draft(shanghai, "2026-07")
                .statusCode(400)
                .body("field", equalTo("period"))
                .body("detail", containsString("the first period that can be invoiced is 2026-08"));

        // 2026-08-01 02:00 UTC is still 2026-07-31 22:00 in New York: July can be invoiced there.
        UUID newYork = fixtures.account("USD", "America/New_York", "0", "0");
        BillingAccountOpening.openedAt(dataSource, newYork, Instant.parse("2026-08-01T02:00:00Z"));
        draft(newYork, "2026-07").statusCode(201).body("periodStart", equalTo("2026-07-01"));
    }

    @Test
    void draftingEveryTenantLeavesOutTenantsOpenedAfterTheMonth() {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        // Every billing account in the test database was opened after January 2000: none is drafted for it.
        given().auth()
                .oauth2(admin)
                .queryParam("period", "2000-01")
                .when()
                .post(BASE + "/invoices/drafts")
                .then()
                .statusCode(200)
                .body("drafted", equalTo(0));
        assertThat(invoicesOf(t)).isEmpty();
    }

    @Test
    void aDraftOfAMonthBeforeTheOpeningIsNotFinalized() throws Exception {
        UUID t = fixtures.account("USD", "UTC", "0", "0");
        String id = draft(t, "2026-08").statusCode(201).extract().path("id");
        // As if drafted before such drafts were refused: the account turns out to have been opened in September.
        BillingAccountOpening.openedAt(dataSource, t, Instant.parse("2026-09-10T00:00:00Z"));

        given().auth()
                .oauth2(admin)
                .when()
                .post(BASE + "/invoices/" + id + "/finalize")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("period"))
                .body("detail", containsString("the first period that can be invoiced is 2026-09"));
        given().auth()
                .oauth2(admin)
                .when()
                .get(BASE + "/invoices/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("DRAFT"))
                .body("number", nullValue());
    }

    private ValidatableResponse draft(UUID tenant, String period) {
        return given().auth()
                .oauth2(admin)
                .queryParam("period", period)
                .when()
                .post(BASE + "/tenants/" + tenant + "/invoices")
                .then();
    }

    /** Period starts of the tenant's invoices. */
    private List<String> invoicesOf(UUID tenant) {
        return given().auth()
                .oauth2(admin)
                .queryParam("tenantId", tenant)
                .when()
                .get(BASE + "/invoices")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("periodStart", String.class);
    }
}
