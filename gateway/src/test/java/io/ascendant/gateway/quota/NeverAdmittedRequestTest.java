package io.ascendant.gateway.quota;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.datapath.AnthropicRequests;
import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request that no retry can admit (its token hold exceeds the whole tokens-per-minute limit, or the key's concurrency
 * limit is 0) is refused with a 429 that says what to change and carries no {@code Retry-After}: SDKs retry a 429 with
 * one automatically. It used to say "Retry after 1 s" with {@code Retry-After: 1}.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class NeverAdmittedRequestTest {

    private static final String MODEL = "deepseek-v4-flash";

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

        // No max_tokens: the hold is the prompt plus the route's cap (8192 tokens in the test profile).
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body(
                        "error.message",
                        allOf(
                                containsString("Request too large for tokens per minute (key): limit 1000"),
                                containsString("Set max_tokens to at most"),
                                containsString("Retrying will not help"),
                                not(containsString("Retry after"))));

        // The same key with a max_tokens that fits is admitted.
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }

    @Test
    void anthropicMessageTooLargeForTheTokensPerMinuteLimitKeepsAnthropicsShapeWithoutRetryAfter() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyLimit(key, "tokens_per_minute", 1000);

        AnthropicRequests.as(key)
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":4096,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
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

        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when()
                .post("/v1/chat/completions")
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
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .header("retry-after", nullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.message", containsString("Frozen"));
    }

    private void keyLimit(TestKeys.Key key, String column, int value) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO limit_set (id, scope, owner_id, tenant_id, model, " + column
                                + ", updated_by) VALUES (?, 'KEY', ?, ?, '*', ?, 'test')")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, key.keyId());
            ps.setObject(3, key.tenantId());
            ps.setInt(4, value);
            ps.executeUpdate();
        }
    }
}
