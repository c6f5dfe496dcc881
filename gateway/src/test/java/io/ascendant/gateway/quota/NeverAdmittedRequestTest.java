package io.ascendant.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.datapath.AnthropicRequests;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.TenantChats;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request that no retry can admit (its token hold exceeds the whole tokens-per-minute limit, its hold exceeds a whole
 * money or token budget, or the key's concurrency limit is 0) is refused with a 429 that says what to change and
 * carries no {@code Retry-After}: SDKs retry a 429 with one automatically. It used to say "Retry after 1 s" with {@code
 * Retry-After: 1} (a budget: the end of its period).
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class NeverAdmittedRequestTest {

    private static final String MODEL = "deepseek-v4-flash";
    private static final Pattern SUGGESTED = Pattern.compile("Set max_tokens to at most (\\d+) ");

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
    void chatWhoseHoldExceedsTheWholeTokensPerMinuteLimitSaysToLowerMaxTokensWithoutRetryAfter() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyLimit(key, "tokens_per_minute", 1000);

        // No max_tokens: the hold is the prompt plus the default output budget, 4096 (the route's cap is 8192).
        chat(key, -1)
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for tokens per minute (key): limit 1000"),
                                containsString(" + default max_tokens 4096). Set max_tokens to at most"),
                                containsString("Retrying will not help"),
                                not(containsString("Retry after"))));

        // The same key with a max_tokens that fits is admitted.
        chat(key, 16).then().statusCode(200);
    }

    @Test
    void chatThatSetMaxCompletionTokensIsToldToLowerMaxCompletionTokens() throws SQLException {
        TestKeys.Key perMinute = keys.create(Set.of());
        keyLimit(perMinute, "tokens_per_minute", 1000);
        TestKeys.Key tokenBudget = keys.create(Set.of());
        limit("KEY", tokenBudget.keyId(), tokenBudget, "*", "DAY", "budget_tokens", 100L);
        TestKeys.Key moneyBudget = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, moneyBudget.tenantId(), "MONTH", new BigDecimal("0.0001"));

        for (TestKeys.Key key : new TestKeys.Key[] {perMinute, tokenBudget, moneyBudget}) {
            Response refused = chatWithMaxCompletionTokens(key, 4096);
            refused.then()
                    .statusCode(429)
                    .header("retry-after", nullValue())
                    .body(
                            "error.message",
                            allOf(
                                    containsString("max_completion_tokens 4096"),
                                    containsString("Set max_completion_tokens to at most "),
                                    not(containsString("max_tokens to")),
                                    not(containsString(" max_tokens "))));
            int fits = suggested(refused, "max_completion_tokens");
            chatWithMaxCompletionTokens(key, fits).then().statusCode(200);
        }
    }

    @Test
    void anthropicMessageTooLargeForTheTokensPerMinuteLimitKeepsAnthropicsShapeWithoutRetryAfter() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyLimit(key, "tokens_per_minute", 1000);

        AnthropicRequests.as(key)
                .body(TenantChats.body(MODEL, 4096))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("Request too large"))
                .body("error.message", containsString("max_tokens 4096"));
    }

    @Test
    void frozenKeySaysItIsFrozenWithoutRetryAfterInBothApis() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyLimit(key, "concurrent_requests", 0);

        chat(key, 16)
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Frozen: concurrent requests (key) is 0"),
                                containsString("until an administrator raises the limit"),
                                not(containsString("Retry after"))));

        AnthropicRequests.as(key)
                .body(TenantChats.body(MODEL, 16))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("Frozen"));
    }

    @Test
    void perModelProjectMoneyBudgetSmallerThanTheWorstCaseSaysWhichMaxTokensFitsWithoutRetryAfter()
            throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("TENANT", key.tenantId(), key, "*", null, "requests_per_minute", 600);
        limit("PROJECT", key.projectId(), key, MODEL, "DAY", "budget_amount", new BigDecimal("0.0001"));

        Response refused = chat(key, 4096);
        refused.then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .header("x-ratelimit-limit-requests", "600")
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("quota_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for project daily budget for model " + MODEL
                                        + ": the whole budget is 0.0001 USD, and the request would hold "),
                                containsString("max_tokens 4096 at the output price"),
                                containsString("so that the worst case fits the budget, or ask for a higher budget."),
                                containsString("Retrying will not help."),
                                not(containsString("Retry after"))));
        int fits = suggestedMaxTokens(refused);
        assertThat(fits).isBetween(1, 4095);

        // One token more does not fit either; the suggested max_tokens is admitted.
        chat(key, fits + 1)
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("error.message", containsString("Set max_tokens to at most " + fits + " "));
        chat(key, fits).then().statusCode(200);
        assertThat(exhaustedEvents(key))
                .as("a budget that is not used up is not shown exhausted")
                .isZero();
    }

    @Test
    void keyTokenBudgetSmallerThanTheRequestIsNeverAdmittedButARequestThatFitsWaitsForThePeriodEnd()
            throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        limit("KEY", key.keyId(), key, "*", "DAY", "budget_tokens", 100L);

        Response tooLarge = chat(key, 4096);
        tooLarge.then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("error.code", equalTo("quota_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for key daily token budget: the whole budget is 100"
                                        + " tokens, and the request would hold "),
                                containsString(" + max_tokens 4096). Set max_tokens to at most "),
                                containsString("so that prompt plus max_tokens fits the budget"),
                                containsString("Retrying will not help.")));
        int fits = suggestedMaxTokens(tooLarge);
        assertThat(exhaustedEvents(key)).isZero();

        // Prompt plus the suggested max_tokens is the whole budget: admitted once, then the budget is used up.
        chat(key, fits).then().statusCode(200);
        Instant before = Instant.now();
        Response full = chat(key, fits);
        Instant after = Instant.now();
        full.then()
                .statusCode(429)
                .body("error.code", equalTo("quota_exceeded"))
                .body("error.message", containsString("Limit reached: key daily token budget is 100 tokens"))
                .body("error.message", matchesPattern(".*Retry after [1-9]\\d* s\\."));
        long retryAfter = Long.parseLong(full.header("retry-after"));
        assertThat(retryAfter)
                .as("Retry-After is the end of the day")
                .isBetween(secondsToMidnightUtc(after), secondsToMidnightUtc(before) + 1);
        assertThat(exhaustedEvents(key)).isEqualTo(1);
    }

    @Test
    void anthropicMessageLargerThanTheTenantBudgetKeepsAnthropicsShapeWithoutRetryAfter() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, key.tenantId(), "MONTH", new BigDecimal("0.0001"));

        AnthropicRequests.as(key)
                .body(TenantChats.body(MODEL, 4096))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for tenant monthly budget: the whole budget is"
                                        + " 0.0001 USD"),
                                containsString("Set max_tokens to at most"),
                                containsString("Retrying will not help.")));
        assertThat(exhaustedEvents(key)).isZero();
    }

    private void keyLimit(TestKeys.Key key, String column, int value) throws SQLException {
        limit("KEY", key.keyId(), key, "*", null, column, value);
    }

    private void limit(
            String scope, UUID owner, TestKeys.Key key, String model, String period, String column, Object value)
            throws SQLException {
        TenantLimitRows.scoped(ds, scope, owner, key.tenantId(), model, period, column, value);
    }

    private long exhaustedEvents(TestKeys.Key key) throws SQLException {
        return (Long) DatabaseRows.single(
                        ds,
                        "SELECT count(*) AS n FROM quota_event WHERE tenant_id = ?::uuid AND kind = 'EXHAUSTED'",
                        key.tenantId().toString())
                .get("n");
    }

    /** A "Say hello" chat as {@code key}; no {@code max_tokens} when {@code maxTokens < 0}. */
    private static Response chat(TestKeys.Key key, int maxTokens) {
        return TenantChats.post(key.text(), MODEL, maxTokens);
    }

    /** A "Say hello" chat as {@code key} that sets {@code max_completion_tokens}, not {@code max_tokens}. */
    private static Response chatWithMaxCompletionTokens(TestKeys.Key key, int maxCompletionTokens) {
        return RestAssured.given()
                .auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"max_completion_tokens\":" + maxCompletionTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when()
                .post("/v1/chat/completions");
    }

    /** The value of {@code param} a never-admitted refusal suggests. */
    private static int suggested(Response refusal, String param) {
        Matcher m = Pattern.compile("Set " + param + " to at most (\\d+) ")
                .matcher(refusal.jsonPath().getString("error.message"));
        assertThat(m.find()).as(refusal.asString()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The {@code max_tokens} a never-admitted refusal suggests. */
    private static int suggestedMaxTokens(Response refusal) {
        Matcher m = SUGGESTED.matcher(refusal.jsonPath().getString("error.message"));
        assertThat(m.find()).as(refusal.asString()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Seconds from {@code t} to the next midnight UTC (the test tenants' time zone): a daily budget's period end. */
    private static long secondsToMidnightUtc(Instant t) {
        Instant midnight = t.atZone(ZoneOffset.UTC)
                .toLocalDate()
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        return Duration.between(t, midnight).toSeconds();
    }
}
