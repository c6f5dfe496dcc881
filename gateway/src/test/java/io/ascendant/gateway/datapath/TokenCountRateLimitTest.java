package io.ascendant.gateway.datapath;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Token counting is CPU work the size of the prompt, free of charge but not free of limits: each call counts against
 * the key's requests-per-minute limit, and one over it is a 429 in Anthropic's shape with {@code Retry-After}.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class TokenCountRateLimitTest {
    private static final String BODY =
            "{\"model\":\"deepseek-v4-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}";

    @Inject
    TestKeys keys;

    @Inject
    DataSource ds;

    @Test
    void countsEachCallAgainstTheKeysRequestsPerMinute() throws SQLException {
        TestKeys.Key key = keys.create(Set.of());
        keyRequestsPerMinute(key, 2);

        for (int i = 0; i < 2; i++) {
            count(key).then().statusCode(200).body("input_tokens", notNullValue());
        }
        count(key)
                .then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"));

        // Another key of the same tenant has its own limit.
        TestKeys.Key other = keys.create(Set.of());
        count(other).then().statusCode(200);
    }

    private static io.restassured.response.Response count(TestKeys.Key key) {
        RequestSpecification spec = AnthropicRequests.as(key).body(BODY);
        return spec.when().post("/v1/messages/count_tokens");
    }

    private void keyRequestsPerMinute(TestKeys.Key k, int rpm) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO limit_set (id, scope, owner_id, tenant_id,"
                        + " model, requests_per_minute, updated_by) VALUES (?, 'KEY', ?, ?, '*', ?, 'test')")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, k.keyId());
            ps.setObject(3, k.tenantId());
            ps.setInt(4, rpm);
            ps.executeUpdate();
        }
    }
}
