package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shadow limit's create answer is the stored row: its {@code createdAt} is what a later read lists (PostgreSQL keeps
 * microseconds, so a time taken in Java would differ), and replacing the limit keeps its id and {@code createdAt}. A
 * budget amount comes back without trailing zeros, in the answer and in later reads.
 */
@QuarkusTest
class ShadowLimitReadBackTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;
    private UUID tenant;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("shadowread"));
    }

    @Test
    void theCreateAnswerEqualsWhatALaterReadLists() {
        JsonPath created =
                post(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "model", "*", "requestsPerMinute", 60));
        assertThat(created.getString("createdAt")).isNotBlank();
        JsonPath listed = list();
        assertThat(listed.getList("$")).hasSize(1);
        assertThat(listed.getString("[0].id")).isEqualTo(created.getString("id"));
        assertThat(listed.getString("[0].createdAt")).isEqualTo(created.getString("createdAt"));
        assertThat(listed.getMap("[0].limit")).isEqualTo(created.getMap("limit"));

        JsonPath replaced =
                post(Map.of("scope", "TENANT", "ownerId", tenant.toString(), "model", "*", "requestsPerMinute", 30));
        assertThat(replaced.getString("id")).isEqualTo(created.getString("id"));
        assertThat(replaced.getString("createdAt")).isEqualTo(created.getString("createdAt"));
        assertThat(replaced.getInt("limit.requestsPerMinute")).isEqualTo(30);
        assertThat(list().getInt("[0].limit.requestsPerMinute")).isEqualTo(30);
    }

    @Test
    void aShadowBudgetAmountComesBackWithoutTrailingZeros() {
        Map<String, Object> body = Map.of(
                "scope", "TENANT",
                "ownerId", tenant.toString(),
                "model", "*",
                "budgetPeriod", "DAY",
                "budgetAmount", "5.00");
        String created = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(201)
                .extract()
                .asString();
        assertThat(created).containsPattern("\"budgetAmount\":5[,}]");
        String listed = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).containsPattern("\"budgetAmount\":5[,}]");
    }

    private JsonPath post(Map<String, Object> body) {
        return given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    private JsonPath list() {
        return given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/{id}/shadow-limits", tenant)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
