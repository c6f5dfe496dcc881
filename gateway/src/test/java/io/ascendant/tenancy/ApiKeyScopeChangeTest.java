package io.ascendant.tenancy;

import static io.ascendant.gateway.testsupport.AdminFixtures.API;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PATCH /tenants/{t}/keys/{k}} with {@code {"scopes": [...]}} changes an existing key's scopes: at once on the
 * cached-key fast path (the key's very next request, no waiting for the database notification), audited, with 400
 * problem+json for a missing, empty or unknown scope and the answers of the other key endpoints for a revoked, expired
 * or unknown key.
 */
@QuarkusTest
class ApiKeyScopeChangeTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataSource dataSource;

    TenancyFixtures fx;
    UUID tenant;
    UUID project;

    @BeforeEach
    void setUp() {
        support.reset();
        fx = new TenancyFixtures(keycloak);
        tenant = UUID.fromString(AdminFixtures.newTenant(fx.platformToken(), "scope-change"));
        project = fx.createProject(tenant, "app");
    }

    private JsonPath key(List<String> scopes) {
        return AdminFixtures.newKey(
                fx.platformToken(), tenant.toString(), project.toString(), "k-" + UUID.randomUUID(), null, scopes);
    }

    private ValidatableResponse patch(String keyId, Object body) {
        return given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .patch(API + "/tenants/" + tenant + "/keys/" + keyId)
                .then();
    }

    private static ValidatableResponse chat(String secret) {
        return given().auth()
                .oauth2(secret)
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
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

    private static void insufficientScope(ValidatableResponse r, String scope) {
        r.statusCode(403)
                .body("error.code", equalTo("insufficient_scope"))
                .body("error.message", containsString("Missing scopes: " + scope));
    }

    @Test
    void removingInferenceRefusesTheCachedKeyOnItsVeryNextRequest() {
        JsonPath created = key(AdminFixtures.ALL_SCOPES);
        String keyId = created.getString("key.id");
        String secret = created.getString("secret");
        chat(secret).statusCode(200);
        chat(secret).statusCode(200); // the key is in the cache: served by the fast path

        patch(keyId, Map.of("scopes", List.of("billing:read")))
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("id", equalTo(keyId))
                .body("status", equalTo("ACTIVE"))
                .body("scopes", equalTo(List.of("billing:read")));
        // No polling: the change must hold for the next request, not eventually.
        insufficientScope(chat(secret), "inference");
        usage(secret).statusCode(200);

        patch(keyId, Map.of("scopes", List.of("inference")))
                .statusCode(200)
                .body("scopes", equalTo(List.of("inference")));
        chat(secret).statusCode(200);
        insufficientScope(usage(secret), "billing:read");

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(API + "/tenants/" + tenant + "/keys/" + keyId)
                .then()
                .statusCode(200)
                .body("scopes", equalTo(List.of("inference")));
    }

    @Test
    void scopeChangesAreAuditedWithBeforeAndAfter() {
        String keyId = key(List.of("inference")).getString("key.id");
        patch(keyId, Map.of("scopes", List.of("billing:read", "inference", "billing:read")))
                .statusCode(200)
                .body("scopes", equalTo(List.of("inference", "billing:read")));
        // The same scopes again change nothing and write no second row.
        patch(keyId, Map.of("scopes", List.of("inference", "billing:read"))).statusCode(200);

        JsonPath audit = given().auth()
                .oauth2(fx.platformToken())
                .queryParam("action", "api_key.update")
                .when()
                .get(API + "/tenants/" + tenant + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getList("items.action")).containsExactly("api_key.update");
        assertThat(audit.getString("items[0].targetId")).isEqualTo(keyId);
        assertThat(audit.getList("items[0].before.scopes")).containsExactly("inference");
        assertThat(audit.getList("items[0].after.scopes")).containsExactly("inference", "billing:read");
    }

    @Test
    void missingEmptyOrUnknownScopesAreA400NamingTheFieldAndTheKnownScopes() {
        String keyId = key(List.of("inference")).getString("key.id");
        patch(keyId, Map.of("scopes", List.of()))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("scopes"))
                .body("detail", containsString("at least one scope"))
                .body("detail", containsString("inference, billing:read"));
        patch(keyId, Map.of("scopes", List.of("inference", "billing:write")))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("scopes[1]"))
                .body("detail", containsString("'billing:write'"))
                .body("detail", containsString("inference, billing:read"));
        patch(keyId, Map.of())
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("scopes"))
                .body("detail", containsString("inference, billing:read"));

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(API + "/tenants/" + tenant + "/keys/" + keyId)
                .then()
                .statusCode(200)
                .body("scopes", equalTo(List.of("inference")));
    }

    @Test
    void revokedExpiredAndUnknownKeysAnswerLikeRotation() throws Exception {
        String revoked = key(List.of("inference")).getString("key.id");
        fx.revokeKey(tenant, revoked).statusCode(200);
        String expired = key(List.of("inference")).getString("key.id");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update api_key set expires_at = now() - interval '1 minute' where id = ?")) {
            ps.setObject(1, UUID.fromString(expired));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        Map<String, List<String>> body = Map.of("scopes", List.of("billing:read"));

        for (String keyId : List.of(revoked, expired)) {
            int rotateStatus = given().auth()
                    .oauth2(fx.platformToken())
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post(API + "/tenants/" + tenant + "/keys/" + keyId + "/rotate")
                    .then()
                    .extract()
                    .statusCode();
            patch(keyId, body)
                    .statusCode(rotateStatus)
                    .contentType("application/problem+json")
                    .body("field", equalTo("status"));
        }
        assertThat(given().auth()
                        .oauth2(fx.platformToken())
                        .get(API + "/tenants/" + tenant + "/keys/" + revoked)
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("scopes"))
                .containsExactly("inference");

        patch(UUID.randomUUID().toString(), body).statusCode(404).contentType("application/problem+json");
    }
}
