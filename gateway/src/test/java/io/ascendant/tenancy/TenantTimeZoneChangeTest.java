package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.BillingAccountOpening;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant has one time zone for budgets, usage days and invoices: it changes only on the tenant (the billing account
 * follows, never diverges) and only before the tenant's first metered usage or invoice (afterwards recorded usage could
 * fall outside every invoice period, or a budget day count twice).
 */
@QuarkusTest
class TenantTimeZoneChangeTest {

    private static final String API = AdminFixtures.API;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    UsageLedger ledger;

    @Inject
    AgroalDataSource db;

    private String token;

    @BeforeEach
    void setUp() {
        token = keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void refusesTenantTimeZoneChangeAfterUsage() {
        String tenant = AdminFixtures.newTenant(token, "tz-used");
        recordUsage(tenant, "2026-11-30T20:00:00Z");

        patchTenant(tenant, Map.of("timeZone", "Asia/Tokyo"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("field", equalTo("timeZone"))
                .body("detail", containsString("metered usage"))
                .body("detail", containsString("create a new tenant"));

        assertZones(tenant, "UTC", "UTC");
    }

    @Test
    void refusesTenantTimeZoneChangeAfterAnInvoice() throws Exception {
        String tenant = AdminFixtures.newTenant(token, "tz-invoiced");
        BillingAccountOpening.openedAt(db, UUID.fromString(tenant), BillingAccountOpening.EARLY);
        given().auth()
                .oauth2(token)
                .queryParam("period", "2026-11")
                .when()
                .post(API + "/billing/tenants/" + tenant + "/invoices")
                .then()
                .statusCode(201); // the month's first draft is created

        patchTenant(tenant, Map.of("timeZone", "Europe/Paris"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("timeZone"))
                .body("detail", containsString("invoices"));

        assertZones(tenant, "UTC", "UTC");
    }

    @Test
    void refusesBillingAccountTimeZoneChangeAfterUsage() {
        String tenant = AdminFixtures.newTenant(token, "tz-acct-used");
        recordUsage(tenant, "2026-11-30T20:00:00Z");

        patchAccount(tenant, Map.of("timeZone", "Europe/Paris"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("timeZone"));

        assertZones(tenant, "UTC", "UTC");
    }

    @Test
    void refusesBillingAccountTimeZoneThatDiffersFromTheTenants() {
        String tenant = AdminFixtures.newTenant(token, "tz-diverge");

        patchAccount(tenant, Map.of("timeZone", "Europe/Paris"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("timeZone"))
                .body("detail", containsString("PATCH " + API + "/tenants/" + tenant));

        assertZones(tenant, "UTC", "UTC");
    }

    @Test
    void acceptsBillingAccountChangeThatKeepsTheTenantsTimeZone() {
        String tenant = AdminFixtures.newTenant(token, "tz-same");

        JsonPath account = patchAccount(tenant, Map.of("timeZone", "UTC", "taxRatePercent", 19))
                .statusCode(200)
                .body("timeZone", equalTo("UTC"))
                .extract()
                .jsonPath();

        assertThat(account.getDouble("taxRatePercent")).isEqualTo(19.0);
    }

    @Test
    void changesTimeZoneOfTenantWithoutUsageOnTenantAndBillingAccount() {
        String tenant = AdminFixtures.newTenant(token, "tz-fresh");

        patchTenant(tenant, Map.of("timeZone", "Asia/Tokyo")).statusCode(200).body("timeZone", equalTo("Asia/Tokyo"));

        assertZones(tenant, "Asia/Tokyo", "Asia/Tokyo");
    }

    @Test
    void acceptsNewSpellingOfTheSameOffsetAfterUsage() throws Exception {
        // A tenant stored before offsets were normalized ("GMT+3" was kept as GMT+03:00, which browsers reject).
        String tenant = AdminFixtures.newTenant(token, "tz-respell", "Tenant respell", "USD", "+03:00");
        for (String table : new String[] {
            "tenant SET time_zone = ? WHERE id = ?", "billing_account SET time_zone = ?" + " WHERE tenant_id = ?"
        }) {
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE " + table)) {
                ps.setString(1, "GMT+03:00");
                ps.setObject(2, UUID.fromString(tenant));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        recordUsage(tenant, "2026-11-30T20:00:00Z");

        patchTenant(tenant, Map.of("timeZone", "+03:00")).statusCode(200).body("timeZone", equalTo("+03:00"));

        assertZones(tenant, "+03:00", "+03:00");
    }

    private void recordUsage(String tenant, String finishedAt) {
        Instant fin = Instant.parse(finishedAt);
        ledger.record(new UsageEvent(
                "tz-" + UUID.randomUUID(),
                UUID.fromString(tenant),
                UUID.randomUUID(),
                UUID.randomUUID(),
                "deepseek-v4-flash",
                "pod-0",
                0,
                100,
                10,
                0,
                UsageStatus.COMPLETED,
                false,
                fin.minusSeconds(1),
                fin));
    }

    private ValidatableResponse patchTenant(String tenant, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .patch(API + "/tenants/" + tenant)
                .then();
    }

    private ValidatableResponse patchAccount(String tenant, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .patch(API + "/billing/tenants/" + tenant + "/account")
                .then();
    }

    private void assertZones(String tenant, String tenantZone, String accountZone) {
        given().auth()
                .oauth2(token)
                .when()
                .get(API + "/tenants/" + tenant)
                .then()
                .statusCode(200)
                .body("timeZone", equalTo(tenantZone));
        given().auth()
                .oauth2(token)
                .when()
                .get(API + "/billing/tenants/" + tenant + "/account")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo(accountZone));
    }
}
