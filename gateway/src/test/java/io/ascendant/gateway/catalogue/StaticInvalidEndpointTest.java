package io.ascendant.gateway.catalogue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.ascendant.gateway.datapath.DataPathTestSupport;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.dispatch.HostPoller;
import io.ascendant.gateway.dispatch.Pod;
import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.fakehost.FakeHostsResource;
import io.ascendant.gateway.testsupport.AdminFixtures;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A static pool whose configured endpoints include base URLs no pod can be made of: the gateway still starts (this
 * application did, with them in its configuration), skips them, serves the route through the pool's good endpoint
 * and lists the bad ones as {@code INVALID} so that the operator sees what to correct.
 */
@QuarkusTest
@TestProfile(StaticInvalidEndpointTest.TypoInStaticPool.class)
class StaticInvalidEndpointTest {

    /** Pool {@code typo}: two unusable URLs and the {@link FakeHostsResource#PRO} host; model {@code deepseek-v4-typo}. */
    public static class TypoInStaticPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.catalogue.pools.typo.endpoints",
                    "http://[::1,http://127.0.0.1:0,${gateway.catalogue.pools.pro.endpoints}",
                    "gateway.catalogue.pools.typo.accelerator",
                    "CPU",
                    "gateway.catalogue.models.deepseek-v4-typo.pool",
                    "typo",
                    "gateway.catalogue.models.deepseek-v4-typo.price-tier",
                    "deepseek-v4-flash");
        }
    }

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    TestKeys keys;

    @Inject
    PodRegistry registry;

    @Inject
    HostPoller poller;

    @Test
    void startsAndServesThroughTheGoodEndpointListingTheBadOnesAsInvalid() {
        String good = FakeHostsResource.PRO.baseUrl();
        assertThat(registry.pods("typo")).extracting(Pod::baseUrl).containsExactly(good);
        assertThat(registry.invalid("typo"))
                .extracting(bad -> bad.endpoint().baseUrl(), PodRegistry.InvalidEndpoint::reason)
                .containsExactly(
                        tuple(
                                "http://[::1",
                                "baseUrl 'http://[::1' is not a valid URL: expected closing bracket for IPv6 address"
                                        + " at its end"),
                        tuple("http://127.0.0.1:0", "baseUrl 'http://127.0.0.1:0' has port 0; a port is 1-65535"));

        List<Map<String, Object>> endpoints = given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .when()
                .get(AdminFixtures.API + "/pools/typo")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("endpoints");
        assertThat(endpoints).hasSize(3);
        assertThat(endpoints)
                .filteredOn(e -> "INVALID".equals(e.get("state")))
                .extracting(e -> e.get("baseUrl"), e -> e.get("source"), e -> e.get("id"))
                .containsExactlyInAnyOrder(
                        tuple("http://[::1", "STATIC", null), tuple("http://127.0.0.1:0", "STATIC", null));

        poller.pollHealthNow();
        DataPathTestSupport.await(
                "good pod of typo ready", () -> registry.pods("typo").getFirst().ready(2));
        given().auth()
                .oauth2(keys.create(Set.of()).text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-typo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }
}
