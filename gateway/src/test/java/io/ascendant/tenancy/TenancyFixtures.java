package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;

import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Builds tenants, projects and keys through the admin API, with real Keycloak tokens. */
final class TenancyFixtures {

    static final String API = "/admin/api/v1";

    private final KeycloakTokens keycloak;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    TenancyFixtures(KeycloakTokens keycloak) {
        this.keycloak = keycloak;
    }

    /** A (cached, short-lived) access token of the user. */
    String token(TestUser user) {
        return tokens.computeIfAbsent(user.username(), u -> keycloak.accessToken(user));
    }

    String platformToken() {
        return token(keycloak.platformAdmin());
    }

    /** A unique tenant slug. */
    static String uniqueSlug(String prefix) {
        return (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    /** Creates a tenant as platform admin; returns the JSON answer. */
    JsonPath createTenant(String slug) {
        return given().auth()
                .oauth2(platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "slug", slug, "displayName", "Tenant " + slug, "currency", "CNY", "timeZone", "Europe/Paris"))
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    UUID createTenantId(String slug) {
        return UUID.fromString(createTenant(slug).getString("id"));
    }

    UUID createProject(UUID tenantId, String name) {
        return UUID.fromString(given().auth()
                .oauth2(platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .when()
                .post(API + "/tenants/" + tenantId + "/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
    }

    /** Creates a key; returns the full answer (key + secret). */
    JsonPath createKey(UUID tenantId, UUID projectId, String name, List<String> models) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        if (models != null) {
            body.put("allowedModels", models);
        }
        return given().auth()
                .oauth2(platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(API + "/tenants/" + tenantId + "/projects/" + projectId + "/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** A tenant admin (real Keycloak user, member of the tenant's organization). */
    TestUser tenantAdminOf(String slug) {
        return keycloak.createUser("ta-" + slug, Set.of("tenant-admin"), slug);
    }

    /** A billing viewer of the tenant's organization. */
    TestUser billingViewerOf(String slug) {
        return keycloak.createUser("bv-" + slug, Set.of("billing-viewer"), slug);
    }
}
