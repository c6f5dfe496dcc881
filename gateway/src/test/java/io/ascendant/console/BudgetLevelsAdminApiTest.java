package io.ascendant.console;

import static io.ascendant.gateway.testsupport.AdminFixtures.newKey;
import static io.ascendant.gateway.testsupport.AdminFixtures.newProject;
import static io.ascendant.gateway.testsupport.AdminFixtures.newTenant;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.ascendant.gateway.testsupport.BudgetReports.budgets;
import static io.ascendant.gateway.testsupport.BudgetReports.dec;
import static io.ascendant.gateway.testsupport.BudgetReports.only;
import static io.ascendant.gateway.testsupport.BudgetReports.plain;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.BudgetReports;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeyLedgerTotals;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The budgets API at project and key level, the usage summary's exact totals and the quota-events {@code kind} filter,
 * with quotas enforced and real chat requests through the gateway (fake model hosts): the settled amounts the API
 * shows are the ledger's, to the last decimal.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class BudgetLevelsAdminApiTest {

    private static final String API = "/admin/api/v1";
    private static final String PROBLEM = "application/problem+json";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Test
    void projectAndKeyBudgetsShowTheLedgersSettledAmountsAndTheKeyRefusal() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "levels", "Levels Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "metered");
        String key = created.getString("key.id");
        String secret = created.getString("secret");
        // The plan's 600 requests/minute (burst 60) would refuse a fast machine's loop before the budget runs out.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000}}")
                .when()
                .put(API + "/tenants/" + tenant + "/limits")
                .then()
                .statusCode(200);
        putMonthlyBudget(admin, "/tenants/" + tenant + "/projects/" + project + "/limits", "\"10.00\"", null);
        // A key money budget small enough to run out after a few requests, and a generous token budget beside it.
        putMonthlyBudget(admin, "/tenants/" + tenant + "/keys/" + key + "/limits", "\"0.0005\"", 10_000_000L);
        // A shadow money budget on the key, on trial: counted on its own counter, never refuses.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"scope\":\"KEY\",\"ownerId\":\"" + key
                        + "\",\"model\":\"*\",\"budgetPeriod\":\"MONTH\",\"budgetAmount\":1.00}")
                .when()
                .post(API + "/tenants/" + tenant + "/shadow-limits")
                .then()
                .statusCode(201);

        BudgetReports.Spending spending = BudgetReports.spendUntilRefused(secret, "Count to three");
        int ok = spending.admitted();
        Response last = spending.refusal();
        assertThat(ok).as("requests admitted before the key budget ran out").isPositive();
        assertThat(last).as("a refusal within 300 requests").isNotNull();
        assertThat(last.statusCode()).as(last.asString()).isEqualTo(429);
        assertThat(last.jsonPath().getString("error.code")).as(last.asString()).isEqualTo("quota_exceeded");

        // Settlement happens in the ledger's transaction, which may finish just after the response: wait for it.
        KeyLedgerTotals ledger = KeyLedgerTotals.await(dataSource, UUID.fromString(key), ok);
        assertThat(ledger.amount()).isPositive();

        JsonPath keys = budgets(admin, tenant, "key", null, 100);
        Map<String, Object> keyMoney = only(keys, "MONEY", false);
        assertThat(keyMoney.get("ownerId")).isEqualTo(key);
        assertThat(keyMoney.get("ownerName")).isEqualTo("metered");
        assertThat(keyMoney.get("level")).isEqualTo("key");
        assertThat(keyMoney.get("shadow")).isEqualTo(false);
        assertThat((String) keyMoney.get("poolKey")).startsWith("money:key:" + key + ":");
        assertThat(dec(keyMoney.get("limit"))).isEqualByComparingTo("0.0005");
        // Exact: the same digits as the ledger's numeric sum, not a float's approximation of them.
        assertThat(dec(keyMoney.get("settled")).toPlainString()).isEqualTo(plain(ledger.amount()));
        assertThat(keyMoney.get("exhausted")).isEqualTo(true);
        assertThat(keyMoney.get("exhaustedAt")).isNotNull();
        Map<String, Object> keyTokens = only(keys, "TOKENS", false);
        assertThat(dec(keyTokens.get("settled")).longValueExact()).isEqualTo(ledger.tokens());
        assertThat(keyTokens.get("exhausted")).isEqualTo(false);
        Map<String, Object> shadowMoney = only(keys, "MONEY", true);
        assertThat((String) shadowMoney.get("poolKey")).startsWith("shadow-money:key:" + key + ":");
        assertThat(dec(shadowMoney.get("settled")).toPlainString()).isEqualTo(plain(ledger.amount()));
        assertThat(shadowMoney.get("exhausted")).isEqualTo(false);
        assertThat(keys.getList("thresholds").stream().map(t -> ((Number) t).intValue()))
                .containsExactly(50, 100);

        JsonPath projects = budgets(admin, tenant, "project", null, 100);
        Map<String, Object> projectMoney = only(projects, "MONEY", false);
        assertThat(projectMoney.get("ownerId")).isEqualTo(project);
        assertThat(projectMoney.get("ownerName")).isEqualTo("app");
        assertThat(dec(projectMoney.get("limit"))).isEqualByComparingTo("10");
        assertThat(dec(projectMoney.get("settled")).toPlainString()).isEqualTo(plain(ledger.amount()));
        assertThat(projectMoney.get("exhausted")).isEqualTo(false);
        // No tenant-level budget was set: the tenant level lists none.
        assertThat(budgets(admin, tenant, "tenant", null, 100).getList("budgets"))
                .isEmpty();

        // Paged on the server, by pool key: one budget a page, the cursors lead through all three, then no page.
        List<String> all = keys.getList("budgets.poolKey", String.class);
        assertThat(all).hasSize(3).isSorted();
        List<String> paged = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = budgets(admin, tenant, "key", cursor, 1);
            assertThat(page.getList("budgets")).hasSize(1);
            paged.add(page.getString("budgets[0].poolKey"));
            cursor = page.getString("nextCursor");
        } while (cursor != null && paged.size() < 10);
        assertThat(paged).isEqualTo(all);
        // Another tenant's admin sees none of it.
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.tenantAdmin()))
                .queryParam("level", "key")
                .when()
                .get(API + "/tenants/" + tenant + "/budgets")
                .then()
                .statusCode(403)
                .contentType(startsWith(PROBLEM));

        // The usage summary's total is the ledger's sum as an exact decimal string (the console shows it as is).
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        JsonPath summary = awaitSummaryRequests(admin, tenant, yesterday, today, ok);
        assertThat(summary.getString("total.amount")).isEqualTo(plain(ledger.amount()));
        assertThat(summary.getString("currency")).isEqualTo("USD");
        assertThat(summary.getList("groups")).hasSize(1);
        assertThat(summary.getString("groups[0].key")).isEqualTo(key);
        assertThat(summary.getString("groups[0].label")).isEqualTo("metered");
        assertThat(summary.getString("groups[0].amount")).isEqualTo(plain(ledger.amount()));
        assertThat(summary.getLong("total.promptCacheHitTokens")
                        + summary.getLong("total.promptCacheMissTokens")
                        + summary.getLong("total.completionTokens"))
                .isEqualTo(ledger.tokens());
        given().auth()
                .oauth2(admin)
                .queryParam("from", yesterday)
                .queryParam("to", today)
                .queryParam("by", "colour")
                .when()
                .get(API + "/billing/tenants/" + tenant + "/usage/summary")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("by"));
    }

    @Test
    void aProjectAndKeyBudgetNotUsedYetThisPeriodAreListedEmpty() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "unused", "Unused Co", "CNY", "Asia/Shanghai");
        String project = newProject(admin, tenant, "quiet");
        String key = newKey(admin, tenant, project, "idle").getString("key.id");
        putMonthlyBudget(admin, "/tenants/" + tenant + "/projects/" + project + "/limits", "\"12.50\"", null);
        putMonthlyBudget(admin, "/tenants/" + tenant + "/keys/" + key + "/limits", "\"0.75\"", 40_000L);

        Map<String, Object> projectMoney = only(budgets(admin, tenant, "project", null, 50), "MONEY", false);
        assertThat(projectMoney.get("ownerName")).isEqualTo("quiet");
        assertThat(new BigDecimal(projectMoney.get("limit").toString())).isEqualByComparingTo("12.50");
        assertThat(new BigDecimal(projectMoney.get("settled").toString())).isEqualByComparingTo("0");
        assertThat(new BigDecimal(projectMoney.get("held").toString())).isEqualByComparingTo("0");
        assertThat(projectMoney.get("currency")).isEqualTo("CNY");
        assertThat(projectMoney.get("periodStart")).isNull();
        assertThat(projectMoney.get("exhausted")).isEqualTo(false);

        JsonPath keys = budgets(admin, tenant, "key", null, 50);
        Map<String, Object> keyMoney = only(keys, "MONEY", false);
        Map<String, Object> keyTokens = only(keys, "TOKENS", false);
        assertThat(keyMoney.get("ownerName")).isEqualTo("idle");
        assertThat(new BigDecimal(keyMoney.get("limit").toString())).isEqualByComparingTo("0.75");
        assertThat(new BigDecimal(keyTokens.get("limit").toString())).isEqualByComparingTo("40000");
        assertThat(keyTokens.get("currency")).isNull();
        assertThat(keys.getList("budgets")).hasSize(2);
    }

    @Test
    void aTenantBudgetNotUsedYetIsListedWithItsPeriodAndNothingSpent() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "fresh", "Fresh Co", "CNY", "Asia/Shanghai");
        putMonthlyBudget(admin, "/tenants/" + tenant + "/limits", "\"30.00\"", 50_000L);
        // A model-specific money budget is counted on its own pool; its token budget equals the tenant's (shared).
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-pro\",\"limits\":{\"budgetPeriod\":\"MONTH\",\"budgetAmount\":\"5\"}}")
                .when()
                .put(API + "/tenants/" + tenant + "/limits")
                .then()
                .statusCode(200);

        JsonPath report = budgets(admin, tenant, "tenant", null, 50);
        List<Map<String, Object>> all = report.getList("budgets");
        assertThat(all)
                .extracting(b -> b.get("poolKey"))
                .containsExactly(
                        "money:tenant:" + tenant + ":*:MONTH",
                        "money:tenant:" + tenant + ":deepseek-v4-pro:MONTH",
                        "tokens:tenant:" + tenant + ":*:MONTH");
        LocalDate month = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).withDayOfMonth(1);
        for (Map<String, Object> b : all) {
            assertThat(b.get("level")).isEqualTo("tenant");
            assertThat(b.get("ownerId")).isEqualTo(tenant);
            assertThat(b.get("ownerName")).isEqualTo("Fresh Co");
            assertThat(b.get("shadow")).isEqualTo(false);
            assertThat(b.get("period")).isEqualTo("MONTH");
            assertThat(b.get("periodStart"))
                    .isEqualTo(month.atStartOfDay(java.time.ZoneId.of("Asia/Shanghai"))
                            .toInstant()
                            .toString());
            assertThat(b.get("periodEnd"))
                    .isEqualTo(month.plusMonths(1)
                            .atStartOfDay(java.time.ZoneId.of("Asia/Shanghai"))
                            .toInstant()
                            .toString());
            assertThat(dec(b.get("settled"))).isEqualByComparingTo("0");
            assertThat(dec(b.get("held"))).isEqualByComparingTo("0");
            assertThat(b.get("exhausted")).isEqualTo(false);
        }
        assertThat(dec(all.get(0).get("limit"))).isEqualByComparingTo("30");
        assertThat(all.get(0).get("currency")).isEqualTo("CNY");
        assertThat(all.get(0).get("model")).isEqualTo("*");
        assertThat(dec(all.get(1).get("limit"))).isEqualByComparingTo("5");
        assertThat(all.get(1).get("model")).isEqualTo("deepseek-v4-pro");
        assertThat(dec(all.get(2).get("limit"))).isEqualByComparingTo("50000");
        assertThat(all.get(2).get("currency")).isNull();
        // Paged by pool key like every level.
        JsonPath first = budgets(admin, tenant, "tenant", null, 2);
        assertThat(first.getList("budgets")).hasSize(2);
        JsonPath rest = budgets(admin, tenant, "tenant", first.getString("nextCursor"), 2);
        List<Map<String, Object>> restBudgets = rest.getList("budgets");
        assertThat(restBudgets)
                .extracting(b -> b.get("poolKey"))
                .containsExactly("tokens:tenant:" + tenant + ":*:MONTH");
        assertThat(rest.getString("nextCursor")).isNull();
    }

    @Test
    void budgetsRefuseAnUnknownLevelOrPageSizeNamingTheField() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = UUID.randomUUID().toString();
        given().auth()
                .oauth2(admin)
                .queryParam("level", "team")
                .when()
                .get(API + "/tenants/" + tenant + "/budgets")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("level"))
                .body("detail", containsString("tenant, project or key"));
        given().auth()
                .oauth2(admin)
                .queryParam("level", "key")
                .queryParam("limit", 501)
                .when()
                .get(API + "/tenants/" + tenant + "/budgets")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limit"))
                .body("detail", equalTo("limit must be a whole number from 1 to 500, got 501"));
    }

    @Test
    void quotaEventsRefuseANegativeAfterOrAPageSizeOutOfRangeNamingIt() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "events-paging");
        given().auth()
                .oauth2(admin)
                .queryParam("after", -5)
                .when()
                .get(API + "/tenants/" + tenant + "/quota-events")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("after"))
                .body(
                        "detail",
                        equalTo("after must be 0 (the first page) or the id of the last event of a previous page, got"
                                + " -5"));
        given().auth()
                .oauth2(admin)
                .queryParam("limit", 0)
                .when()
                .get(API + "/tenants/" + tenant + "/quota-events")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("limit"))
                .body("detail", equalTo("limit must be a whole number from 1 to 500, got 0"));
    }

    @Test
    void budgetsRefuseACursorThatNoPageReturnedNamingIt() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "budget-cursor");
        putMonthlyBudget(admin, "/tenants/" + tenant + "/limits", "\"30.00\"", 50_000L);
        String next = budgets(admin, tenant, "tenant", null, 1).getString("nextCursor");
        assertThat(next).as("two budgets, one a page").isNotNull();
        assertThat(budgets(admin, tenant, "tenant", next, 1).getList("budgets")).hasSize(1);

        for (String level : List.of("tenant", "project", "key")) {
            for (String cursor : List.of("garbage", next + "x", "money:" + level + ":not-a-uuid:*:MONTH")) {
                given().auth()
                        .oauth2(admin)
                        .queryParam("level", level)
                        .queryParam("cursor", cursor)
                        .when()
                        .get(API + "/tenants/" + tenant + "/budgets")
                        .then()
                        .statusCode(400)
                        .contentType(startsWith(PROBLEM))
                        .body("field", equalTo("cursor"))
                        .body(
                                "detail",
                                equalTo("cursor must be a nextCursor returned by a previous page of this listing"
                                        + " (an opaque value), got " + cursor));
            }
        }
    }

    @Test
    void quotaEventsFilterByExhaustedKind() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        String tenant = newTenant(admin, "exhaust", "Exhaust Co", "USD", "UTC");
        String project = newProject(admin, tenant, "app");
        JsonPath created = newKey(admin, tenant, project, "tiny");
        String key = created.getString("key.id");
        putMonthlyBudget(admin, "/tenants/" + tenant + "/keys/" + key + "/limits", "\"0.0002\"", null);
        int status = 200;
        for (int i = 0; i < 300 && status == 200; i++) {
            status = given().header("Authorization", "Bearer " + created.getString("secret"))
                    .contentType("application/json")
                    .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello " + i + "\"}]}")
                    .when()
                    .post("/v1/chat/completions")
                    .statusCode();
        }
        assertThat(status).isEqualTo(429);

        List<Map<String, Object>> exhausted = given().auth()
                .oauth2(admin)
                .queryParam("kind", "EXHAUSTED")
                .when()
                .get(API + "/tenants/" + tenant + "/quota-events")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(exhausted).singleElement().satisfies(e -> {
            assertThat(e.get("kind")).isEqualTo("EXHAUSTED");
            assertThat((String) e.get("limitKey")).startsWith("money:key:" + key + ":");
        });
        List<String> thresholdKinds = given().auth()
                .oauth2(admin)
                .queryParam("kind", "THRESHOLD")
                .when()
                .get(API + "/tenants/" + tenant + "/quota-events")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("kind", String.class);
        assertThat(thresholdKinds).isNotEmpty().containsOnly("THRESHOLD");
        given().auth()
                .oauth2(admin)
                .queryParam("kind", "REFUSED")
                .when()
                .get(API + "/tenants/" + tenant + "/quota-events")
                .then()
                .statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("field", equalTo("kind"))
                .body("detail", containsString("EXHAUSTED"));
    }

    /** The usage summary by key once the rollups hold all {@code expected} requests. */
    private static JsonPath awaitSummaryRequests(String token, String tenant, String from, String to, int expected)
            throws InterruptedException {
        JsonPath p = null;
        for (int i = 0; i < 300; i++) {
            p = given().auth()
                    .oauth2(token)
                    .queryParam("from", from)
                    .queryParam("to", to)
                    .queryParam("by", "keyId")
                    .when()
                    .get(API + "/billing/tenants/" + tenant + "/usage/summary")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath(BudgetReports.EXACT);
            if (p.getLong("total.requests") >= expected) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(p.getLong("total.requests"))
                .as("requests in the usage summary")
                .isEqualTo(expected);
        return p;
    }
}
