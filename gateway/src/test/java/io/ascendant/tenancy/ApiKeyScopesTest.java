package io.ascendant.tenancy;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.quarkus.security.spi.runtime.AuthenticationSuccessEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API-key scopes: {@code inference} opens the model endpoints, {@code billing:read} the tenant billing API; a key
 * without an endpoint's scope gets 403 {@code insufficient_scope} in the endpoint's error shape, on the security
 * chain and on the data path's cached-key fast path alike. New keys default to {@code inference}; keys stored without
 * scopes (before V012, or by the previous version) have both.
 */
@QuarkusTest
class ApiKeyScopesTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataPathTestSupport support;

    @Inject
    TestKeys testKeys;

    @Inject
    DataSource dataSource;

    @Inject
    Authentications authentications;

    TenancyFixtures fx;
    UUID tenant;
    UUID project;

    /** Counts Quarkus' authentication events per API key id (the fast path fires none). */
    @ApplicationScoped
    static class Authentications {
        private final ConcurrentHashMap<UUID, AtomicInteger> byKey = new ConcurrentHashMap<>();

        void on(@Observes AuthenticationSuccessEvent e) {
            if (e.getSecurityIdentity().getPrincipal() instanceof ApiKeyCaller c) {
                byKey.computeIfAbsent(c.keyId(), k -> new AtomicInteger()).incrementAndGet();
            }
        }

        int of(UUID keyId) {
            AtomicInteger n = byKey.get(keyId);
            return n == null ? 0 : n.get();
        }
    }

    @BeforeEach
    void setUp() {
        support.reset();
        fx = new TenancyFixtures(keycloak);
        tenant = UUID.fromString(AdminFixtures.newTenant(fx.platformToken(), "scopes"));
        project = fx.createProject(tenant, "app");
    }

    private JsonPath key(List<String> scopes) {
        return AdminFixtures.newKey(
                fx.platformToken(), tenant.toString(), project.toString(), "k-" + UUID.randomUUID(), null, scopes);
    }

    private static String chat() {
        return new JsonObject()
                .put("model", "deepseek-v4-flash")
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    private static ValidatableResponse chat(String secret) {
        return given().auth()
                .oauth2(secret)
                .contentType("application/json")
                .body(chat())
                .when()
                .post("/v1/chat/completions")
                .then();
    }

    private static ValidatableResponse usage(String secret) {
        return given().auth()
                .oauth2(secret)
                .queryParam("from", "2026-08-01")
                .queryParam("to", "2026-08-31")
                .when()
                .get("/v1/usage")
                .then();
    }

    private static void refusedForScope(ValidatableResponse r, String scope, String endpoint) {
        r.statusCode(403)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("insufficient_scope"))
                .body("error.param", nullValue())
                .body("error.message", containsString("lacks the scope " + scope + " required by " + endpoint))
                .body("error.message", containsString("Missing scopes: " + scope));
    }

    @Test
    void newKeyDefaultsToInferenceAndIsRefusedOnTheBillingApi() {
        JsonPath created = key(null);
        assertThat(created.getList("key.scopes")).containsExactly("inference");
        String secret = created.getString("secret");

        chat(secret).statusCode(200);
        refusedForScope(usage(secret), "billing:read", "/v1/usage");
        refusedForScope(given().auth().oauth2(secret).get("/v1/invoices").then(), "billing:read", "/v1/invoices");
        // The scope is checked before the invoice is looked up (no 404 that tells whether an id exists).
        refusedForScope(
                given().auth()
                        .oauth2(secret)
                        .get("/v1/invoices/" + UUID.randomUUID() + "/pdf")
                        .then(),
                "billing:read",
                "/v1/invoices/{id}/pdf");
    }

    @Test
    void billingOnlyKeyIsRefusedOnInferenceEndpointsWithAColdAndAWarmKeyCache() {
        JsonPath created = key(List.of("billing:read"));
        assertThat(created.getList("key.scopes")).containsExactly("billing:read");
        String secret = created.getString("secret");
        UUID keyId = UUID.fromString(created.getString("key.id"));

        // Cold cache: the security chain authenticates the key, the handler refuses it.
        refusedForScope(chat(secret), "inference", "/v1/chat/completions");
        usage(secret).statusCode(200).body("object", equalTo("list"));
        int seen = authentications.of(keyId);
        assertThat(seen).isGreaterThanOrEqualTo(2);

        // Warm cache: the fast path serves these POSTs without the security chain; the scope still holds.
        refusedForScope(chat(secret), "inference", "/v1/chat/completions");
        refusedForScope(
                given().auth()
                        .oauth2(secret)
                        .contentType("application/json")
                        .body("{\"model\":\"deepseek-v4-flash\",\"prompt\":\"hi\"}")
                        .when()
                        .post("/v1/completions")
                        .then(),
                "inference",
                "/v1/completions");
        String anthropicBody = "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            given().header("x-api-key", secret)
                    .header("anthropic-version", "2023-06-01")
                    .contentType("application/json")
                    .body(anthropicBody)
                    .when()
                    .post(path)
                    .then()
                    .statusCode(403)
                    .body("type", equalTo("error"))
                    .body("error.type", equalTo("permission_error"))
                    .body("error.message", containsString("lacks the scope inference required by " + path));
        }
        assertThat(authentications.of(keyId))
                .as("the POSTs with the cached key took the fast path (no authentication event)")
                .isEqualTo(seen);

        refusedForScope(given().auth().oauth2(secret).get("/v1/models").then(), "inference", "/v1/models");
        refusedForScope(
                given().auth()
                        .oauth2(secret)
                        .get("/v1/models/deepseek-v4-flash")
                        .then(),
                "inference",
                "/v1/models/deepseek-v4-flash");
    }

    @Test
    void keyWithBothScopesWorksOnInferenceAndBilling() {
        JsonPath created = key(List.of("billing:read", "inference", "billing:read"));
        assertThat(created.getList("key.scopes"))
                .as("deduplicated, in a fixed order")
                .containsExactly("inference", "billing:read");
        String secret = created.getString("secret");

        chat(secret).statusCode(200);
        chat(secret).statusCode(200);
        usage(secret).statusCode(200).body("object", equalTo("list"));
        given().auth().oauth2(secret).get("/v1/invoices").then().statusCode(200);
        given().auth().oauth2(secret).get("/v1/models").then().statusCode(200);
    }

    @Test
    void unknownOrNoScopeIsA400NamingTheField() {
        String token = fx.platformToken();
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "typo", "scopes", List.of("inference", "billing:write")))
                .when()
                .post(API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("scopes[1]"))
                .body("detail", containsString("'billing:write'"))
                .body("detail", containsString("inference, billing:read"));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "none", "scopes", List.of()))
                .when()
                .post(API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("scopes"));
        given().auth()
                .oauth2(token)
                .when()
                .get(API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void listingShowsScopesAndRotationKeepsThem() {
        JsonPath created = key(List.of("billing:read"));
        String keyId = created.getString("key.id");
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .body("items.find { it.id == '" + keyId + "' }.scopes", equalTo(List.of("billing:read")));

        JsonPath rotated = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post(API + "/tenants/" + tenant + "/keys/" + keyId + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        assertThat(rotated.getList("key.scopes")).containsExactly("billing:read");
        String successor = rotated.getString("secret");
        usage(successor).statusCode(200);
        refusedForScope(chat(successor), "inference", "/v1/chat/completions");
    }

    @Test
    void scopesChangedInTheDatabaseReachTheKeyCache() throws Exception {
        JsonPath created = key(AdminFixtures.ALL_SCOPES);
        String secret = created.getString("secret");
        chat(secret).statusCode(200);
        chat(secret).statusCode(200); // served from the key cache

        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update api_key set scopes = '{billing:read}' where id = ?")) {
            s.setObject(1, UUID.fromString(created.getString("key.id")));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        // The change notification drops the cached key on this replica; poll until it has arrived.
        int status = 200;
        for (int i = 0; i < 100 && status != 403; i++) {
            status = chat(secret).extract().statusCode();
            if (status != 403) {
                Thread.sleep(100);
            }
        }
        refusedForScope(chat(secret), "inference", "/v1/chat/completions");
        usage(secret).statusCode(200);
    }

    @Test
    void keyStoredWithoutScopesKeepsBothLikeBeforeTheUpgrade() throws Exception {
        // TestKeys inserts the row as the version before scopes did: no scopes column.
        TestKeys.Key old = testKeys.create(Set.of());
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select scopes::text from api_key where id = ?")) {
            s.setObject(1, old.keyId());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("{inference,billing:read}");
            }
        }

        chat(old.text()).statusCode(200);
        chat(old.text()).statusCode(200);
        usage(old.text()).statusCode(200);
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(API + "/tenants/" + old.tenantId() + "/keys/" + old.keyId())
                .then()
                .statusCode(200)
                .body("scopes", equalTo(List.of("inference", "billing:read")));
    }
}
