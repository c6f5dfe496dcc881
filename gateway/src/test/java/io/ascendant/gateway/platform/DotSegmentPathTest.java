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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A path with dot segments ({@code ..} or {@code .}, literal or percent-encoded) never moves a request from the API
 * its prefix names into another one (admin API, health, metrics): it is a 400 in the addressed API's error shape,
 * with the request id, before authentication, whatever credentials it carries. Sent over a raw socket because HTTP
 * clients resolve dot segments before sending.
 */
@QuarkusTest
class DotSegmentPathTest {

    private static final String DOT_SEGMENTS = "The request path contains dot segments ('..' or '.'";
    private static final String PROBLEM = "application/problem+json";

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    String tenantKey;
    String adminToken;

    @BeforeEach
    void setUp() {
        tenantKey = keys.create(Set.of()).text();
        adminToken = keycloak.accessToken(keycloak.platformAdmin());
    }

    /** No credentials, the tenant key both ways, and a platform admin's token. */
    private List<Map<String, String>> everyCredential() {
        return List.of(
                Map.of(),
                Map.of("Authorization", "Bearer " + tenantKey),
                Map.of("x-api-key", tenantKey),
                Map.of("Authorization", "Bearer " + adminToken));
    }

    @Test
    void tenantPathWithDotSegmentsIsA400InvalidUrlInTheOpenAiShape() {
        for (String target : List.of(
                "/v1/models/%2e%2e/%2e%2e/q/health",
                "/v1/%2E%2E/q/metrics",
                "/v1/../q/health",
                "/v1/chat/completions/%2e%2e",
                "/v1/models/..",
                "/v1/./models",
                "/v1/models/%2e",
                "/v1/models/.%2e/%2e./admin/api/v1/tenants")) {
            for (Map<String, String> credential : everyCredential()) {
                RawHttp.Answer a = RawHttp.send("GET", target, credential, null);
                String what = target + " with " + credential.keySet();
                assertThat(a.status()).as(what).isEqualTo(400);
                assertThat(a.contentType()).as(what).startsWith("application/json");
                assertThat(a.headers()).as(what).containsKey("x-request-id");
                assertThat(a.json().getString("error.type")).as(what).isEqualTo("invalid_request_error");
                assertThat(a.json().getString("error.code")).as(what).isEqualTo("invalid_url");
                assertThat(a.json().getString("error.message")).as(what).startsWith(DOT_SEGMENTS);
            }
        }
    }

    @Test
    void tellsWhereTheDotSegmentStartsAndKeepsTheCallersRequestId() {
        RawHttp.Answer a = RawHttp.send(
                "POST",
                "/v1/chat/completions/%2e%2e/%2e%2e/admin/api/v1/tenants",
                Map.of(
                        "Authorization", "Bearer " + tenantKey,
                        "Content-Type", "application/json",
                        "x-request-id", "dot-segments-1"),
                "{\"slug\":\"evil\"}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.headers()).containsEntry("x-request-id", "dot-segments-1");
        assertThat(a.json().getString("error.message"))
                .isEqualTo("The request path contains dot segments ('..' or '.', also when percent-encoded as %2e) at"
                        + " character 22; the gateway does not resolve them: send the path without dot segments.");
    }

    @Test
    void anthropicPathWithDotSegmentsIsA400InTheAnthropicShape() {
        for (String target : List.of("/v1/messages/%2e%2e/%2e%2e/q/health", "/anthropic/v1/%2e%2e/%2e%2e/q/health")) {
            RawHttp.Answer a = RawHttp.send(
                    "GET", target, Map.of("x-api-key", tenantKey, "anthropic-version", "2023-06-01"), null);
            assertThat(a.status()).as(target).isEqualTo(400);
            assertThat(a.headers()).as(target).containsKey("x-request-id");
            assertThat(a.json().getString("type")).as(target).isEqualTo("error");
            assertThat(a.json().getString("error.type")).as(target).isEqualTo("invalid_request_error");
            assertThat(a.json().getString("error.message")).as(target).startsWith(DOT_SEGMENTS);
        }
    }

    @Test
    void tenantKeyNeverReachesTheAdminApiThroughDotSegments() {
        for (String target : List.of(
                "/v1/%2e%2e/admin/api/v1/tenants",
                "/v1/models/.%2e/.%2e/admin/api/v1/tenants", "/v1/../admin/api/v1/tenants")) {
            for (Map<String, String> credential : everyCredential()) {
                RawHttp.Answer a = RawHttp.send("GET", target, credential, null);
                String what = target + " with " + credential.keySet();
                assertThat(a.status()).as(what).isEqualTo(400);
                assertThat(a.contentType()).as(what).startsWith("application/json");
                assertThat(a.body()).as(what).doesNotContain("items", "slug", "problem");
                assertThat(a.json().getString("error.code")).as(what).isEqualTo("invalid_url");
            }
        }
    }

    @Test
    void adminPathWithDotSegmentsIsA400ProblemAndNeverReachesTheTenantApi() {
        for (String target : List.of(
                "/admin/api/v1/../../v1/models",
                "/admin/api/v1/%2e%2e/%2e%2e/v1/models",
                "/admin/%2e%2e/v1/models",
                "/admin/api/v1/%2e%2e/%2e%2e/%2e%2e/q/health",
                "/admin/api/v1/./tenants")) {
            for (Map<String, String> credential : everyCredential()) {
                RawHttp.Answer a = RawHttp.send("GET", target, credential, null);
                String what = target + " with " + credential.keySet();
                assertThat(a.status()).as(what).isEqualTo(400);
                assertThat(a.contentType()).as(what).startsWith(PROBLEM);
                assertThat(a.headers()).as(what).containsKey("x-request-id");
                assertThat(a.json().getString("type")).as(what).isEqualTo("urn:ascendant:problem:invalid-input");
                assertThat(a.json().getInt("status")).as(what).isEqualTo(400);
                assertThat(a.json().getString("detail")).as(what).startsWith(DOT_SEGMENTS);
                assertThat(a.body()).as(what).doesNotContain("deepseek-v4", "\"UP\"");
            }
        }
    }

    @Test
    void otherPathsWithDotSegmentsAreA400Problem() {
        for (String target : List.of("/q/%2e%2e/admin/api/v1/tenants", "/q/%2e%2e/v1/models", "/foo/../v1/models")) {
            RawHttp.Answer a = RawHttp.send("GET", target, Map.of("Authorization", "Bearer " + adminToken), null);
            assertThat(a.status()).as(target).isEqualTo(400);
            assertThat(a.contentType()).as(target).startsWith(PROBLEM);
            assertThat(a.headers()).as(target).containsKey("x-request-id");
            assertThat(a.json().getString("type")).as(target).isEqualTo("urn:ascendant:problem:invalid-input");
            assertThat(a.json().getString("detail")).as(target).startsWith(DOT_SEGMENTS);
        }
    }

    @Test
    void dotsInsideSegmentsAndInTheQueryAndEmptySegmentsAreServed() {
        Map<String, String> key = Map.of("Authorization", "Bearer " + tenantKey);
        RawHttp.Answer query = RawHttp.send("GET", "/v1/models?after=../../admin", key, null);
        assertThat(query.status()).isEqualTo(200);
        assertThat(query.json().getString("object")).isEqualTo("list");
        RawHttp.Answer empty = RawHttp.send("GET", "/v1//models", key, null);
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().getString("object")).isEqualTo("list");
        RawHttp.Answer dotted = RawHttp.send("GET", "/v1/models/deepseek-v4...flash", key, null);
        assertThat(dotted.status()).isEqualTo(404); // served: GET /v1/models/{id} looks the name up
        assertThat(dotted.json().getString("error.code")).isEqualTo("model_not_found");
        // An empty segment does not move a request out of the admin API's authentication either.
        RawHttp.Answer admin = RawHttp.send("GET", "/admin/api/v1//tenants", key, null);
        assertThat(admin.status()).isEqualTo(401);
        assertThat(admin.contentType()).startsWith(PROBLEM);
    }

    @Test
    void pathParametersAreRefusedInTheAddressedApisShapeSoJaxRsNeverStripsThemPastTheApiFilters() {
        for (Map<String, String> credential : everyCredential()) {
            String what = String.valueOf(credential.keySet());
            RawHttp.Answer admin = RawHttp.send("GET", "/admin;x=1/api/v1/tenants", credential, null);
            assertThat(admin.status()).as(what).isEqualTo(400);
            assertThat(admin.contentType()).as(what).startsWith(PROBLEM);
            assertThat(admin.headers()).as(what).containsKey("x-request-id");
            assertThat(admin.json().getString("detail"))
                    .as(what)
                    .isEqualTo("The request path contains a ';' at character 7; path parameters are not supported:"
                            + " send the path without them (write a literal ';' as %3B).");
            assertThat(admin.body()).as(what).doesNotContain("items");
            RawHttp.Answer tenant = RawHttp.send("GET", "/v1;x/models", credential, null);
            assertThat(tenant.status()).as(what).isEqualTo(400);
            assertThat(tenant.json().getString("error.code")).as(what).isEqualTo("invalid_url");
            assertThat(tenant.json().getString("error.message")).as(what).contains("';' at character 4");
        }
        RawHttp.Answer query = RawHttp.send("GET", "/v1/models?x=a;b", Map.of("x-api-key", tenantKey), null);
        assertThat(query.status()).isEqualTo(200);
    }
}
