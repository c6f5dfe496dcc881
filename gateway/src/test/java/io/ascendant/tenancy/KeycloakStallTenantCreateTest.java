package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.SilentServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A Keycloak that takes connections but never answers (paused JVM) makes a tenant create fail with 503 problem+json
 * "Keycloak unavailable" once {@code tenancy.keycloak.read-timeout} (1 s here) has passed, not hang until the
 * transaction reaper aborts it with a 500; and nothing is written. Admin tokens still come from the real Keycloak; only
 * the tenancy admin client is pointed at {@link SilentServer}. The client gives up after 30 s, which only a hang would
 * reach (no other use of wall-clock time).
 */
@QuarkusTest
@TestProfile(KeycloakStallTenantCreateTest.SilentKeycloakAdminApi.class)
class KeycloakStallTenantCreateTest {

    /** The tenancy Keycloak client talks to a port that never answers, with 1 s timeouts. */
    public static class SilentKeycloakAdminApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tenancy.keycloak.server-url", SilentServer.url(),
                    "tenancy.keycloak.connect-timeout", "1s",
                    "tenancy.keycloak.read-timeout", "1s");
        }
    }

    private static final RestAssuredConfig CLIENT_GIVES_UP_AFTER_30_S = RestAssured.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 30_000)
                    .setParam("http.socket.timeout", 30_000));

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Test
    void tenantCreateAnswers503WhenKeycloakDoesNotAnswerAndWritesNothing() throws Exception {
        String slug = TenancyFixtures.uniqueSlug("kc-down");
        Response r = given().config(CLIENT_GIVES_UP_AFTER_30_S)
                .auth()
                .oauth2(new TenancyFixtures(keycloak).platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Down " + slug, "currency", "USD", "timeZone", "UTC"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .andReturn();

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonPath p = r.jsonPath();
        assertThat(p.getString("type")).isEqualTo("urn:ascendant:problem:unavailable");
        assertThat(p.getString("detail")).startsWith("Keycloak unavailable").contains("1000 ms");
        assertThat(DatabaseRows.count(dataSource, "select count(*) from tenant where slug = ?", slug))
                .isZero();
        assertThat(DatabaseRows.count(
                        dataSource, "select count(*) from billing_account where display_name = ?", "Down " + slug))
                .isZero();
    }
}
