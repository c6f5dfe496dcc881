package io.ascendant.gateway.quota;

import static io.ascendant.gateway.testsupport.AdminFixtures.newCaller;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.AdminFixtures.Caller;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeyLedgerTotals;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.limits.EffectiveLimits;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A hard budget set in the middle of its period counts what the owner already spent in that period: real chat
 * requests through the gateway (fake model hosts) spend first, then a budget just above that spend is set through the
 * admin limits API, and the next request is refused; the budgets API's settled amount is the ledger's sum.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class MidPeriodBudgetTest {

    private static final String API = "/admin/api/v1";
    private static final JsonPathConfig EXACT =
            JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL);
    private static final int SPENT_REQUESTS = 3;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver resolver;

    @Test
    void aTenantMoneyBudgetSetMidPeriodStartsFromTheLedgersSpend() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller caller = newCaller(admin, "mid-money", "Mid Period Co", "money");
        spend(caller);
        KeyLedgerTotals spent = KeyLedgerTotals.await(dataSource, caller.key(), SPENT_REQUESTS);
        assertThat(spent.amount()).isPositive();

        // The smallest budget (6 decimal places) above the spend: far less headroom than one more request needs.
        BigDecimal budget = spent.amount().setScale(6, RoundingMode.CEILING);
        if (budget.compareTo(spent.amount()) == 0) {
            budget = budget.add(new BigDecimal("0.000001"));
        }
        putMonthlyBudget(admin, "/tenants/" + caller.tenant() + "/limits", "\"" + budget.toPlainString() + "\"", null);
        awaitLimits(caller, l -> l.tenant().budgetAmount());
        // Before the budget's first request (no counter yet) the budgets API already shows it with the period's spend.
        Map<String, Object> unused = only(budgets(admin, caller.tenant(), "tenant"), "MONEY");
        assertThat(dec(unused.get("limit"))).isEqualByComparingTo(budget);
        assertThat(dec(unused.get("settled"))).isEqualByComparingTo(spent.amount());
        assertThat(dec(unused.get("held"))).isEqualByComparingTo("0");

        Response refused = chat(caller, 99);
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
        assertThat(refused.jsonPath().getString("error.message")).contains("tenant monthly budget");

        Map<String, Object> money = only(budgets(admin, caller.tenant(), "tenant"), "MONEY");
        assertThat(dec(money.get("limit"))).isEqualByComparingTo(budget);
        assertThat(dec(money.get("settled"))).isEqualByComparingTo(spent.amount());
        assertThat(KeyLedgerTotals.await(dataSource, caller.key(), SPENT_REQUESTS)
                        .amount())
                .isEqualByComparingTo(spent.amount());
    }

    @Test
    void aKeyTokenBudgetSetMidPeriodStartsFromTheLedgersTokens() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller caller = newCaller(admin, "mid-tokens", "Mid Period Co", "tokens");
        spend(caller);
        KeyLedgerTotals spent = KeyLedgerTotals.await(dataSource, caller.key(), SPENT_REQUESTS);
        assertThat(spent.tokens()).isPositive();

        long budget = spent.tokens() + 1;
        putMonthlyBudget(admin, "/tenants/" + caller.tenant() + "/keys/" + caller.key() + "/limits", null, budget);
        awaitLimits(caller, l -> l.key().budgetTokens());

        Response refused = chat(caller, 99);
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
        assertThat(refused.jsonPath().getString("error.message")).contains("key monthly token budget");

        Map<String, Object> tokens = only(budgets(admin, caller.tenant(), "key"), "TOKENS");
        assertThat(tokens.get("ownerId")).isEqualTo(caller.key().toString());
        assertThat(dec(tokens.get("limit"))).isEqualByComparingTo(BigDecimal.valueOf(budget));
        assertThat(dec(tokens.get("settled")).longValueExact()).isEqualTo(spent.tokens());
    }

    /** Spends {@link #SPENT_REQUESTS} chat requests, with no budget set yet: all are admitted. */
    private static void spend(Caller caller) {
        for (int i = 0; i < SPENT_REQUESTS; i++) {
            Response r = chat(caller, i);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        }
    }

    private static Response chat(Caller caller, int i) {
        return given().header("Authorization", "Bearer " + caller.secret())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to three, take " + i + "\"}]}")
                .when()
                .post("/v1/chat/completions");
    }

    /** Waits until the limits change has reached the gateway's limits cache (it travels by a notification). */
    private void awaitLimits(Caller caller, Function<EffectiveLimits, Object> budget) throws InterruptedException {
        UUID tenant = UUID.fromString(caller.tenant());
        Object seen = null;
        for (int i = 0; i < 300 && seen == null; i++) {
            seen = budget.apply(resolver.resolve(tenant, caller.project(), caller.key(), "deepseek-v4-flash"));
            if (seen == null) {
                Thread.sleep(100);
            }
        }
        assertThat(seen).as("the new budget in the effective limits").isNotNull();
    }

    private static JsonPath budgets(String token, String tenant, String level) {
        return given().auth()
                .oauth2(token)
                .queryParam("level", level)
                .queryParam("limit", 100)
                .when()
                .get(API + "/tenants/" + tenant + "/budgets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath(EXACT);
    }

    private static Map<String, Object> only(JsonPath report, String unit) {
        List<Map<String, Object>> budgets = report.getList("budgets");
        List<Map<String, Object>> ofUnit = budgets.stream()
                .filter(b -> unit.equals(b.get("unit")) && Boolean.FALSE.equals(b.get("shadow")))
                .toList();
        assertThat(ofUnit).as(unit + " budgets in " + budgets).hasSize(1);
        return ofUnit.getFirst();
    }

    /** A JSON number read exactly. */
    private static BigDecimal dec(Object jsonNumber) {
        return new BigDecimal(jsonNumber.toString());
    }
}
