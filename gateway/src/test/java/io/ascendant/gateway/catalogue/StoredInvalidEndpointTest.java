package io.ascendant.gateway.catalogue;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.deleteModelIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.deletePoolIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putModel;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putPool;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.registerEndpoint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code pool_endpoint} row whose base URL no pod can be made of (stored before the admin API checked URLs, or
 * written by SQL) once made the registry's reconcile throw, which stopped the gateway at start-up, and was missing
 * from {@code GET /admin/api/v1/pools/{name}} so nobody could remove it. Now reconcile skips it with one warning, the
 * pool's good endpoint keeps serving, the listing shows it {@code INVALID} with the reason and its id, and it can be
 * deleted.
 */
@QuarkusTest
class StoredInvalidEndpointTest {

    private static final String POOL = "extra";
    private static final String MODEL = "deepseek-v4-extra";
    private static final String HELLO =
            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Bad rows as a script or an older gateway wrote them, and what the listing and the log say about each. */
    private static final Map<String, String> BAD = new LinkedHashMap<>();

    static {
        BAD.put(
                "http://[::1",
                "baseUrl 'http://[::1' is not a valid URL: expected closing bracket for IPv6 address at its end");
        BAD.put("http://127.0.0.1:99999", "baseUrl 'http://127.0.0.1:99999' has port 99999; a port is 1-65535");
        BAD.put("http://127.0.0.1:0", "baseUrl 'http://127.0.0.1:0' has port 0; a port is 1-65535");
    }

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    DataSource dataSource;

    @Inject
    ModelCatalogue catalogue;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void skipsListsAndDeletesInvalidStoredEndpointsWhileTheGoodOneServes() throws Exception {
        deleteModelIfStored(admin(), MODEL);
        deletePoolIfStored(admin(), POOL);
        String good = FakeHostsResource.PRO.baseUrl();
        try {
            putPool(admin(), POOL);
            String goodId = registerEndpoint(admin(), POOL, good);
            putModel(admin(), MODEL, "{\"pool\":\"" + POOL + "\",\"priceTier\":\"deepseek-v4-flash\"}")
                    .statusCode(201);

            List<LogCapture.Line> warnings;
            try (LogCapture log = LogCapture.of(PodRegistry.class.getName(), Level.WARNING)) {
                insertRows(BAD.keySet());
                // What start-up does (load the catalogue, reconcile the pods), several times: it must not throw,
                // and must warn once per bad row, not on every reload or poll.
                for (int i = 0; i < 3; i++) {
                    catalogue.reloadNow();
                    poller.pollHealthNow();
                    registry.discoverNow();
                }
                warnings = log.lines().stream()
                        .filter(l -> l.level().intValue() >= Level.WARNING.intValue())
                        .filter(l -> l.message().startsWith("Pool " + POOL + ":"))
                        .toList();
            }
            assertThat(warnings).hasSize(BAD.size());
            for (String reason : BAD.values()) {
                assertThat(warnings)
                        .filteredOn(l -> l.message().contains(reason))
                        .singleElement()
                        .satisfies(l -> assertThat(l.message())
                                .contains("registered endpoint skipped")
                                .contains("DELETE /admin/api/v1/pools/" + POOL + "/endpoints/{id}"));
            }

            assertThat(registry.pods(POOL)).extracting(Pod::baseUrl).containsExactly(good);
            assertThat(registry.invalid(POOL))
                    .extracting(bad -> bad.endpoint().baseUrl())
                    .containsExactlyInAnyOrderElementsOf(BAD.keySet());

            poller.pollHealthNow();
            DataPathTestSupport.await(
                    "good pod of " + POOL + " ready",
                    () -> registry.pods(POOL).stream().allMatch(p -> p.ready(2)));
            TestKeys.Key key = keys.create(Set.of());
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body(HELLO)
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);

            JsonPath listing = pool();
            assertThat(listing.getList("endpoints")).hasSize(1 + BAD.size());
            Map<String, Object> served = endpoint(listing, good);
            assertThat(served).containsEntry("state", "READY").containsEntry("id", goodId);
            assertThat(served.get("problem")).isNull();
            for (Map.Entry<String, String> bad : BAD.entrySet()) {
                Map<String, Object> e = endpoint(listing, bad.getKey());
                assertThat(e)
                        .containsEntry("state", "INVALID")
                        .containsEntry("problem", bad.getValue())
                        .containsEntry("source", "REGISTERED")
                        .containsEntry("ready", false)
                        .containsEntry("accelerator", "CPU");
                assertThat(e.get("id")).isNotNull();
                assertThat(e.get("registeredAt")).isNotNull();
                given().auth()
                        .oauth2(admin())
                        .when()
                        .delete(AdminFixtures.API + "/pools/" + POOL + "/endpoints/" + e.get("id"))
                        .then()
                        .statusCode(204);
            }

            listing = pool();
            assertThat(listing.getList("endpoints.baseUrl")).containsExactly(good);
            assertThat(registry.invalid(POOL)).isEmpty();
            assertThat(registry.pods(POOL)).extracting(Pod::baseUrl).containsExactly(good);
            given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body(HELLO)
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);
        } finally {
            deleteModelIfStored(admin(), MODEL);
            deletePoolIfStored(admin(), POOL);
        }
        assertThat(registry.invalid(POOL)).isEmpty();
    }

    private JsonPath pool() {
        return given().auth()
                .oauth2(admin())
                .when()
                .get(AdminFixtures.API + "/pools/" + POOL)
                .then()
                .statusCode(200)
                .body("name", equalTo(POOL))
                .extract()
                .jsonPath();
    }

    private static Map<String, Object> endpoint(JsonPath listing, String baseUrl) {
        List<Map<String, Object>> endpoints = listing.getList("endpoints");
        return endpoints.stream()
                .filter(e -> baseUrl.equals(e.get("baseUrl")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(baseUrl + " not listed in " + endpoints));
    }

    /** Writes rows the way a script would: straight into the table, without the admin API's checks. */
    private void insertRows(Iterable<String> urls) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (String url : urls) {
                try (PreparedStatement s = c.prepareStatement(
                        "insert into pool_endpoint (id, pool_name, base_url, accelerator) values (?, ?, ?, 'CPU')")) {
                    s.setObject(1, UUID.randomUUID());
                    s.setString(2, POOL);
                    s.setString(3, url);
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s =
                    c.prepareStatement("update catalogue_revision set revision = revision + 1 where id = 1")) {
                s.executeUpdate();
            }
        }
    }
}
