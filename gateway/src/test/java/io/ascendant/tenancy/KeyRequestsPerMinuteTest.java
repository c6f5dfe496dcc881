package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key limit of N requests per minute, set through the admin API, admits a burst of exactly N requests and refuses
 * the next, and the {@code x-ratelimit-*} headers agree with it: the limit is N, remaining counts down to 0 and never
 * exceeds the limit.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class KeyRequestsPerMinuteTest {

    private static final String BODY = "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataPathTestSupport support;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID keyId;
    private String secret;

    @BeforeEach
    void setUp() {
        support.reset();
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("rpm"));
        UUID project = fx.createProject(tenant, "p");
        var key = fx.createKey(tenant, project, "k", null);
        keyId = UUID.fromString(key.getString("key.id"));
        secret = key.getString("secret");
    }

    @Test
    void threeRequestsPerMinuteAdmitThreeThenRefuseWithConsistentHeaders() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("model", "*", "limits", Map.of("requestsPerMinute", 3)))
                .when()
                .put(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + keyId + "/limits")
                .then()
                .statusCode(200);

        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(given().auth()
                    .oauth2(secret)
                    .contentType(ContentType.JSON)
                    .body(BODY)
                    .when()
                    .post("/v1/chat/completions"));
        }

        assertThat(answers).extracting(Response::statusCode).containsExactly(200, 200, 200, 429);
        assertThat(answers)
                .extracting(r -> r.header("x-ratelimit-limit-requests"))
                .containsExactly("3", "3", "3", "3");
        assertThat(answers)
                .extracting(r -> r.header("x-ratelimit-remaining-requests"))
                .containsExactly("2", "1", "0", "0");
        Response refused = answers.get(3);
        assertThat(Integer.parseInt(refused.header("retry-after"))).isPositive();
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("rate_limit_exceeded");
        assertThat(refused.jsonPath().getString("error.message"))
                .contains("requests per minute (key) is 3 requests per minute");
        for (Response r : answers) {
            String limitTokens = r.header("x-ratelimit-limit-tokens");
            if (limitTokens != null) {
                assertThat(Long.parseLong(r.header("x-ratelimit-remaining-tokens")))
                        .isBetween(0L, Long.parseLong(limitTokens));
            }
        }
    }
}
