package io.ascendant.gateway.quota;

import static io.ascendant.gateway.testsupport.AdminFixtures.newCaller;
import static io.ascendant.gateway.testsupport.AdminFixtures.putMonthlyBudget;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.AdminFixtures.Caller;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TableLocks;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A request whose admission needs the quota store while PostgreSQL does not answer gets a prompt 503 {@code
 * quota_unavailable} with {@code Retry-After} in the OpenAI error shape (fail closed), not a hang; once the store
 * answers again requests pass, and every admitted request is settled exactly once against the budget (the refused
 * one is neither in the ledger nor charged, and nothing stays reserved for it).
 *
 * <p>The stall is real: a session holds {@code quota_account} locked, so the lease the request needs gets no answer
 * from PostgreSQL (from the gateway's side the same as a stopped server) until the test lets go. The database timeout
 * is 1 s; the client gives up after 30 s, which only a hang would reach (no other use of wall-clock time).
 */
@QuarkusTest
@TestProfile(QuotaStoreStallTest.OneSecondStoreTimeout.class)
class QuotaStoreStallTest {

    /** Quota enforcement on, with a database timeout of 1 s. */
    public static class OneSecondStoreTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.quota.enabled", "true", "gateway.quota.database-timeout", "1s");
        }
    }

    private static final String MODEL = "deepseek-v4-flash";
    private static final int MAX_TOKENS = 200;
    /** Each request reserves its prompt plus 200 tokens, far above a lease's 2 % (80): every admission leases. */
    private static final long TOKEN_BUDGET = 4000;

    private static final RestAssuredConfig CLIENT_GIVES_UP_AFTER_30_S = RestAssured.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 30_000)
                    .setParam("http.socket.timeout", 30_000));

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    EffectiveLimitsResolver resolver;

    @Test
    void aStalledQuotaStoreGetsAFast503AndRequestsPassOnceItAnswersWithEveryRequestChargedOnce() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller caller = newCaller(admin, "stall", "Stalled Store Co", "stall");
        putMonthlyBudget(
                admin, "/tenants/" + caller.tenant() + "/keys/" + caller.key() + "/limits", null, TOKEN_BUDGET);
        awaitKeyBudget(caller);

        Response warm = chat(caller, "warm");
        assertThat(warm.statusCode()).as(warm.asString()).isEqualTo(200);
        awaitLedgerRows(caller.key(), 1);

        Response refused;
        try (Connection stall = TableLocks.exclusive(dataSource, "quota_account")) {
            try {
                refused = chat(caller, "while the store stalls");
            } finally {
                stall.rollback();
            }
        }
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        JsonPath error = refused.jsonPath();
        assertThat(error.getString("error.code")).isEqualTo("quota_unavailable");
        assertThat(error.getString("error.type")).isEqualTo("service_unavailable");
        assertThat(error.getString("error.message"))
                .contains("quota store is not answering")
                .contains("Retry after 1 s");
        String refusedId = refused.header("x-request-id");
        assertThat(refusedId).isNotBlank();

        // The store answers again: requests pass (a loaded machine may still see a slow statement; retry a few).
        int admitted = 1;
        Response after = null;
        for (int i = 0; i < 10 && (after == null || after.statusCode() != 200); i++) {
            after = chat(caller, "after " + i);
            assertThat(after.statusCode()).as(after.asString()).isIn(200, 503);
        }
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
        admitted++;

        Ledger ledger = awaitLedgerRows(caller.key(), admitted);
        assertThat(ledger.requestIds()).doesNotContain(refusedId);
        String pool = "tokens:key:" + caller.key() + ":%";
        assertThat(decimal("SELECT committed FROM quota_account WHERE pool_key LIKE ?", pool))
                .as("the budget is charged the ledger's tokens, once per admitted request")
                .isEqualByComparingTo(BigDecimal.valueOf(ledger.tokens()));
        assertThat(decimal(
                        "SELECT count(*) FROM quota_settlement s JOIN quota_account a ON a.id = s.account_id"
                                + " WHERE a.pool_key LIKE ?",
                        pool))
                .isEqualByComparingTo(BigDecimal.valueOf(admitted));
        assertThat(awaitNothingReserved(pool)).as("nothing stays reserved").isEqualByComparingTo("0");
    }

    private static Response chat(Caller caller, String text) {
        return given().config(CLIENT_GIVES_UP_AFTER_30_S)
                .header("Authorization", "Bearer " + caller.secret())
                .contentType("application/json")
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":" + MAX_TOKENS
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something " + text + "\"}]}")
                .when()
                .post("/v1/chat/completions");
    }

    /** Waits until the key's token budget has reached the gateway's limits cache (it travels by a notification). */
    private void awaitKeyBudget(Caller caller) throws InterruptedException {
        UUID tenant = UUID.fromString(caller.tenant());
        Long seen = null;
        for (int i = 0; i < 300 && seen == null; i++) {
            var limits = resolver.resolve(tenant, caller.project(), caller.key(), MODEL);
            seen = limits.key() == null ? null : limits.key().budgetTokens();
            if (seen == null) {
                Thread.sleep(100);
            }
        }
        assertThat(seen).as("the key's token budget in the effective limits").isEqualTo(TOKEN_BUDGET);
    }

    private record Ledger(long rows, long tokens, java.util.List<String> requestIds) {}

    /** The key's ledger rows once {@code expected} are recorded (polls for at most ~30 s). */
    private Ledger awaitLedgerRows(UUID key, int expected) throws SQLException, InterruptedException {
        Ledger l = ledger(key);
        for (int i = 0; i < 300 && l.rows() < expected; i++) {
            Thread.sleep(100);
            l = ledger(key);
        }
        assertThat(l.rows()).as("ledger rows of the key").isEqualTo(expected);
        return l;
    }

    private Ledger ledger(UUID key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT request_id,"
                        + " cache_hit_tokens + cache_miss_tokens + output_tokens FROM usage_ledger WHERE key_id = ?")) {
            ps.setObject(1, key);
            java.util.List<String> ids = new java.util.ArrayList<>();
            long tokens = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    tokens += rs.getLong(2);
                }
            }
            return new Ledger(ids.size(), tokens, ids);
        }
    }

    /** The account's reserved amount once idle slices were given back (polls for at most ~30 s). */
    private BigDecimal awaitNothingReserved(String pool) throws SQLException, InterruptedException {
        BigDecimal reserved = decimal("SELECT reserved FROM quota_account WHERE pool_key LIKE ?", pool);
        for (int i = 0; i < 300 && reserved.signum() != 0; i++) {
            Thread.sleep(100);
            reserved = decimal("SELECT reserved FROM quota_account WHERE pool_key LIKE ?", pool);
        }
        return reserved;
    }

    private BigDecimal decimal(String sql, String param) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }
}
