package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key past its {@code expires_at} is shown as EXPIRED wherever the admin API shows a key (one key, the list, the
 * list's status filter), computed when read; a revoked key stays REVOKED. Regression for a user trial where expired
 * keys were listed as ACTIVE while the gateway refused them.
 */
@QuarkusTest
class ExpiredKeyStatusTest {

    private static final String API = "/admin/api/v1";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("expiry"));
        project = fx.createProject(tenant, "app");
    }

    @Test
    void keyPastItsExpiryIsListedAsExpiredAndRefused() throws Exception {
        String live = fx.createKey(tenant, project, "live", null).getString("key.id");
        JsonPath expiredKey = fx.createKey(tenant, project, "expired", null);
        String expired = expiredKey.getString("key.id");
        String revoked = fx.createKey(tenant, project, "revoked", null).getString("key.id");
        fx.revokeKey(tenant, revoked).body("status", equalTo("REVOKED"));
        // Keys cannot be created with a past expiry: move it into the past in the database.
        pastExpiry(expired);
        pastExpiry(revoked);

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(API + "/tenants/" + tenant + "/keys/" + expired)
                .then()
                .statusCode(200)
                .body("status", equalTo("EXPIRED"));

        assertThat(statuses(null))
                .containsEntry(live, "ACTIVE")
                .containsEntry(expired, "EXPIRED")
                .containsEntry(revoked, "REVOKED")
                .hasSize(3);
        assertThat(statuses("ACTIVE")).containsOnlyKeys(live);
        assertThat(statuses("EXPIRED")).containsOnlyKeys(expired);
        assertThat(statuses("REVOKED")).containsOnlyKeys(revoked);
        // The name search takes its own query path: it shows and filters the same status.
        assertThat(statuses(null, "exp")).containsExactly(Map.entry(expired, "EXPIRED"));
        assertThat(statuses("ACTIVE", "exp")).isEmpty();

        // The gateway refuses it, as before.
        ApiKeyAuthenticationTest.awaitStatus(expiredKey.getString("secret"), 401);
    }

    private void pastExpiry(String keyId) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update api_key set expires_at = now() - interval '1 minute' where id = ?")) {
            ps.setObject(1, UUID.fromString(keyId));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private Map<String, String> statuses(String status) {
        return statuses(status, null);
    }

    /** Key id to status of the tenant's key list, filtered by {@code status} and the name search {@code q}. */
    private Map<String, String> statuses(String status, String q) {
        var spec = given().auth().oauth2(fx.platformToken()).queryParam("limit", 100);
        if (status != null) {
            spec = spec.queryParam("status", status);
        }
        if (q != null) {
            spec = spec.queryParam("q", q);
        }
        List<Map<String, Object>> items = spec.when()
                .get(API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        Map<String, String> out = new java.util.LinkedHashMap<>();
        items.forEach(k -> out.put((String) k.get("id"), (String) k.get("status")));
        return out;
    }
}
