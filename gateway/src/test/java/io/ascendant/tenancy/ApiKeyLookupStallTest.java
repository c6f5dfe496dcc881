package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An API key that is not in the replica's cache while PostgreSQL does not answer gets a 503
 * {@code authentication_unavailable} with {@code Retry-After} within {@code tenancy.api-keys.lookup-timeout} (default
 * 2 s), in the shape of the API addressed, and is never authenticated (fail closed); misses of one key share one
 * database query; keys already cached keep working throughout, and the stalled key works once the database answers.
 *
 * <p>The stall is real, as in {@code QuotaStoreStallTest}: a session holds {@code api_key} (and, where cached keys are
 * shown not to need the database, {@code project} and {@code tenant}) locked, so the lookup's statement gets no answer
 * from PostgreSQL (from the gateway's side the same as a stopped server) until the test lets go. The client gives up
 * after 30 s, which only a hang would reach (no other use of wall-clock time).
 */
@QuarkusTest
class ApiKeyLookupStallTest {

    private static final String PROBE = "/v1/tenancy-probe";
    /** The default lookup timeout, 2 s, in whole seconds. */
    private static final String RETRY_AFTER = "2";
    /** The lookup's key statement as pg_stat_activity shows it. */
    private static final String KEY_LOOKUP = "%from api_key k join project p%";

    private static final RestAssuredConfig CLIENT_GIVES_UP_AFTER_30_S = RestAssured.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 30_000)
                    .setParam("http.socket.timeout", 30_000));

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("stall"));
        project = fx.createProject(tenant, "app");
    }

    @Test
    void anUncachedKeyGetsA503InOpenAiShapeWhileTheDatabaseStallsAndWorksOnceItAnswers() throws Exception {
        String secret = newKey("uncached");

        Response refused;
        try (Connection stall = TableLocks.exclusive(dataSource, "api_key")) {
            try {
                refused = probe(secret);
            } finally {
                stall.rollback();
            }
        }

        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.header("Retry-After")).isEqualTo(RETRY_AFTER);
        assertThat(refused.header("WWW-Authenticate")).isNull();
        JsonPath error = refused.jsonPath();
        assertThat(error.getString("error.code")).isEqualTo("authentication_unavailable");
        assertThat(error.getString("error.type")).isEqualTo("service_unavailable");
        assertThat(error.getString("error.message"))
                .contains("cannot be verified")
                .doesNotContain(secret);

        // The refusal was not remembered as "unknown key": once the database answers, the key works.
        Response after = probe(secret);
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
        assertThat(after.jsonPath().getString("tenantId")).isEqualTo(tenant.toString());
    }

    @Test
    void theAnthropicMessagesApiGetsTheStalledLookupInAnthropicShape() throws Exception {
        String secret = newKey("uncached-anthropic");

        Response refused;
        try (Connection stall = TableLocks.exclusive(dataSource, "api_key")) {
            try {
                refused = given().config(CLIENT_GIVES_UP_AFTER_30_S)
                        .header("x-api-key", secret)
                        .header("anthropic-version", "2023-06-01")
                        .contentType("application/json")
                        .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":8,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .when()
                        .post("/v1/messages");
            } finally {
                stall.rollback();
            }
        }

        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.header("Retry-After")).isEqualTo(RETRY_AFTER);
        JsonPath error = refused.jsonPath();
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("error.type")).isEqualTo("overloaded_error");
        assertThat(error.getString("error.message")).contains("cannot be verified");
        assertThat(error.getString("error.code")).isNull();
    }

    @Test
    void cachedKeysKeepWorkingWhileMissesOfOneKeyShareOneStalledQuery() throws Exception {
        String cached = newKey("cached");
        String uncached = newKey("uncached");
        Response warm = probe(cached);
        assertThat(warm.statusCode()).as(warm.asString()).isEqualTo(200);

        int misses = 8;
        ExecutorService clients = Executors.newFixedThreadPool(misses);
        try (Connection stall = TableLocks.exclusive(dataSource, "api_key", "project", "tenant")) {
            List<Response> refused = new ArrayList<>();
            Response duringStall;
            long waitingLookups;
            try {
                Timestamp since = databaseNow(stall);
                CyclicBarrier together = new CyclicBarrier(misses);
                List<Future<Response>> pending = new ArrayList<>();
                for (int i = 0; i < misses; i++) {
                    pending.add(clients.submit(() -> {
                        together.await();
                        return probe(uncached);
                    }));
                }
                // Neither an event loop nor a worker is held by the stalled misses: a cached key is answered.
                duringStall = probe(cached);
                for (Future<Response> f : pending) {
                    refused.add(f.get(60, TimeUnit.SECONDS));
                }
                // PostgreSQL notices a client that left only when the lock is gone: every query the misses started
                // is still waiting for it.
                waitingLookups = waitingKeyLookupsSince(since);
            } finally {
                stall.rollback();
            }

            assertThat(duringStall.statusCode()).as(duringStall.asString()).isEqualTo(200);
            assertThat(duringStall.jsonPath().getString("tenantId")).isEqualTo(tenant.toString());
            assertThat(refused)
                    .as("every miss of the stalled key is refused, none authenticated")
                    .allSatisfy(r -> {
                        assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
                        assertThat(r.jsonPath().getString("error.code")).isEqualTo("authentication_unavailable");
                    });
            assertThat(waitingLookups)
                    .as("%d concurrent misses of one key started one database query", misses)
                    .isEqualTo(1);
        } finally {
            clients.shutdownNow();
        }

        assertThat(probe(uncached).statusCode()).isEqualTo(200);
    }

    private String newKey(String name) {
        return fx.createKey(tenant, project, name, null).getString("secret");
    }

    private static Response probe(String secret) {
        return given().config(CLIENT_GIVES_UP_AFTER_30_S)
                .auth()
                .oauth2(secret)
                .when()
                .get(PROBE);
    }

    private static Timestamp databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Sessions that started the lookup's key statement after {@code since} and wait for a lock. */
    private long waitingKeyLookupsSince(Timestamp since) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query ILIKE ? AND query_start > ?")) {
            ps.setString(1, KEY_LOOKUP);
            ps.setTimestamp(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
