package io.ascendant.gateway.datapath;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.addListPricesFor;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.deleteModelIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ascendant.billing.pricebook.PriceBookService;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.PriceBookRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admin-managed routes and pools: platform admins only, audited, applied to dispatch at once. What a route may be
 * called and billed at is {@link CatalogueRouteNamesTest}'s.
 */
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

    @Inject
    PriceBookService priceBook;

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
        addListPricesFor(admin(), "deepseek-v4-admin");
        // The gateway serves a model only with a price in force in the tenant's currency (USD); the list prices above
        // start tomorrow.
        PriceBookRows.addInForce(dataSource, "deepseek-v4-admin", "USD", null, new BigDecimal("0.1"), "in force");
        priceBook.reload();
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
        putModel(
                        admin(),
                        "deepseek-v4-admin",
                        "{\"pool\":\"admin-pool\",\"aliases\":[\"v4-admin\"],\"maxOutputTokens\":1024}")
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
        putModel(admin(), "deepseek-v4-x", "{\"pool\":\"no-such-pool\"}")
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
            putModel(admin(), "flash-on-static", "{\"pool\":\"flash\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(201)
                    .body("pool", equalTo("flash"))
                    .body("source", equalTo("ADMIN"));
        } finally {
            deleteModelIfStored(admin(), "flash-on-static");
        }
    }

    @Test
    void refusesEndpointChangesOnAStaticPoolWith409SayingItComesFromConfiguration() {
        String id = UUID.randomUUID().toString();
        List<ValidatableResponse> answers = List.of(
                given().auth()
                        .oauth2(admin())
                        .contentType("application/json")
                        .body("{\"baseUrl\":\"http://10.9.9.9:8090\"}")
                        .when()
                        .post("/admin/api/v1/pools/flash/endpoints")
                        .then(),
                given().auth()
                        .oauth2(admin())
                        .contentType("application/json")
                        .body("{\"draining\":true}")
                        .when()
                        .patch("/admin/api/v1/pools/flash/endpoints/" + id)
                        .then(),
                given().auth()
                        .oauth2(admin())
                        .when()
                        .delete("/admin/api/v1/pools/flash/endpoints/" + id)
                        .then(),
                given().auth()
                        .oauth2(admin())
                        .when()
                        .delete("/admin/api/v1/pools/flash")
                        .then());
        for (ValidatableResponse answer : answers) {
            answer.statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("pool 'flash' is a static pool from configuration"))
                    .body("detail", containsString("gateway.catalogue.pools.flash."))
                    .body("detail", containsString("create an admin-managed pool"));
        }
        assertThat(registry.pods("flash")).isNotEmpty();
        // An unknown pool is still a 404.
        given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body("{\"baseUrl\":\"http://10.9.9.9:8090\"}")
                .when()
                .post("/admin/api/v1/pools/no-such-pool/endpoints")
                .then()
                .statusCode(404);
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

    private List<String> auditActions() throws Exception {
        List<String> out = new ArrayList<>();
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
