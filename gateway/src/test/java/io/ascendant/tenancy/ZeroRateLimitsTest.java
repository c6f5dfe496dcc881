package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A per-minute rate of 0 used to be stored and then read by the quota engine as "no limit": an admin who set
 * {@code requestsPerMinute: 0} to stop a tenant lifted the plan's 600 rpm instead. Rates now take at least 1 at every
 * scope; budgets and {@code concurrentRequests} keep 0 as "refuse everything".
 */
@QuarkusTest
class ZeroRateLimitsTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String ADVICE =
            "at least 1; omit the field for no limit, or suspend the tenant to stop its traffic";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    EffectiveLimitsResolver resolver;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;
    private UUID key;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("zero"));
        project = fx.createProject(tenant, "p");
        key = UUID.fromString(fx.createKey(tenant, project, "k", null).getString("key.id"));
    }

    @Test
    void refusesAZeroOrNegativeRateAtEveryScopeNamingTheFieldAndStoresNothing() {
        List<String> paths = List.of(
                "/tenants/" + tenant + "/limits",
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "/tenants/" + tenant + "/keys/" + key + "/limits",
                "/plans/standard/limits");
        for (String path : paths) {
            for (String field : List.of("requestsPerMinute", "tokensPerMinute")) {
                for (long value : new long[] {0, -1}) {
                    put(path, Map.of(field, value), 400)
                            .contentType(startsWith(PROBLEM))
                            .body("field", equalTo("limits." + field))
                            .body("detail", containsString(ADVICE));
                }
            }
        }
        for (String path : paths.subList(0, 3)) {
            given().auth()
                    .oauth2(fx.platformToken())
                    .when()
                    .get(TenancyFixtures.API + path)
                    .then()
                    .statusCode(200)
                    .body("size()", equalTo(0));
        }
        // The plan's rates still apply to the tenant (standard plan: 600 rpm, 2,000,000 tpm).
        var effective = resolver.resolve(tenant, project, key, "deepseek-v4-flash");
        assertThat(effective.tenant().requestsPerMinute()).isEqualTo(600);
        assertThat(effective.tenant().tokensPerMinute()).isEqualTo(2_000_000L);
    }

    @Test
    void refusesAZeroRateInAShadowLimitNamingTheField() {
        for (String field : List.of("requestsPerMinute", "tokensPerMinute")) {
            given().auth()
                    .oauth2(fx.platformToken())
                    .contentType(ContentType.JSON)
                    .body(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "model", "*", field, 0))
                    .when()
                    .post(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                    .then()
                    .statusCode(400)
                    .contentType(startsWith(PROBLEM))
                    .body("field", equalTo(field))
                    .body("detail", containsString(ADVICE));
        }
    }

    @Test
    void zeroBudgetsAndConcurrencyStillFreezeALevel() {
        put("/tenants/" + tenant + "/keys/" + key + "/limits", Map.of("concurrentRequests", 0), 200)
                .body("limits.concurrentRequests", equalTo(0));
        put(
                        "/tenants/" + tenant + "/projects/" + project + "/limits",
                        Map.of("budgetPeriod", "MONTH", "budgetTokens", 0, "budgetAmount", "0"),
                        200)
                .body("limits.budgetTokens", equalTo(0));
        put("/tenants/" + tenant + "/limits", Map.of("requestsPerMinute", 1, "tokensPerMinute", 1), 200)
                .body("limits.requestsPerMinute", equalTo(1));
    }

    private ValidatableResponse put(String path, Map<String, Object> limits, int status) {
        return given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("model", "*", "limits", limits))
                .when()
                .put(TenancyFixtures.API + path)
                .then()
                .statusCode(status);
    }
}
