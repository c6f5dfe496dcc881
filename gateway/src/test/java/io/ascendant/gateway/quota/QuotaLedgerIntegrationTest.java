package io.ascendant.gateway.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.admission.AdmissionControl;
import io.ascendant.gateway.admission.AdmissionRequest;
import io.ascendant.gateway.admission.AdmissionTicket;
import io.ascendant.gateway.error.GatewayException;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The quota module inside the application: admission through the data path's hook with tenancy's limits and the
 * price book, settlement by billing's real usage ledger (the participant runs in the ledger's transaction), events
 * through the admin API with real Keycloak tokens.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class QuotaLedgerIntegrationTest {

    private static final String MODEL = "deepseek-v4-flash";
    private static final UUID ENTERPRISE_PLAN = UUID.fromString("0190a0e0-0000-7000-8000-000000000003");

    @Inject
    AdmissionControl admission;

    @Inject
    UsageLedger ledger;

    @Inject
    AgroalDataSource ds;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void settlesTheHoldInTheLedgerTransactionAndRefusesWhenTheBudgetIsSpent() throws Exception {
        UUID tenant = tenantWithMonthlyBudget(new BigDecimal("0.0015"));
        UUID project = UUID.randomUUID();
        UUID key = UUID.randomUUID();
        // Worst case of 1,000 prompt + 1,000 output tokens at the current Flash peak prices (0.30 / 1.20 per 1M):
        // exactly the budget.
        AdmissionTicket ticket = admit("q-" + UUID.randomUUID(), tenant, project, key);
        // The enterprise plan's 6,000 requests per minute is the tightest request limit.
        assertThat(ticket.responseHeaders())
                .containsEntry("x-ratelimit-limit-requests", "6000")
                .containsKeys(
                        "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens");

        // The second request cannot be held while the first is in flight.
        GatewayException.RateLimited refused = assertThrows(
                GatewayException.RateLimited.class, () -> admit("q-" + UUID.randomUUID(), tenant, project, key));
        assertThat(refused.code()).isEqualTo("quota_exceeded");
        assertThat(refused.getMessage()).contains("tenant monthly budget", "0.0015 USD");
        assertThat(refused.retryAfterSeconds()).isPositive();

        UsageEvent usage = usage(lastAdmitted, tenant, project, key);
        RatedUsage rated = ledger.record(usage);
        ticket.settle(usage);

        assertThat(decimal("SELECT actual FROM quota_settlement WHERE request_id = ?", lastAdmitted))
                .isEqualByComparingTo(rated.amount());
        assertThat(decimal(
                        "SELECT committed FROM quota_account WHERE pool_key = ?",
                        "money:tenant:" + tenant + ":*:MONTH"))
                .isEqualByComparingTo(rated.amount());
        assertThat(rated.amount()).isPositive().isLessThanOrEqualTo(new BigDecimal("0.0015"));

        // At least half the budget is spent (off-peak prices are half the peak ones): one THRESHOLD event, visible to a
        // platform admin.
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events", tenant)
                .then()
                .statusCode(200)
                .body("kind", hasItem("THRESHOLD"))
                .body("thresholdPercent", hasItem(50));
        // Amounts without the trailing zeros of their numeric(38,16) columns, as the budget was written.
        String raw = given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events?kind=THRESHOLD", tenant)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(raw).contains("\"limit\":0.0015,").containsPattern("\"used\":0\\.[0-9]*[1-9],");
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.noRoles()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events", tenant)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.tenantAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events", tenant)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events?kind=NOPE", tenant)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
    }

    /**
     * The refusal of a request while the first one's hold fills the budget is recorded (EXHAUSTED) before the first
     * one settles and crosses the thresholds; the listing still reads THRESHOLD(s), then EXHAUSTED.
     */
    @Test
    void listsTheThresholdsBeforeTheExhaustedEventOfTheSameBudget() throws Exception {
        UUID tenant = tenantWithMonthlyBudget(new BigDecimal("0.0015"));
        UUID project = UUID.randomUUID();
        UUID key = UUID.randomUUID();
        AdmissionTicket ticket = admit("q-" + UUID.randomUUID(), tenant, project, key);
        String first = lastAdmitted;
        assertThrows(GatewayException.RateLimited.class, () -> admit("q-" + UUID.randomUUID(), tenant, project, key));
        assertThat(kinds(tenant)).containsExactly("EXHAUSTED");

        UsageEvent usage = usage(first, tenant, project, key);
        ledger.record(usage);
        ticket.settle(usage);

        var events = given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events", tenant)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        java.util.List<String> kinds = events.getList("kind", String.class);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(2).last().isEqualTo("EXHAUSTED");
        assertThat(kinds.subList(0, kinds.size() - 1)).containsOnly("THRESHOLD");
        assertThat(events.getList("thresholdPercent", Integer.class)).contains(50);
        java.util.List<Long> ids = events.getList("id", Long.class);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    private java.util.List<String> kinds(UUID tenant) {
        return given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events", tenant)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("kind", String.class);
    }

    @Test
    void shadowLimitRecordsWouldBeRefusalsWithoutRefusing() throws Exception {
        UUID tenant = tenantWithMonthlyBudget(new BigDecimal("100"));
        UUID project = UUID.randomUUID();
        UUID key = UUID.randomUUID();
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "model", "*", "requestsPerMinute", 1))
                .when()
                .post("/admin/api/v1/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(201)
                .header("Location", containsString("/shadow-limits/"));
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "budgetTokens", 5))
                .when()
                .post("/admin/api/v1/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body(Map.of(
                        "scope", "TENANT", "ownerId", tenant.toString(), "model", "gpt-17", "requestsPerMinute", 1))
                .when()
                .post("/admin/api/v1/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("model"))
                .body("detail", containsString("'gpt-17' is not in the model catalogue"));

        // One request per minute on trial: all five are admitted, four are reported.
        for (int i = 0; i < 5; i++) {
            admit("s-" + UUID.randomUUID(), tenant, project, key).release();
        }
        given().auth()
                .oauth2(admin)
                .when()
                .get("/admin/api/v1/tenants/{id}/quota-events?kind=SHADOW_REFUSAL", tenant)
                .then()
                .statusCode(200)
                .body("size()", equalTo(4))
                .body("limitKey", everyItem(equalTo("shadow-rpm:tenant:" + tenant + ":*")));
    }

    private String lastAdmitted;

    private AdmissionTicket admit(String requestId, UUID tenant, UUID project, UUID key) {
        AdmissionTicket t = admission
                .admit(new AdmissionRequest(requestId, tenant, project, key, MODEL, MODEL, 1_000, 1_000))
                .await()
                .atMost(Duration.ofSeconds(30));
        lastAdmitted = requestId;
        return t;
    }

    private static UsageEvent usage(String requestId, UUID tenant, UUID project, UUID key) {
        Instant now = Instant.now();
        return new UsageEvent(
                requestId,
                tenant,
                project,
                key,
                MODEL,
                null,
                0,
                1_000,
                1_000,
                0,
                UsageStatus.COMPLETED,
                false,
                now.minusSeconds(2),
                now);
    }

    private UUID tenantWithMonthlyBudget(BigDecimal amount) throws SQLException {
        UUID tenant = UUID.randomUUID();
        String slug = "quota-" + tenant.toString().substring(0, 8);
        try (Connection c = ds.getConnection()) {
            exec(
                    c,
                    "INSERT INTO tenant (id, slug, display_name, status, currency, time_zone, plan_id)"
                            + " VALUES (?, ?, ?, 'ACTIVE', 'USD', 'Europe/Berlin', ?)",
                    tenant,
                    slug,
                    slug,
                    ENTERPRISE_PLAN);
            exec(
                    c,
                    "INSERT INTO billing_account (tenant_id, display_name, currency, time_zone) VALUES (?, ?, 'USD',"
                            + " 'Europe/Berlin')",
                    tenant,
                    slug);
            exec(
                    c,
                    "INSERT INTO limit_set (id, scope, owner_id, tenant_id, model, budget_period, budget_amount,"
                            + " updated_by) VALUES (?, 'TENANT', ?, ?, '*', 'MONTH', ?, 'test')",
                    UUID.randomUUID(),
                    tenant,
                    tenant,
                    amount);
        }
        return tenant;
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private BigDecimal decimal(String sql, Object param) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for %s", param).isTrue();
                return rs.getBigDecimal(1);
            }
        }
    }
}
