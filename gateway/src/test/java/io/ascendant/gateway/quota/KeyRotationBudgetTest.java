package io.ascendant.gateway.quota;

import static io.ascendant.gateway.testsupport.AdminFixtures.newCaller;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.AdminFixtures.Caller;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeyLedgerTotals;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A rotated key and its successor spend one key budget: the successor continues the spend of the key it replaces,
 * and the old key, during its grace period, spends from the same pool. Regression for a user trial where every
 * rotation added a full key budget (339 tokens admitted against a 200-token daily key budget). Real chat requests
 * through the gateway (fake model hosts), key limits and rotation through the admin API.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class KeyRotationBudgetTest {

    private static final String API = "/admin/api/v1";
    private static final long BUDGET_TOKENS = 200;
    /** More requests than a 200-token budget can admit (each holds its prompt plus 16 output tokens). */
    private static final int MAX_ATTEMPTS = 40;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver resolver;

    @Test
    void successorOfAKeyThatUsedItsBudgetIsRefused() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller old = budgetedCaller(admin, "rot-used");

        int admitted = spendUntilRefused(old.secret());
        assertThat(admitted).as("requests admitted before the budget ran out").isPositive();

        Rotated next = rotate(admin, old);
        Response refused = chat(next.secret());
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
        assertThat(refused.jsonPath().getString("error.message")).contains("key daily token budget");
        assertThat(chat(old.secret()).statusCode())
                .as("the old key in its grace period")
                .isEqualTo(429);

        long spent = KeyLedgerTotals.await(dataSource, old.key(), admitted).tokens();
        assertThat(KeyLedgerTotals.of(dataSource, next.key()).rows()).isZero();
        assertThat(spent).isLessThanOrEqualTo(BUDGET_TOKENS);
    }

    @Test
    void oldAndNewKeyTogetherNeverSpendMoreThanTheKeyBudget() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller old = budgetedCaller(admin, "rot-shared");
        Response first = chat(old.secret());
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);

        Rotated next = rotate(admin, old);
        // Alternate successor and old key (still in its grace period) until both are refused.
        int admittedOld = 1, admittedNew = 0;
        boolean newRefused = false, oldRefused = false;
        for (int i = 0; i < MAX_ATTEMPTS && !(newRefused && oldRefused); i++) {
            boolean useNew = i % 2 == 0;
            Response r = chat(useNew ? next.secret() : old.secret());
            if (r.statusCode() == 200) {
                if (useNew) {
                    admittedNew++;
                } else {
                    admittedOld++;
                }
            } else {
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(429);
                assertThat(r.jsonPath().getString("error.message")).contains("key daily token budget");
                newRefused |= useNew;
                oldRefused |= !useNew;
            }
        }
        assertThat(newRefused)
                .as("the successor refused once the shared budget is used")
                .isTrue();
        assertThat(oldRefused)
                .as("the old key refused once the shared budget is used")
                .isTrue();

        long total = KeyLedgerTotals.await(dataSource, old.key(), admittedOld).tokens()
                + KeyLedgerTotals.await(dataSource, next.key(), admittedNew).tokens();
        assertThat(total).as("tokens admitted to both keys").isLessThanOrEqualTo(BUDGET_TOKENS);
    }

    /** A new tenant's key with a daily key budget of {@link #BUDGET_TOKENS} for every model, in effect. */
    private Caller budgetedCaller(String admin, String slug) throws InterruptedException {
        Caller caller = newCaller(admin, slug, "Rotation Co", "rotating");
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"*\",\"limits\":{\"budgetPeriod\":\"DAY\",\"budgetTokens\":" + BUDGET_TOKENS + "}}")
                .when()
                .put(API + "/tenants/" + caller.tenant() + "/keys/" + caller.key() + "/limits")
                .then()
                .statusCode(200);
        UUID tenant = UUID.fromString(caller.tenant());
        Long seen = null;
        for (int i = 0; i < 300 && seen == null; i++) {
            seen = resolver.resolve(tenant, caller.project(), caller.key(), "deepseek-v4-flash")
                    .key()
                    .budgetTokens();
            if (seen == null) {
                Thread.sleep(100);
            }
        }
        assertThat(seen).as("the key budget in the effective limits").isEqualTo(BUDGET_TOKENS);
        return caller;
    }

    /** Chat requests with one key until the first refusal; the number admitted. */
    private static int spendUntilRefused(String secret) {
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            Response r = chat(secret);
            if (r.statusCode() != 200) {
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(429);
                assertThat(r.jsonPath().getString("error.code")).isEqualTo("quota_exceeded");
                return i;
            }
        }
        throw new AssertionError(
                "no refusal in " + MAX_ATTEMPTS + " requests under a " + BUDGET_TOKENS + "-token key budget");
    }

    private record Rotated(UUID key, String secret) {}

    private static Rotated rotate(String admin, Caller old) {
        JsonPath created = given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post(API + "/tenants/" + old.tenant() + "/keys/" + old.key() + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(created.getString("key.rotatedFrom")).isEqualTo(old.key().toString());
        return new Rotated(UUID.fromString(created.getString("key.id")), created.getString("secret"));
    }

    private static Response chat(String secret) {
        return given().header("Authorization", "Bearer " + secret)
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to three\"}]}")
                .when()
                .post("/v1/chat/completions");
    }
}
