package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.ascendant.gateway.testsupport.BudgetReports.budgets;
import static io.ascendant.gateway.testsupport.BudgetReports.dec;
import static io.ascendant.gateway.testsupport.BudgetReports.only;
import static io.ascendant.gateway.testsupport.BudgetReports.plain;
import static io.ascendant.gateway.testsupport.BudgetReports.spend;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.BudgetReports;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeyLedgerTotals;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The budgets API after the budgets or keys change: a removed budget (tenant, project or key level) is no longer
 * listed though its counter lives on, a budget raised above its use after a refusal is no longer exhausted, and a
 * rotated key and its successor are one budget row with the chain's spend.
 * Quotas enforced, real chat requests through the gateway (fake model hosts).
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class BudgetRowsAfterChangesTest {

    private static final String API = "/admin/api/v1";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver resolver;

    @Test
    void removedTenantBudgetIsNoLongerListedEvenWhenItsCounterIsUsedUp() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "removed", "Removed Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        String secret = newKey(admin, tenant, project, "spender").getString("secret");
        String limits = "/tenants/" + tenant + "/limits";
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000,"
                        + "\"budgetPeriod\":\"MONTH\",\"budgetAmount\":\"0.0005\"}}")
                .when()
                .put(API + limits)
                .then()
                .statusCode(200);
        Response last = BudgetReports.spendUntilRefused(secret, "Spend").refusal();
        assertThat(last).as("a refusal within 300 requests").isNotNull();
        assertThat(last.statusCode()).as(last.asString()).isEqualTo(429);
        assertThat(only(budgets(admin, tenant, "tenant", null, 100), "MONEY", false)
                        .get("exhausted"))
                .isEqualTo(true);

        // The budget is removed (the rate limit stays): the gateways no longer enforce it, so it is not listed.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000}}")
                .when()
                .put(API + limits)
                .then()
                .statusCode(200);
        // Tenant budgets are read through the limits cache, which the removal reaches by a notification.
        List<Map<String, Object>> listed =
                budgets(admin, tenant, "tenant", null, 100).getList("budgets");
        for (int i = 0; i < 300 && !listed.isEmpty(); i++) {
            Thread.sleep(100);
            listed = budgets(admin, tenant, "tenant", null, 100).getList("budgets");
        }
        assertThat(listed).as("tenant budgets after the removal").isEmpty();
    }

    @Test
    void keyBudgetRaisedAboveItsUseIsNoLongerExhaustedAndLoweredBackIsAgain() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "raisedkey", "Raised Key Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "spender");
        String key = created.getString("key.id");
        unlimitedRate(admin, tenant);
        String keyLimits = "/tenants/" + tenant + "/keys/" + key + "/limits";
        putMonthlyBudget(admin, keyLimits, "\"0.0005\"", null);
        BudgetReports.Spending spending = BudgetReports.spendUntilRefused(created.getString("secret"), "Spend");
        assertThat(spending.refusal()).as("a refusal within 300 requests").isNotNull();
        assertThat(spending.refusal().statusCode())
                .as(spending.refusal().asString())
                .isEqualTo(429);
        KeyLedgerTotals.await(dataSource, UUID.fromString(key), spending.admitted());
        Map<String, Object> refused = only(budgets(admin, tenant, "key", null, 100), "MONEY", false);
        assertThat(refused.get("exhausted")).isEqualTo(true);
        assertThat(refused.get("exhaustedAt")).isNotNull();

        // Raised above what is used (no request since): not used up, whatever the counter's stored limit says.
        putMonthlyBudget(admin, keyLimits, "\"10.00\"", null);
        Map<String, Object> raised = only(budgets(admin, tenant, "key", null, 100), "MONEY", false);
        assertThat(dec(raised.get("limit"))).isEqualByComparingTo("10");
        assertThat(raised.get("exhausted")).isEqualTo(false);
        assertThat(raised.get("exhaustedAt")).isNull();

        // Lowered back to the limit that refused: used up again, since that refusal.
        putMonthlyBudget(admin, keyLimits, "\"0.0005\"", null);
        Map<String, Object> lowered = only(budgets(admin, tenant, "key", null, 100), "MONEY", false);
        assertThat(dec(lowered.get("limit"))).isEqualByComparingTo("0.0005");
        assertThat(lowered.get("exhausted")).isEqualTo(true);
        assertThat(lowered.get("exhaustedAt")).isEqualTo(refused.get("exhaustedAt"));

        // Raised a little and used up again: the refusal under the higher limit is what exhausts it now.
        putMonthlyBudget(admin, keyLimits, "\"0.001\"", null);
        awaitKeyMoneyBudget(tenant, project, key, new BigDecimal("0.001"));
        BudgetReports.Spending again = BudgetReports.spendUntilRefused(created.getString("secret"), "Spend again");
        assertThat(again.admitted())
                .as("requests admitted under the raised budget")
                .isPositive();
        assertThat(again.refusal()).as("a refusal within 300 requests").isNotNull();
        assertThat(again.refusal().statusCode()).as(again.refusal().asString()).isEqualTo(429);
        Map<String, Object> usedUpAgain = only(budgets(admin, tenant, "key", null, 100), "MONEY", false);
        assertThat(dec(usedUpAgain.get("limit"))).isEqualByComparingTo("0.001");
        assertThat(usedUpAgain.get("exhausted")).isEqualTo(true);
        assertThat(Instant.parse((String) usedUpAgain.get("exhaustedAt")))
                .isAfter(Instant.parse((String) refused.get("exhaustedAt")));
    }

    /** Waits until the gateway applies {@code amount} as the key's money budget (it travels by a notification). */
    private void awaitKeyMoneyBudget(String tenant, String project, String key, BigDecimal amount)
            throws InterruptedException {
        BigDecimal seen = null;
        for (int i = 0; i < 300; i++) {
            seen = resolver.resolve(
                            UUID.fromString(tenant),
                            UUID.fromString(project),
                            UUID.fromString(key),
                            "deepseek-v4-flash")
                    .key()
                    .budgetAmount();
            if (seen != null && seen.compareTo(amount) == 0) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(seen).as("the key's money budget in the effective limits").isEqualByComparingTo(amount);
    }

    @Test
    void tenantBudgetRaisedAboveItsUseIsNoLongerExhausted() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "raisedtenant", "Raised Tenant Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "spender");
        String limits = "/tenants/" + tenant + "/limits";
        putTenantBudget(admin, limits, "0.0005");
        BudgetReports.Spending spending = BudgetReports.spendUntilRefused(created.getString("secret"), "Spend");
        assertThat(spending.refusal()).as("a refusal within 300 requests").isNotNull();
        assertThat(spending.refusal().statusCode())
                .as(spending.refusal().asString())
                .isEqualTo(429);
        KeyLedgerTotals.await(dataSource, UUID.fromString(created.getString("key.id")), spending.admitted());
        Map<String, Object> refused = only(budgets(admin, tenant, "tenant", null, 100), "MONEY", false);
        assertThat(refused.get("exhausted")).isEqualTo(true);
        assertThat(refused.get("exhaustedAt")).isNotNull();

        putTenantBudget(admin, limits, "10.00");
        Map<String, Object> raised = tenantMoneyBudgetOnceLimitIs(admin, tenant, "10");
        assertThat(raised.get("exhausted")).isEqualTo(false);
        assertThat(raised.get("exhaustedAt")).isNull();
    }

    /** The tenant's rate limit out of the way of a spending loop (the plan's 600 per minute could refuse it first). */
    private static void unlimitedRate(String admin, String tenant) {
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000}}")
                .when()
                .put(API + "/tenants/" + tenant + "/limits")
                .then()
                .statusCode(200);
    }

    /** A tenant monthly money budget of {@code amount}, with the rate limit out of the way. */
    private static void putTenantBudget(String admin, String limits, String amount) {
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000,"
                        + "\"budgetPeriod\":\"MONTH\",\"budgetAmount\":\"" + amount + "\"}}")
                .when()
                .put(API + limits)
                .then()
                .statusCode(200);
    }

    /**
     * The tenant's money budget once the budgets API shows {@code limit}: tenant budgets are read through the limits
     * cache, which a change reaches by a notification.
     */
    private static Map<String, Object> tenantMoneyBudgetOnceLimitIs(String admin, String tenant, String limit)
            throws InterruptedException {
        Map<String, Object> b = only(budgets(admin, tenant, "tenant", null, 100), "MONEY", false);
        for (int i = 0; i < 300 && dec(b.get("limit")).compareTo(new BigDecimal(limit)) != 0; i++) {
            Thread.sleep(100);
            b = only(budgets(admin, tenant, "tenant", null, 100), "MONEY", false);
        }
        assertThat(dec(b.get("limit"))).isEqualByComparingTo(limit);
        return b;
    }

    @Test
    void rotatedKeyIsOneBudgetRowShownAsItsSuccessorWithTheLineagesSpend() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "lineage", "Lineage Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "rotating");
        String oldKey = created.getString("key.id");
        putMonthlyBudget(admin, "/tenants/" + tenant + "/keys/" + oldKey + "/limits", "\"50.00\"", 10_000_000L);
        int spent = spend(created.getString("secret"), 3);
        KeyLedgerTotals ledger = KeyLedgerTotals.await(dataSource, UUID.fromString(oldKey), spent);

        String newKey = given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{}")
                .when()
                .post(API + "/tenants/" + tenant + "/keys/" + oldKey + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .path("key.id");

        // Old and new key spend one budget (counted under the first key): one row per budget, shown as the new key.
        JsonPath keys = budgets(admin, tenant, "key", null, 100);
        assertThat(keys.getList("budgets")).as("key budgets after the rotation").hasSize(2);
        for (String unit : List.of("MONEY", "TOKENS")) {
            Map<String, Object> b = only(keys, unit, false);
            assertThat(b.get("ownerId")).isEqualTo(newKey);
            assertThat(b.get("ownerName")).isEqualTo("rotating");
            assertThat((String) b.get("poolKey"))
                    .startsWith(unit.toLowerCase(java.util.Locale.ROOT) + ":key:" + oldKey);
            assertThat(b.get("periodStart"))
                    .as("the lineage's counter of this period")
                    .isNotNull();
        }
        assertThat(dec(only(keys, "TOKENS", false).get("settled")).longValueExact())
                .isEqualTo(ledger.tokens());
        assertThat(dec(only(keys, "MONEY", false).get("settled")).toPlainString())
                .isEqualTo(plain(ledger.amount()));
        assertThat(dec(only(keys, "MONEY", false).get("limit"))).isEqualByComparingTo("50");
    }

    @Test
    void removedProjectAndKeyBudgetsAreNoLongerListedThoughTheirCountersAreOpen() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "unset", "Unset Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "spender");
        String key = created.getString("key.id");
        String projectLimits = "/tenants/" + tenant + "/projects/" + project + "/limits";
        String keyLimits = "/tenants/" + tenant + "/keys/" + key + "/limits";
        putMonthlyBudget(admin, projectLimits, "\"40.00\"", null);
        putMonthlyBudget(admin, keyLimits, "\"20.00\"", 10_000_000L);
        int spent = spend(created.getString("secret"), 2);
        KeyLedgerTotals.await(dataSource, UUID.fromString(key), spent);
        assertThat(only(budgets(admin, tenant, "project", null, 100), "MONEY", false)
                        .get("periodStart"))
                .as("the project budget's counter")
                .isNotNull();
        assertThat(budgets(admin, tenant, "key", null, 100).getList("budgets")).hasSize(2);

        // The project keeps a rate limit but no budget; the key's limits are deleted.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000}}")
                .when()
                .put(API + projectLimits)
                .then()
                .statusCode(200);
        given().auth().oauth2(admin).when().delete(API + keyLimits).then().statusCode(204);

        assertThat(budgets(admin, tenant, "project", null, 100).getList("budgets"))
                .as("project budgets after the removal")
                .isEmpty();
        assertThat(budgets(admin, tenant, "key", null, 100).getList("budgets"))
                .as("key budgets after the removal")
                .isEmpty();
    }

    @Test
    void countersOfRemovedTenantBudgetsDoNotCutAPageShort() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "pages", "Pages Co", "USD", "UTC");
        // Counters of two budgets removed this period (no limits configured any more), then a shadow counter, which is
        // listed whether or not a budget is configured: with a page size of 1 the first read of two counters finds
        // only removed ones.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO quota_account (pool_key, period_start,"
                        + " period_end, unit, currency, limit_amount) VALUES (?, date_trunc('month', now()),"
                        + " date_trunc('month', now()) + interval '1 month', ?, ?, 10)")) {
            for (String[] row : new String[][] {
                {"money:tenant:" + tenant + ":deepseek-v4-flash:MONTH", "MONEY", "USD"},
                {"money:tenant:" + tenant + ":deepseek-v4-pro:MONTH", "MONEY", "USD"},
                {"shadow-tokens:tenant:" + tenant + ":*:MONTH", "TOKENS", null}
            }) {
                ps.setString(1, row[0]);
                ps.setString(2, row[1]);
                ps.setString(3, row[2]);
                ps.executeUpdate();
            }
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            JsonPath p = budgets(admin, tenant, "tenant", cursor, 1);
            listed.addAll(p.getList("budgets.poolKey", String.class));
            cursor = p.getString("nextCursor");
            if (cursor == null) {
                break;
            }
        }
        assertThat(listed).containsExactly("shadow-tokens:tenant:" + tenant + ":*:MONTH");
    }
}
