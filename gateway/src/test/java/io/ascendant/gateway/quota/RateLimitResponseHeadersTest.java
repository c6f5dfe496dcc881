package io.ascendant.gateway.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.datapath.AnthropicRequests;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-style {@code x-ratelimit-*} headers through the real data path: on every admitted answer (JSON and
 * stream) and on a 429 from admission, whose JSON error names the limit (scope, model when per-model), its value and
 * when to retry, with {@code Retry-After} (none for a request larger than a whole budget, which no retry can admit).
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class RateLimitResponseHeadersTest {

    private static final String MODEL = "deepseek-v4-flash";
    private static final String DURATION = "\\d+(ms|s|m|m\\d+s)";

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataSource ds;

    @BeforeEach
    void resetHosts() {
        support.reset();
    }

    @Test
    void everyAdmittedAnswerCarriesTheRateLimitHeaders() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("TENANT", key.tenantId(), key.tenantId(), "*", 600, 2_000_000L, null);
        limit("KEY", key.keyId(), key.tenantId(), "*", 300, 1_000_000L, null);

        for (boolean stream : new boolean[] {false, true}) {
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body(chat(stream, 16))
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200)
                    // The key's limits are the tighter ones.
                    .header("x-ratelimit-limit-requests", "300")
                    .header("x-ratelimit-remaining-requests", matchesPattern("\\d+"))
                    .header("x-ratelimit-reset-requests", matchesPattern(DURATION))
                    .header("x-ratelimit-limit-tokens", "1000000")
                    .header("x-ratelimit-remaining-tokens", matchesPattern("\\d+"))
                    .header("x-ratelimit-reset-tokens", matchesPattern(DURATION))
                    .header("retry-after", nullValue());
        }
    }

    @Test
    void anthropicMessagesCarryTheHeadersOnAnswersAndOnRefusals() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("TENANT", key.tenantId(), key.tenantId(), "*", 1, 2_000_000L, null);
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

        AnthropicRequests.as(key)
                .body(body)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .body("type", equalTo("message"))
                .header("x-ratelimit-limit-requests", "1")
                .header("x-ratelimit-limit-tokens", "2000000")
                .header("x-ratelimit-reset-tokens", matchesPattern(DURATION));

        AnthropicRequests.as(key)
                .body(body)
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .header("retry-after", matchesPattern("[1-9]\\d*"))
                .header("x-ratelimit-limit-requests", "1")
                .header("x-ratelimit-remaining-requests", "0")
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("requests per minute (tenant) is 1 request per minute"));
    }

    @Test
    void refusalNamesThePerModelLimitItsValueAndWhenToRetry() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("TENANT", key.tenantId(), key.tenantId(), "*", 600, 2_000_000L, null);
        // One request per minute for this key on this model only: GCRA admits the first, the second must wait.
        limit("KEY", key.keyId(), key.tenantId(), MODEL, 1, null, null);

        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false, 16))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-ratelimit-limit-requests", "1")
                .header("x-ratelimit-remaining-requests", "0");

        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false, 16))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("retry-after", matchesPattern("[1-9]\\d*"))
                .header("x-ratelimit-limit-requests", "1")
                .header("x-ratelimit-remaining-requests", "0")
                .header("x-ratelimit-reset-requests", matchesPattern(DURATION))
                .header("x-ratelimit-limit-tokens", "2000000")
                .header("x-ratelimit-remaining-tokens", matchesPattern("\\d+"))
                .header("x-ratelimit-reset-tokens", matchesPattern(DURATION))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("requests per minute (key, model " + MODEL + ")"),
                                containsString("is 1 request per minute"),
                                matchesPattern(".*Retry after [1-9]\\d* s\\.")));
    }

    @Test
    void budgetRefusalSaysBudgetUsedAndHeldAndCarriesTheHeaders() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("TENANT", key.tenantId(), key.tenantId(), "*", 600, 2_000_000L, null);
        // Fits a few requests of max_tokens 1 (worst case a few millionths of a dollar each), not one of 4096.
        limit("PROJECT", key.projectId(), key.tenantId(), MODEL, null, null, new BigDecimal("0.00002"));

        // Larger than the whole budget: the headers, but no Retry-After (no period can admit it).
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(false, 4096))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .header("x-ratelimit-limit-requests", "600")
                .header("x-ratelimit-limit-tokens", "2000000")
                .body("error.code", equalTo("quota_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for project daily budget for model " + MODEL
                                        + ": the whole budget is 0.00002 USD"),
                                containsString("Retrying will not help.")));

        // Small requests spend it until what is left is too little: then used, held and the end of the day.
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response r = given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body(chat(false, 1))
                    .when()
                    .post("/v1/chat/completions");
            refused = r.statusCode() == 429 ? r : null;
        }
        assertThat(refused).as("the budget refuses within 20 small requests").isNotNull();
        refused.then()
                .header("retry-after", matchesPattern("[1-9]\\d*"))
                .header("x-ratelimit-limit-requests", "600")
                .header("x-ratelimit-limit-tokens", "2000000")
                .body("error.code", equalTo("quota_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Limit reached: project daily budget for model " + MODEL
                                        + " is 0.00002 USD; used "),
                                containsString(", held by requests in flight and replicas' leases "),
                                matchesPattern(".*Retry after [1-9]\\d* s\\.")));
    }

    private static String chat(boolean stream, int maxTokens) {
        return new JsonObject()
                .put("model", MODEL)
                .put("stream", stream)
                .put("max_tokens", maxTokens)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    private void limit(
            String scope, UUID owner, UUID tenant, String model, Integer rpm, Long tpm, BigDecimal dailyBudget)
            throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO limit_set (id, scope, owner_id, tenant_id, model,"
                                + " requests_per_minute, tokens_per_minute, budget_period, budget_amount, updated_by)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, scope);
            ps.setObject(3, owner);
            ps.setObject(4, tenant);
            ps.setString(5, model);
            ps.setObject(6, rpm);
            ps.setObject(7, tpm);
            ps.setString(8, dailyBudget == null ? null : "DAY");
            ps.setBigDecimal(9, dailyBudget);
            ps.executeUpdate();
        }
    }
}
