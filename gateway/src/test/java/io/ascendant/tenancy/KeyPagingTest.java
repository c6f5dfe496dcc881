package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Keyset pagination over 100,000 keys returns every key exactly once, in order (timings: bench/tenancy-keys.sh). */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyPagingTest {

    static final int KEYS = 100_000;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID projectA;

    /** Once per class, but after Quarkus configured REST Assured (not in @BeforeAll). */
    @BeforeEach
    void seed() throws Exception {
        if (tenant != null) {
            return;
        }
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("many"));
        projectA = fx.createProject(tenant, "a");
        UUID projectB = fx.createProject(tenant, "b");
        KeySeeder.seed(db, tenant, projectA, projectB, KEYS);
    }

    @Test
    void pagesThroughAllKeysExactlyOnceInOrder() throws Exception {
        List<String> seen = page(null, 500);

        assertThat(seen).hasSize(KEYS);
        assertThat(new HashSet<>(seen)).hasSize(KEYS).isEqualTo(idsInDatabase());
        // PostgreSQL orders uuids by their bytes, which is the order of their lower-case text.
        assertThat(seen).isSortedAccordingTo(String::compareTo);
    }

    @Test
    void filtersByProjectAndSearchesByNamePrefix() {
        assertThat(page("projectId=" + projectA, 500)).hasSize(KEYS / 2);
        JsonPath hit = given().auth()
                .oauth2(fx.platformToken())
                .queryParam("q", "SEEDED-99999")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(hit.getList("items.name")).containsExactly("seeded-99999");
    }

    @Test
    void rejectsOversizedPagesAndForeignCursorsNamingTheParameter() {
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("limit", 100_000)
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("limit"));
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("cursor", "not-a-cursor!")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("cursor"));
    }

    private List<String> page(String filter, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            var req = given().auth().oauth2(fx.platformToken()).queryParam("limit", limit);
            if (filter != null) {
                String[] kv = filter.split("=", 2);
                req = req.queryParam(kv[0], kv[1]);
            }
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath p = req.when()
                    .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            ids.addAll(p.getList("items.id", String.class));
            cursor = p.getString("nextCursor");
        } while (cursor != null);
        return ids;
    }

    private Set<String> idsInDatabase() throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select id from api_key where tenant_id = ?")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
