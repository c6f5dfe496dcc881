package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Tenant creation is all or nothing across PostgreSQL and Keycloak. An organization whose create reached Keycloak
 * while the tenant never got committed (Keycloak answered after the gateway had given up, or the compensating delete
 * could not reach it) is linked to no tenant; the next create of that slug adopts it instead of refusing the slug
 * forever. An organization linked to a tenant ({@code tenant.keycloak_org_id}) is never adopted: 409, and it stays.
 * The organizations are made directly through Keycloak's admin API, as the failed attempt would have left them.
 */
@QuarkusTest
class OrphanOrganizationTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Test
    void createAdoptsAnOrganizationOfItsSlugThatNoTenantIsLinkedTo() throws Exception {
        String slug = TenancyFixtures.uniqueSlug("orphan");
        String orphan = keycloak.ensureOrganization(slug);

        Response r = create(slug);

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        assertThat(DatabaseRows.single(dataSource, "select keycloak_org_id from tenant where slug = ?", slug))
                .containsEntry("keycloak_org_id", orphan);
        assertThat(keycloak.findOrganization(slug)).contains(orphan);
    }

    @Test
    void createRefusesAnOrganizationOfItsSlugThatBelongsToAnotherTenant() throws Exception {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        String ownerSlug = TenancyFixtures.uniqueSlug("owner");
        fx.createTenant(ownerSlug);
        String slug = TenancyFixtures.uniqueSlug("linked");
        String linked = keycloak.ensureOrganization(slug);
        linkOrganization(ownerSlug, linked);

        Response r = create(slug);

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(409);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonPath p = r.jsonPath();
        assertThat(p.getString("field")).isEqualTo("slug");
        assertThat(p.getString("detail")).contains(slug).contains(ownerSlug);
        assertThat(DatabaseRows.count(dataSource, "select count(*) from tenant where slug = ?", slug))
                .isZero();
        assertThat(keycloak.findOrganization(slug)).contains(linked);
    }

    private Response create(String slug) {
        return given().auth()
                .oauth2(new TenancyFixtures(keycloak).platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Tenant " + slug, "currency", "USD", "timeZone", "UTC"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .andReturn();
    }

    /** Links {@code organizationId} to the tenant {@code tenantSlug} the way a create does (its own one unlinked). */
    private void linkOrganization(String tenantSlug, String organizationId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update tenant set keycloak_org_id = ? where slug = ?")) {
            ps.setString(1, organizationId);
            ps.setString(2, tenantSlug);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
