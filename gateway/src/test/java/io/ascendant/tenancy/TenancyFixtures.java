package io.ascendant.tenancy;

import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenancy tests' view of {@link AdminFixtures}: acts as the platform admin (tokens cached per user), tenants in CNY
 * and Europe/Paris, ids as UUIDs; plus tenant admins and billing viewers of a tenant's organization.
 */
final class TenancyFixtures {

    static final String API = AdminFixtures.API;

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
        return AdminFixtures.uniqueSlug(prefix);
    }

    /** Creates a tenant in CNY and Europe/Paris as platform admin; returns the JSON answer. */
    JsonPath createTenant(String slug) {
        return AdminFixtures.createTenant(platformToken(), slug, "Tenant " + slug, "CNY", "Europe/Paris");
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

    /** A tenant admin (real Keycloak user, member of the tenant's organization). */
    TestUser tenantAdminOf(String slug) {
        return keycloak.createUser("ta-" + slug, Set.of("tenant-admin"), slug);
    }

    /** A billing viewer of the tenant's organization. */
    TestUser billingViewerOf(String slug) {
        return keycloak.createUser("bv-" + slug, Set.of("billing-viewer"), slug);
    }
}
