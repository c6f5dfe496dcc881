package io.ascendant.gateway.platform;

import static io.ascendant.gateway.testsupport.AdminFixtures.newCaller;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.AdminFixtures.Caller;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TableLocks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Reads of the tenant billing API and the admin API while PostgreSQL does not answer are refused with a 503 and
 * {@code Retry-After} in the addressed API's shape once {@code gateway.database.read-timeout} (default 10 s) has passed,
 * not a 500 with a stack trace and not a hang; once the database answers they work again.
 *
 * <p>The stall is real, as in {@code QuotaStoreStallTest} and {@code ApiKeyLookupStallTest}: a session holds the read
 * table locked, so the read's statement gets no answer from PostgreSQL (from the gateway's side the same as a stopped
 * server) until the test lets go. The API key and the admin token are used once before the stall, so authentication
 * needs no database. The client gives up after 30 s, which only a hang would reach (no other use of wall-clock time).
 */
@QuarkusTest
class DatabaseStallReadsTest {

    private static final RestAssuredConfig CLIENT_GIVES_UP_AFTER_30_S = RestAssured.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 30_000)
                    .setParam("http.socket.timeout", 30_000));

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Test
    void tenantUsageGetsA503InOpenAiShapeWhileTheDatabaseStallsAndWorksOnceItAnswers() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Caller caller = newCaller(admin, "readstall", "Read Stall Co", "reader");
        Response warm = usage(caller.secret());
        assertThat(warm.statusCode()).as(warm.asString()).isEqualTo(200);

        Response refused;
        try (Connection stall = TableLocks.exclusive(dataSource, "usage_rollup_day")) {
            try {
                refused = usage(caller.secret());
            } finally {
                stall.rollback();
            }
        }

        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        JsonPath error = refused.jsonPath();
        assertThat(error.getString("error.type")).isEqualTo("service_unavailable");
        assertThat(error.getString("error.code")).isEqualTo("database_unavailable");
        assertThat(error.getString("error.message")).contains("database").doesNotContain("Exception");
        assertThat(refused.asString()).doesNotContain("Stack").doesNotContain("SELECT");

        Response after = usage(caller.secret());
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
        assertThat(after.jsonPath().getString("object")).isEqualTo("list");
    }

    @Test
    void theAdminTenantListGetsA503ProblemWhileTheDatabaseStallsAndWorksOnceItAnswers() throws Exception {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        Response warm = tenants(admin);
        assertThat(warm.statusCode()).as(warm.asString()).isEqualTo(200);

        Response refused;
        try (Connection stall = TableLocks.exclusive(dataSource, "tenant")) {
            try {
                refused = tenants(admin);
            } finally {
                stall.rollback();
            }
        }

        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        JsonPath problem = refused.jsonPath();
        assertThat(problem.getString("type")).isEqualTo("urn:ascendant:problem:unavailable");
        assertThat(problem.getInt("status")).isEqualTo(503);
        assertThat(problem.getString("title")).isEqualTo("Service unavailable");
        assertThat(problem.getString("detail")).contains("database");
        assertThat(refused.asString()).doesNotContain("Stack").doesNotContain("Exception");

        Response after = tenants(admin);
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
    }

    private static Response usage(String secret) {
        return given().config(CLIENT_GIVES_UP_AFTER_30_S)
                .auth()
                .oauth2(secret)
                .queryParam("from", "2026-11-01")
                .queryParam("to", "2026-11-30")
                .when()
                .get("/v1/usage");
    }

    private static Response tenants(String token) {
        return given().config(CLIENT_GIVES_UP_AFTER_30_S)
                .auth()
                .oauth2(token)
                .when()
                .get("/admin/api/v1/tenants");
    }
}
