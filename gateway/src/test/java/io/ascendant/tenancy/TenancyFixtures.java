package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The tenancy tests' view of {@link AdminFixtures}: acts as the platform admin (tokens cached per user while valid), tenants in CNY
 * and Europe/Paris, ids as UUIDs; plus tenant admins and billing viewers of a tenant's organization.
 */
final class TenancyFixtures {

    static final String API = AdminFixtures.API;

    private final KeycloakTokens keycloak;

    TenancyFixtures(KeycloakTokens keycloak) {
        this.keycloak = keycloak;
    }

    /** An access token of the user, cached while it has at least a minute left ({@link KeycloakTokens#token}). */
    String token(TestUser user) {
        return keycloak.token(user);
    }

    String platformToken() {
        return token(keycloak.platformAdmin());
    }

    /** A unique tenant slug. */
    static String uniqueSlug(String prefix) {
        return AdminFixtures.uniqueSlug(prefix);
    }

    /** Creates a tenant in CNY and Europe/Paris as platform admin; returns the JSON answer. */
    JsonPath createTenant(String slug) {
        return AdminFixtures.createTenant(platformToken(), slug, "Tenant " + slug, "CNY", "Europe/Paris");
    }

    /**
     * Asks for a tenant in {@code currency} as platform admin and expects a refusal: 400 problem+json naming {@code
     * currency}, and no tenant stored under {@code slug}.
     *
     * @return the refusal, for checks of its detail
     */
    ValidatableResponse refuseTenantInCurrency(String slug, String currency) {
        ValidatableResponse refused = given().auth()
                .oauth2(platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "slug",
                        slug,
                        "displayName",
                        "Tenant " + slug,
                        "currency",
                        currency,
                        "timeZone",
                        "Europe/Paris"))
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("currency"));
        given().auth()
                .oauth2(platformToken())
                .queryParam("q", slug)
                .when()
                .get(API + "/tenants")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        return refused;
    }

    UUID createTenantId(String slug) {
        return UUID.fromString(createTenant(slug).getString("id"));
    }

    UUID createProject(UUID tenantId, String name) {
        return UUID.fromString(AdminFixtures.newProject(platformToken(), tenantId.toString(), name));
    }

    /** Creates a key; returns the full answer (key + secret). */
    JsonPath createKey(UUID tenantId, UUID projectId, String name, List<String> models) {
        return AdminFixtures.newKey(platformToken(), tenantId.toString(), projectId.toString(), name, models);
    }

    /** Revokes a key as platform admin; the 200 answer carries the key. */
    ValidatableResponse revokeKey(UUID tenantId, String keyId) {
        return given().auth()
                .oauth2(platformToken())
                .when()
                .post(API + "/tenants/" + tenantId + "/keys/" + keyId + "/revoke")
                .then()
                .statusCode(200);
    }

    /** Suspends a tenant as platform admin. */
    void suspendTenant(UUID tenantId) {
        given().auth()
                .oauth2(platformToken())
                .when()
                .post(API + "/tenants/" + tenantId + "/suspend")
                .then()
                .statusCode(200);
    }

    /** Activates a suspended tenant as platform admin. */
    void activateTenant(UUID tenantId) {
        given().auth()
                .oauth2(platformToken())
                .when()
                .post(API + "/tenants/" + tenantId + "/activate")
                .then()
                .statusCode(200);
    }

    /**
     * Sends {@code request} until it is answered with {@code status}, for at most 5 s: revocation and suspension reach
     * the authentication cache asynchronously (through NOTIFY).
     *
     * @return the first answer with that status
     * @throws AssertionError naming the last status and body when it is not reached
     */
    static Response awaitStatus(Supplier<Response> request, int status) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Response r;
        do {
            r = request.get();
            if (r.statusCode() == status) {
                return r;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + status + " but still " + r.statusCode() + ": " + r.asString());
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
