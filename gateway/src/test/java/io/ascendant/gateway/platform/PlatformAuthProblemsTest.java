package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A bearer token the platform did not issue (a tenant's API key, say) sent to a path outside the tenant and admin
 * APIs is a 401 problem document saying why, never Quarkus' empty 401; the same paths without credentials, or with
 * the key in {@code x-api-key}, are served as before.
 */
@QuarkusTest
class PlatformAuthProblemsTest {

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void apiKeyAsBearerTokenOnHealthMetricsOrAnUnknownPathIsA401ProblemWithABody() {
        String key = keys.create(Set.of()).text();
        for (String target : List.of("/q/health", "/q/health/ready", "/q/metrics", "/no-such-path")) {
            RawHttp.Answer a = RawHttp.send(
                    "GET", target, Map.of("Authorization", "Bearer " + key, "x-request-id", "stray-key-1"), null);
            assertThat(a.status()).as(target).isEqualTo(401);
            assertThat(a.contentType()).as(target).startsWith("application/problem+json");
            assertThat(a.headers()).as(target).containsEntry("x-request-id", "stray-key-1");
            assertThat(a.headers().get("www-authenticate")).as(target).startsWith("Bearer");
            assertThat(a.json().getString("type")).as(target).isEqualTo("urn:ascendant:problem:unauthenticated");
            assertThat(a.json().getInt("status")).as(target).isEqualTo(401);
            assertThat(a.json().getString("detail"))
                    .as(target)
                    .contains("API keys authenticate only the tenant API", "without an Authorization header")
                    .doesNotContain(key);
        }
    }

    @Test
    void healthIsServedWithoutCredentialsWithAnXApiKeyOrWithAValidAdminToken() {
        String key = keys.create(Set.of()).text();
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        for (Map<String, String> credential : List.of(
                Map.<String, String>of(), Map.of("x-api-key", key), Map.of("Authorization", "Bearer " + admin))) {
            RawHttp.Answer a = RawHttp.send("GET", "/q/health", credential, null);
            assertThat(a.status()).as(credential.keySet().toString()).isEqualTo(200);
            assertThat(a.json().getString("status")).isEqualTo("UP");
        }
    }

    @Test
    void tenantAndAdminApisKeepTheirOwnAuthenticationErrorShapes() {
        String admin = keycloak.accessToken(keycloak.platformAdmin());
        RawHttp.Answer tenant = RawHttp.send("GET", "/v1/models", Map.of("Authorization", "Bearer " + admin), null);
        assertThat(tenant.status()).isEqualTo(401);
        assertThat(tenant.contentType()).startsWith("application/json");
        assertThat(tenant.json().getString("error.code")).isEqualTo("admin_token_not_api_key");
        String key = keys.create(Set.of()).text();
        RawHttp.Answer adminApi =
                RawHttp.send("GET", "/admin/api/v1/tenants", Map.of("Authorization", "Bearer " + key), null);
        assertThat(adminApi.status()).isEqualTo(401);
        assertThat(adminApi.contentType()).startsWith("application/problem+json");
        assertThat(adminApi.json().getString("detail"))
                .contains(
                        "API keys authenticate only the tenant API (/v1/)",
                        "access token from this platform's Keycloak")
                .doesNotContain(key);
    }

    @Test
    void aBearerTokenThatIsNeitherAnApiKeyNorAKeycloakTokenIsNotValidOnTheAdminApi() {
        RawHttp.Answer a = RawHttp.send(
                "GET", "/admin/api/v1/tenants", Map.of("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.x"), null);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo("urn:ascendant:problem:unauthenticated");
        assertThat(a.json().getString("detail"))
                .contains("bearer token is not valid")
                .doesNotContain("API key");
    }
}
