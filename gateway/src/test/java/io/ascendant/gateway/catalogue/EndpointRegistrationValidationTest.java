package io.ascendant.gateway.catalogue;

import static io.ascendant.gateway.testsupport.CatalogueFixtures.deletePoolIfStored;
import static io.ascendant.gateway.testsupport.CatalogueFixtures.putPool;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin/api/v1/pools/{name}/endpoints} refuses a base URL no pod can be made of with a 400 that names
 * {@code baseUrl} and says what is wrong, and stores nothing: such a URL once answered 201 and then stopped the
 * gateway from starting ({@code http://[::1}) or made the health poller log an error every second ({@code
 * http://127.0.0.1:99999}, {@code :0}). A pool's {@code dns} port is held to the same range.
 */
@QuarkusTest
class EndpointRegistrationValidationTest {

    private static final String POOL = "url-checks";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    DataSource dataSource;

    @Inject
    PodRegistry registry;

    private String admin() {
        return keycloak.accessToken(keycloak.platformAdmin());
    }

    private ValidatableResponse register(String baseUrl) {
        return given().auth()
                .oauth2(admin())
                .contentType("application/json")
                .body(Map.of("baseUrl", baseUrl))
                .when()
                .post(AdminFixtures.API + "/pools/" + POOL + "/endpoints")
                .then();
    }

    @Test
    void refusesEachInvalidBaseUrlWith400SayingWhatIsWrong() throws Exception {
        deletePoolIfStored(admin(), POOL);
        putPool(admin(), POOL);
        try {
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put(
                    "http://[::1",
                    "baseUrl 'http://[::1' is not a valid URL: expected closing bracket for IPv6 address at its end");
            cases.put("http://127.0.0.1:99999", "baseUrl 'http://127.0.0.1:99999' has port 99999; a port is 1-65535");
            cases.put("http://127.0.0.1:0", "baseUrl 'http://127.0.0.1:0' has port 0; a port is 1-65535");
            cases.put(
                    "ftp://127.0.0.1:21",
                    "baseUrl 'ftp://127.0.0.1:21' has scheme 'ftp'; only http and https are supported");
            cases.put(
                    "127.0.0.1:8090",
                    "baseUrl '127.0.0.1:8090' is not an absolute URL: it must start with http:// or https://, e.g."
                            + " http://10.0.0.5:8090");
            cases.put(
                    "http://127.0.0.1:8090?debug=1",
                    "baseUrl 'http://127.0.0.1:8090?debug=1' has a query ('?debug=1'); give only scheme, host and"
                            + " port");
            cases.put(
                    "http://127.0.0.1:8090#x",
                    "baseUrl 'http://127.0.0.1:8090#x' has a fragment ('#x'); give only scheme, host and port");
            cases.put(
                    "http://127.0.0.1:8090/v1",
                    "baseUrl 'http://127.0.0.1:8090/v1' has path '/v1'; give only scheme, host and port (the"
                            + " gateway adds the host API's paths itself)");
            cases.put(
                    "http://model_host:8090",
                    "baseUrl 'http://model_host:8090' has an invalid host: illegal character in hostname at"
                            + " character 13 ('_')");
            cases.put(
                    "http://:8090",
                    "baseUrl 'http://:8090' has an invalid host: expected hostname at character 8" + " (':')");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                register(c.getKey())
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("field", equalTo("baseUrl"))
                        .body("detail", equalTo(c.getValue()))
                        .body("errors[0].field", equalTo("baseUrl"))
                        .body("errors[0].message", equalTo(c.getValue()));
            }
            String userInfo = register("http://ops:hunter2@127.0.0.1:8090")
                    .statusCode(400)
                    .body("field", equalTo("baseUrl"))
                    .extract()
                    .path("detail");
            assertThat(userInfo)
                    .startsWith("baseUrl 'http://***@127.0.0.1:8090' has user info before '@'")
                    .doesNotContain("hunter2");
            register("").statusCode(400).body("field", equalTo("baseUrl"));
            assertThat(storedUrls()).isEmpty();
            assertThat(registry.invalid(POOL)).isEmpty();
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    @Test
    void acceptsValidBaseUrlsStoredLowerCaseWithoutTrailingSlash() throws Exception {
        deletePoolIfStored(admin(), POOL);
        putPool(admin(), POOL);
        try {
            register("HTTP://127.0.0.1:65535/").statusCode(201).body("baseUrl", equalTo("http://127.0.0.1:65535"));
            register("https://[::1]:8443").statusCode(201).body("baseUrl", equalTo("https://[::1]:8443"));
            register("http://model-host.internal").statusCode(201);
            assertThat(storedUrls())
                    .containsExactly("http://127.0.0.1:65535", "http://model-host.internal", "https://[::1]:8443");
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    /**
     * {@code http://h:80}, {@code http://h} and {@code http://h:00080} are one endpoint: they used to be stored as
     * three, each a pod of its own, so the host got three times its share of requests and polls.
     */
    @Test
    void registersEachSpellingOfOnePortAsTheSameEndpoint() throws Exception {
        deletePoolIfStored(admin(), POOL);
        putPool(admin(), POOL);
        try {
            String id = register("http://127.0.0.1:80")
                    .statusCode(201)
                    .body("baseUrl", equalTo("http://127.0.0.1"))
                    .extract()
                    .path("id");
            for (String same : new String[] {"http://127.0.0.1", "http://127.0.0.1:00080", "HTTP://127.0.0.1:080/"}) {
                register(same).statusCode(201).body("id", equalTo(id)).body("baseUrl", equalTo("http://127.0.0.1"));
            }
            register("https://127.0.0.1:443").statusCode(201).body("baseUrl", equalTo("https://127.0.0.1"));
            register("http://127.0.0.1:0008090").statusCode(201).body("baseUrl", equalTo("http://127.0.0.1:8090"));
            register("https://[::1]:00443").statusCode(201).body("baseUrl", equalTo("https://[::1]"));
            assertThat(storedUrls())
                    .containsExactly("http://127.0.0.1", "http://127.0.0.1:8090", "https://127.0.0.1", "https://[::1]");
            DataPathTestSupport.await(
                    "the pool's pods", () -> registry.pods(POOL).size() == 4);
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    /** A row stored before ports were normalised is the endpoint that a later registration under another spelling names. */
    @Test
    void registeringAgainFindsARowStoredWithTheDefaultPort() throws Exception {
        deletePoolIfStored(admin(), POOL);
        putPool(admin(), POOL);
        try {
            UUID legacy = UUID.randomUUID();
            try (var c = dataSource.getConnection();
                    var s = c.prepareStatement("insert into pool_endpoint (id, pool_name, base_url, accelerator)"
                            + " values (?, ?, 'http://127.0.0.1:80', 'CPU')")) {
                s.setObject(1, legacy);
                s.setString(2, POOL);
                s.executeUpdate();
            }
            register("http://127.0.0.1:00080").statusCode(201).body("id", equalTo(legacy.toString()));
            register("http://127.0.0.1").statusCode(201).body("id", equalTo(legacy.toString()));
            assertThat(storedUrls()).containsExactly("http://127.0.0.1:80");
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    /**
     * An endpoint whose load was never sampled (nothing answers there) is listed without load figures: null, not
     * the poller's internal -1 ({@code waiting: -1.0}), which read as a real queue depth.
     */
    @Test
    void listsAnEndpointWithoutALoadSampleWithNullLoadFigures() {
        deletePoolIfStored(admin(), POOL);
        putPool(admin(), POOL);
        try {
            register("http://127.0.0.1:9").statusCode(201); // discard port: nothing answers
            DataPathTestSupport.await(
                    "the pool's pod", () -> registry.pods(POOL).size() == 1);
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get(AdminFixtures.API + "/pools/" + POOL)
                    .then()
                    .statusCode(200)
                    .body("endpoints[0].state", equalTo("NOT_READY"))
                    .body("endpoints[0].waiting", nullValue())
                    .body("endpoints[0].kvCacheUsage", nullValue());
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    @Test
    void refusesADnsPortOutOfRange() {
        deletePoolIfStored(admin(), POOL);
        try {
            for (String port : new String[] {"0", "99999"}) {
                given().auth()
                        .oauth2(admin())
                        .contentType("application/json")
                        .body(Map.of("accelerator", "cpu", "dns", "pods.test:" + port))
                        .when()
                        .put(AdminFixtures.API + "/pools/" + POOL)
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("field", equalTo("dns"))
                        .body(
                                "detail",
                                equalTo("dns 'pods.test:" + port + "' has port " + port + "; a port is" + " 1-65535"));
            }
            given().auth()
                    .oauth2(admin())
                    .when()
                    .get(AdminFixtures.API + "/pools/" + POOL)
                    .then()
                    .statusCode(404);
        } finally {
            deletePoolIfStored(admin(), POOL);
        }
    }

    private Set<String> storedUrls() throws Exception {
        Set<String> out = new TreeSet<>();
        try (var c = dataSource.getConnection();
                var s = c.prepareStatement("select base_url from pool_endpoint where pool_name = ?")) {
            s.setString(1, POOL);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
