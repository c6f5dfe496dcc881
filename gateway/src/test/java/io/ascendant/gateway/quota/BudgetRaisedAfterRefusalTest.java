package io.ascendant.gateway.quota;

import static io.ascendant.gateway.testsupport.AdminFixtures.newCaller;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.AdminFixtures.Caller;
import io.ascendant.gateway.testsupport.BudgetReports;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeyLedgerTotals;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A budget lowered until it refuses, then raised back through the admin limits API, admits again at once: real chat
 * requests through the gateway (fake model hosts). The gateway keeps one local view of an account per limit it has
 * applied, so raising a budget back to a value it had earlier this period returns to a view it already has: the
 * shared account must still take the raised limit, not keep the lowered one until the gateway restarts.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class BudgetRaisedAfterRefusalTest {

    private static final String API = "/admin/api/v1";
    private static final int SPENT_REQUESTS = 3;
    /**
     * Small enough that one lease slice (2 % of it) is no more than a request's hold: the gateway keeps no unspent
     * slice under this limit, so each request here asks the shared account.
     */
    private static final long BUDGET_TOKENS = 1000;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver resolver;

    @Test
    void aKeyTokenBudgetRaisedBackAfterARefusalAdmitsAgain() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller caller = newCaller(admin, "raised", "Raised Budget Co", "raised");
        // The plan's 600 requests/minute would not stop this test, but keep rate limits out of the way anyway.
        given().auth()
                .oauth2(admin)
                .contentType("application/json")
                .body("{\"model\":\"*\",\"limits\":{\"requestsPerMinute\":1000000}}")
                .when()
                .put(API + "/tenants/" + caller.tenant() + "/limits")
                .then()
                .statusCode(200);
        String keyLimits = "/tenants/" + caller.tenant() + "/keys/" + caller.key() + "/limits";
        putMonthlyBudget(admin, keyLimits, null, BUDGET_TOKENS);
        awaitKeyBudget(caller, BUDGET_TOKENS);
        BudgetReports.spend(caller.secret(), SPENT_REQUESTS);
        // Settled in the ledger's transaction, which may finish just after the answer.
        KeyLedgerTotals spent = KeyLedgerTotals.await(dataSource, caller.key(), SPENT_REQUESTS);
        assertThat(spent.tokens()).isPositive().isLessThan(BUDGET_TOKENS);

        // Lowered to one token above the spend: a request still fits the whole budget, but not what is left of it.
        long lowered = spent.tokens() + 1;
        putMonthlyBudget(admin, keyLimits, null, lowered);
        awaitKeyBudget(caller, lowered);
        Response refused = chat(caller, "lowered");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
        assertThat(refused.getHeader("Retry-After"))
                .as("used up for now, not too large")
                .isNotNull();

        // Raised back: admitted again, without a restart.
        putMonthlyBudget(admin, keyLimits, null, BUDGET_TOKENS);
        awaitKeyBudget(caller, BUDGET_TOKENS);
        Response admitted = chat(caller, "raised");
        assertThat(admitted.statusCode()).as(admitted.asString()).isEqualTo(200);
        KeyLedgerTotals after = KeyLedgerTotals.await(dataSource, caller.key(), SPENT_REQUESTS + 1);

        // Lowered to the same value again: refused again, the lowered limit applies at once too.
        long loweredAgain = after.tokens() + 1;
        putMonthlyBudget(admin, keyLimits, null, loweredAgain);
        awaitKeyBudget(caller, loweredAgain);
        Response refusedAgain = chat(caller, "lowered again");
        assertThat(refusedAgain.statusCode()).as(refusedAgain.asString()).isEqualTo(429);
        assertThat(refusedAgain.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
    }

    private static Response chat(Caller caller, String take) {
        return given().header("Authorization", "Bearer " + caller.secret())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to three, " + take + "\"}]}")
                .when()
                .post("/v1/chat/completions");
    }

    /** Waits until the key's token budget in the gateway's limits cache is {@code tokens} (it travels by a notification). */
    private void awaitKeyBudget(Caller caller, long tokens) throws InterruptedException {
        UUID tenant = UUID.fromString(caller.tenant());
        Long seen = null;
        for (int i = 0; i < 300; i++) {
            seen = resolver.resolve(tenant, caller.project(), caller.key(), "deepseek-v4-flash")
                    .key()
                    .budgetTokens();
            if (Objects.equals(seen, tokens)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(seen).as("the key's token budget in the effective limits").isEqualTo(tokens);
    }
}
