package io.ascendant.gateway.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document at {@code /q/openapi} against the running gateway: it lists exactly the operations the tenant
 * and admin APIs serve, documents every error with its body in the API's own shape, and the statuses and content
 * types real requests get are the documented ones.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final String CHAT = "/v1/chat/completions";

    @Inject
    ServedRoutes served;

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    JsonPath doc;

    @BeforeEach
    void readDocument() {
        doc = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void documentsExactlyTheOperationsTheServerServes() {
        Set<String> documented = new TreeSet<>();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        paths.forEach((path, item) -> item.keySet().stream()
                .filter(k -> Set.of("get", "put", "post", "delete", "patch", "head", "options")
                        .contains(k))
                .filter(k -> ServedRoutes.isApi(path))
                .forEach(method -> documented.add(method.toUpperCase() + " " + path)));

        Set<String> servedOps = served.operations();
        assertThat(servedOps)
                .contains("GET /v1/models/{id}", "POST " + CHAT, "POST /v1/messages", "GET /v1/usage")
                .contains("POST /admin/api/v1/tenants", "GET /admin/api/v1/tenants/{tenantId}/audit");
        assertThat(documented).as("documented operations").isEqualTo(servedOps);
    }

    @Test
    void documentsEveryErrorInTheApisOwnShape() {
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        paths.forEach((path, item) -> item.forEach((method, value) -> {
            if (!(value instanceof Map<?, ?> op) || !op.containsKey("responses")) {
                return;
            }
            if (!path.startsWith("/v1/") && !path.startsWith("/admin/api/")) {
                return;
            }
            String where = method.toUpperCase() + " " + path;
            Map<String, Object> responses = responses(path, method);
            assertThat(responses).as(where).containsKeys("401", "403");
            String mediaType = path.startsWith("/admin/") ? "application/problem+json" : "application/json";
            String schema = path.startsWith("/admin/")
                    ? "#/components/schemas/Problem"
                    : path.equals("/v1/messages") || path.startsWith("/v1/messages/")
                            ? "#/components/schemas/AnthropicError"
                            : "#/components/schemas/OpenAIError";
            responses.keySet().stream()
                    .filter(code -> code.compareTo("400") >= 0)
                    .forEach(code -> {
                        String base = "paths.'" + path + "'." + method + ".responses.'" + code + "'.content";
                        Map<String, Object> content = doc.getMap(base);
                        assertThat(content).as(where + " " + code).containsOnlyKeys(mediaType);
                        assertThat(doc.getString(base + ".'" + mediaType + "'.schema.$ref"))
                                .as(where + " " + code)
                                .isEqualTo(schema);
                    });
        }));
        assertThat(doc.getMap("components.securitySchemes")).containsKeys("ApiKey", "AnthropicApiKey");
        assertThat(doc.getList("paths.'/v1/models'.get.security.ApiKey")).isNotEmpty();
    }

    @Test
    void documentsTheErrorsOfTheKeyOperations() {
        assertThat(responses(CHAT, "post"))
                .containsKeys("200", "400", "401", "403", "404", "413", "415", "429", "502", "503", "504");
        assertThat(doc.getMap("paths.'" + CHAT + "'.post.responses.'200'.content"))
                .containsOnlyKeys("application/json", "text/event-stream");
        assertThat(responses("/v1/messages", "post")).containsKeys("200", "400", "401", "404", "413", "415", "429");
        assertThat(responses("/v1/messages/count_tokens", "post"))
                .containsOnlyKeys("200", "400", "401", "403", "404", "413", "415", "503");
        assertThat(responses("/v1/models/{id}", "get")).containsOnlyKeys("200", "401", "403", "404", "503");
        assertThat(responses("/v1/invoices/{id}", "get")).containsKeys("200", "400", "401", "404");
        assertThat(responses("/admin/api/v1/tenants", "post"))
                .containsOnlyKeys("201", "400", "401", "403", "409", "413", "415", "503");
        assertThat(doc.getString(
                        "paths.'/admin/api/v1/tenants'.post.responses.'201'.content.'application/json'.schema.$ref"))
                .endsWith("/TenantView");
        assertThat(responses("/admin/api/v1/models/{name}", "delete")).containsKeys("204", "401", "403", "404");
        assertThat(responses("/admin/api/v1/models/{name}", "put"))
                .containsKeys("200", "201", "400", "409")
                .doesNotContainKey("404");
        assertThat(responses("/admin/api/v1/billing/price-book/{id}/preview", "post"))
                .containsKeys("200", "400", "404")
                .doesNotContainKey("409");
        assertThat(responses("/admin/api/v1/tenants/{tenantId}", "get")).containsKeys("200", "400", "404");
        assertThat(responses("/admin/api/v1/billing/tenants/{tenantId}/invoices", "post"))
                .containsKeys("200", "201", "400", "404", "409");
    }

    @Test
    void documentsTheLimitValuesTheServerAcceptsAndNothingElse() {
        assertThat(doc.getMap("components.schemas.LimitValues.properties"))
                .containsOnlyKeys(
                        "requestsPerMinute",
                        "tokensPerMinute",
                        "concurrentRequests",
                        "budgetPeriod",
                        "budgetTokens",
                        "budgetAmount");
        assertThat(responses("/admin/api/v1/tenants/{tenantId}/keys/{keyId}/limits", "put"))
                .containsKey("413");
        assertThat(responses("/admin/api/v1/tenants/{tenantId}/keys/{keyId}/limits", "get"))
                .doesNotContainKey("413");
    }

    @Test
    void realErrorsHaveTheDocumentedStatusAndShape() {
        String key = keys.create(Set.of()).text();
        String admin = keycloak.accessToken(keycloak.platformAdmin());

        documented(
                CHAT,
                "post",
                given().contentType("text/plain").body("hi").auth().oauth2(key).post(CHAT),
                415);
        documented(
                CHAT,
                "post",
                given().contentType("application/json")
                        .body("{\"model\":\"deepseek-v9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .auth()
                        .oauth2(key)
                        .post(CHAT),
                404);
        documented(
                CHAT,
                "post",
                given().contentType("application/json")
                        .body("{\"model\":")
                        .auth()
                        .oauth2(key)
                        .post(CHAT),
                400);
        documented(
                CHAT, "post", given().contentType("application/json").body("{}").post(CHAT), 401);
        documented(
                "/v1/messages",
                "post",
                given().contentType("application/json")
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01")
                        .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[]}")
                        .post("/v1/messages"),
                400);
        String count = "/v1/messages/count_tokens";
        documented(
                count,
                "post",
                given().contentType("application/json")
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01")
                        .body("{\"model\":\"deepseek-v4-flash\",\"max_tokens\":5,\"messages\":[]}")
                        .post(count),
                400);
        documented(
                count,
                "post",
                given().contentType("application/json")
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01")
                        .body("{\"model\":\"deepseek-v9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post(count),
                404);
        documented("/v1/models/{id}", "get", given().auth().oauth2(key).get("/v1/models/deepseek-v9"), 404);
        documented("/v1/usage", "get", given().auth().oauth2(key).get("/v1/usage?from=yesterday"), 400);
        documented(
                "/v1/invoices/{id}", "get", given().auth().oauth2(key).get("/v1/invoices/" + UUID.randomUUID()), 404);

        String tenants = "/admin/api/v1/tenants";
        documented(
                tenants,
                "post",
                given().contentType("application/json")
                        .body("{}")
                        .auth()
                        .oauth2(admin)
                        .post(tenants),
                400);
        documented(
                tenants,
                "post",
                given().contentType("text/plain").body("x").auth().oauth2(admin).post(tenants),
                415);
        documented(
                tenants,
                "post",
                given().contentType("application/json").body("{}").post(tenants),
                401);
        documented(
                tenants,
                "post",
                given().contentType("application/json")
                        .body("{}")
                        .auth()
                        .oauth2(keycloak.accessToken(keycloak.billingViewer()))
                        .post(tenants),
                403);
        String tenant = tenants + "/{tenantId}";
        documented(tenant, "get", given().auth().oauth2(admin).get(tenants + "/not-a-uuid"), 400);
        documented(tenant, "get", given().auth().oauth2(admin).get(tenants + "/" + UUID.randomUUID()), 404);
    }

    /** Asserts the answer has the expected status, that the document lists it with this content type and shape. */
    private void documented(String path, String method, Response r, int expected) {
        String where = method.toUpperCase() + " " + path + " -> " + r.statusCode() + " " + r.asString();
        assertThat(r.statusCode()).as(where).isEqualTo(expected);
        Map<String, Object> responses = responses(path, method);
        assertThat(responses).as(where).containsKey(Integer.toString(expected));
        String base = "paths.'" + path + "'." + method + ".responses.'" + expected + "'.content";
        Map<String, Object> content = doc.getMap(base);
        assertThat(content).as(where).isNotNull();
        String contentType = r.contentType().split(";")[0].trim();
        assertThat(content).as(where).containsKey(contentType);
        String ref = doc.getString(base + ".'" + contentType + "'.schema.$ref");
        String schema = ref.substring(ref.lastIndexOf('/') + 1);
        List<String> required = doc.getList("components.schemas." + schema + ".required");
        assertThat(r.jsonPath().getMap("$")).as(where).containsKeys(required.toArray(String[]::new));
    }

    private Map<String, Object> responses(String path, String method) {
        Map<String, Object> responses = doc.getMap("paths.'" + path + "'." + method + ".responses");
        assertThat(responses).as(method + " " + path + " is documented").isNotNull();
        return responses;
    }
}
