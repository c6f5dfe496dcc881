package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admin-managed routes and pools: platform admins only, audited, applied to dispatch at once. */
@QuarkusTest
class CatalogueAdminTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    private static final String HELLO =
            "{\"model\":\"deepseek-v4-admin\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void platformAdminRoutesAModelToARegisteredEndpointAndDrainsIt() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        addListPricesFor("deepseek-v4-admin");
        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"accelerator\":\"ascend\"}")
                .when()
                .put("/admin/api/v1/pools/admin-pool")
                .then()
                .statusCode(201)
                .body("accelerator", equalTo("ASCEND"));
        String endpointId = given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"baseUrl\":\"" + FakeHostsResource.DISCOVERED.baseUrl() + "\"}")
                .when()
                .post("/admin/api/v1/pools/admin-pool/endpoints")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        putModel("deepseek-v4-admin", "{\"pool\":\"admin-pool\",\"aliases\":[\"v4-admin\"],\"maxOutputTokens\":1024}")
                .statusCode(201)
                .body("source", equalTo("ADMIN"))
                .body("priceTier", equalTo("deepseek-v4-admin"));

        poller.pollHealthNow();
        DataPathTestSupport.await(
                "registered pod ready",
                () -> !registry.pods("admin-pool").isEmpty()
                        && registry.pods("admin-pool").get(0).ready(2)
                        && registry.pods("admin-pool").get(0).loadAgeNanos(System.nanoTime()) < 500_000_000L);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(HELLO)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("data.id", hasItem("deepseek-v4-admin"));
        given().auth()
                .oauth2(admin())
                .when()
                .get("/admin/api/v1/pools/admin-pool")
                .then()
                .statusCode(200)
                .body("endpoints[0].accelerator", equalTo("ASCEND"))
                .body("endpoints[0].source", equalTo("REGISTERED"));

        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"draining\":true}")
                .when()
                .patch("/admin/api/v1/pools/admin-pool/endpoints/" + endpointId)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(HELLO)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(503);

        given().auth()
                .oauth2(admin())
                .when()
                .delete("/admin/api/v1/models/deepseek-v4-admin")
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(HELLO)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(admin())
                .when()
                .delete("/admin/api/v1/pools/admin-pool/endpoints/" + endpointId)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(admin())
                .when()
                .delete("/admin/api/v1/pools/admin-pool")
                .then()
                .statusCode(204);
        assertThat(auditActions())
                .contains(
                        "model_pool.put",
                        "pool_endpoint.register",
                        "model_route.put",
                        "pool_endpoint.drain",
                        "model_route.delete");
    }

    @Test
    void rejectsInvalidRoutesWithProblemDetails() {
        putModel("deepseek-v4-x", "{\"pool\":\"no-such-pool\"}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("pool"));
        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"accelerator\":\"gpu\"}")
                .when()
                .put("/admin/api/v1/pools/p1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void refusesAnAliasListedTwiceOrEqualToTheModelsOwnNameWithoutStoringIt() throws Exception {
        putPool("names-pool");
        try {
            putModel(
                            "plain-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"pm\",\"pm\"]}")
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("aliases"))
                    .body("detail", containsString("'pm'"));
            putModel(
                            "plain-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"plain-mini\"]}")
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("field", equalTo("aliases"))
                    .body("detail", containsString("'plain-mini'"));
            assertThat(storedRouteCount("plain-mini")).isZero();
        } finally {
            deletePool("names-pool");
        }
    }

    @Test
    void refusesAModelNameThatIsAlreadyAnotherModelsAlias() throws Exception {
        putPool("names-pool");
        try {
            putModel(
                            "acme-v4-mini",
                            "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\",\"aliases\":[\"mini\"]}")
                    .statusCode(201);
            putModel("mini", "{\"pool\":\"names-pool\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("field", equalTo("name"))
                    .body("detail", containsString("'acme-v4-mini'"));
            assertThat(storedRouteCount("mini")).isZero();
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get("/admin/api/v1/models/acme-v4-mini")
                    .then()
                    .statusCode(200)
                    .body("aliases", hasItem("mini"));
        } finally {
            deleteModelIfStored("acme-v4-mini");
            deletePool("names-pool");
        }
    }

    @Test
    void refusesARouteWhosePriceTierHasNoListPriceAndSaysHowToAddOne() throws Exception {
        putPool("tier-pool");
        try {
            putModel("tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"free-tokens\"}")
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("field", equalTo("priceTier"))
                    .body("detail", containsString("'free-tokens'"))
                    .body("detail", containsString("/admin/api/v1/billing/price-book"));
            // the default tier is the public name, which has no price either
            putModel("tier-model", "{\"pool\":\"tier-pool\"}").statusCode(409).body("field", equalTo("priceTier"));
            assertThat(storedRouteCount("tier-model")).isZero();

            putModel("tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(201);
            putModel("tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"free-tokens\"}")
                    .statusCode(409)
                    .body("field", equalTo("priceTier"));
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get("/admin/api/v1/models/tier-model")
                    .then()
                    .statusCode(200)
                    .body("priceTier", equalTo("deepseek-v4-flash"));

            addListPricesFor("priced-later");
            putModel("tier-model", "{\"pool\":\"tier-pool\",\"priceTier\":\"priced-later\"}")
                    .statusCode(200)
                    .body("priceTier", equalTo("priced-later"));
        } finally {
            deleteModelIfStored("tier-model");
            deletePool("tier-pool");
        }
    }

    /**
     * Gives {@code tier} a list price in every currency the price book has list prices in (unless it has one), as an
     * admin must before routing a model to a new tier; it starts a day from now, which the catalogue accepts.
     */
    private void addListPricesFor(String tier) {
        List<Map<String, Object>> versions = given().auth()
                .oauth2(admin())
                .when()
                .get("/admin/api/v1/billing/price-book")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Set<String> currencies = new TreeSet<>();
        Set<String> priced = new TreeSet<>();
        for (Map<String, Object> v : versions) {
            if (v.get("tenantId") == null) {
                currencies.add((String) v.get("currency"));
                if (tier.equals(v.get("model"))) {
                    priced.add((String) v.get("currency"));
                }
            }
        }
        currencies.removeAll(priced);
        for (String currency : currencies) {
            given().auth()
                    .oauth2(admin())
                    .contentType("application/json")
                    .body(Map.of(
                            "model",
                            tier,
                            "currency",
                            currency,
                            "effectiveFrom",
                            Instant.now().plus(Duration.ofDays(1)).toString(),
                            "rates",
                            Map.of("cacheHit", "0.01", "cacheMiss", "0.1", "output", "0.2"),
                            "source",
                            "catalogue admin test"))
                    .when()
                    .post("/admin/api/v1/billing/price-book")
                    .then()
                    .statusCode(201);
        }
    }

    @Test
    void refusesToReplaceAStaticPoolAndLetsARouteUseIt() throws Exception {
        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"accelerator\":\"cpu\"}")
                .when()
                .put("/admin/api/v1/pools/flash")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("name"))
                .body("detail", containsString("configuration"));
        given().auth()
                .oauth2(admin())
                .when()
                .get("/admin/api/v1/pools/flash")
                .then()
                .statusCode(200)
                .body("source", equalTo("STATIC"));
        assertThat(registry.pods("flash")).isNotEmpty();
        try {
            putModel("flash-on-static", "{\"pool\":\"flash\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(201)
                    .body("pool", equalTo("flash"))
                    .body("source", equalTo("ADMIN"));
        } finally {
            deleteModelIfStored("flash-on-static");
        }
    }

    /** PUTs a model route as platform admin; the answer is the caller's to check. */
    private ValidatableResponse putModel(String name, String body) {
        return given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body(body)
                .when()
                .put("/admin/api/v1/models/" + name)
                .then();
    }

    /** Clean-up: deletes a model route whether or not the test got as far as storing it. */
    private void deleteModelIfStored(String name) {
        given().auth().oauth2(admin()).when().delete("/admin/api/v1/models/" + name);
    }

    private void putPool(String name) {
        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"accelerator\":\"cpu\"}")
                .when()
                .put("/admin/api/v1/pools/" + name)
                .then()
                .statusCode(201);
    }

    private void deletePool(String name) {
        given().auth()
                .oauth2(admin())
                .when()
                .delete("/admin/api/v1/pools/" + name)
                .then()
                .statusCode(204);
    }

    private int storedRouteCount(String name) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("select (select count(*) from model_route where public_name = ?)"
                                + " + (select count(*) from model_alias where public_name = ?)")) {
            s.setString(1, name);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void refusesNonPlatformAdmins() {
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.tenantAdmin()))
                .when()
                .get("/admin/api/v1/models")
                .then()
                .statusCode(403);
        given().when().get("/admin/api/v1/models").then().statusCode(401);
    }

    private java.util.List<String> auditActions() throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select action from audit_log order by occurred_at");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
