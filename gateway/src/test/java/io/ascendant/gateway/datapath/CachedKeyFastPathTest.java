package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.tenancy.apikey.ApiKeyCaller;
import io.quarkus.security.spi.runtime.AuthenticationSuccessEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CachedKeyFastPath}: a request whose one key is cached and valid is served without Quarkus' security chain (no
 * authentication event is fired for it), and every other request still takes that chain and gets its answer from the
 * API-key mechanism, exactly as without the shortcut.
 */
@QuarkusTest
class CachedKeyFastPathTest {

    @Inject
    TestKeys keys;

    @Inject
    MeteredEvents metered;

    @Inject
    DataPathTestSupport support;

    @Inject
    AuthenticationsSeen authentications;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    /** Counts Quarkus' authentication events per API key id. */
    @ApplicationScoped
    static class AuthenticationsSeen {
        private final ConcurrentHashMap<UUID, AtomicInteger> byKey = new ConcurrentHashMap<>();

        void on(@Observes AuthenticationSuccessEvent e) {
            if (e.getSecurityIdentity().getPrincipal() instanceof ApiKeyCaller c) {
                byKey.computeIfAbsent(c.keyId(), k -> new AtomicInteger()).incrementAndGet();
            }
        }

        int of(UUID keyId) {
            AtomicInteger n = byKey.get(keyId);
            return n == null ? 0 : n.get();
        }
    }

    private static String chat() {
        return new JsonObject()
                .put("model", "deepseek-v4-flash")
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "Say hello")))
                .encode();
    }

    private String chatWithKey(String headerName, String headerValue) {
        return given().header(headerName, headerValue)
                .contentType("application/json")
                .body(chat())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .header("x-ascendant-request-id");
    }

    @Test
    void aCachedValidKeyIsServedWithoutTheSecurityChainAndStillMetered() {
        // The first request misses the key cache: the security chain authenticates it (one event) and fills the cache.
        chatWithKey("Authorization", "Bearer " + key.text());
        assertThat(authentications.of(key.keyId())).isEqualTo(1);

        // PostgreSQL's notification of the key's own insert reaches the key cache asynchronously and may empty it
        // after that first request; then the next request takes the chain once more and fills it again. So two
        // requests with the cached key are tried a few times: on a working fast path they add no event at the latest
        // once that notification is handled; without the fast path every try adds two.
        String viaBearer = null;
        String viaApiKeyHeader = null;
        int added = -1;
        for (int attempt = 0; attempt < 3 && added != 0; attempt++) {
            int before = authentications.of(key.keyId());
            viaBearer = chatWithKey("Authorization", "Bearer " + key.text());
            viaApiKeyHeader = chatWithKey("x-api-key", key.text());
            added = authentications.of(key.keyId()) - before;
        }
        assertThat(added)
                .as("authentication events after two requests with the cached key")
                .isZero();
        for (String id : List.of(viaBearer, viaApiKeyHeader)) {
            var m = metered.single(id);
            assertThat(m.event().keyId()).isEqualTo(key.keyId());
            assertThat(m.event().tenantId()).isEqualTo(key.tenantId());
        }
    }

    @Test
    void twoCredentialsAreRefusedEvenWhenOneIsACachedValidKey() {
        chatWithKey("Authorization", "Bearer " + key.text());
        TestKeys.Key other = keys.create(Set.of());

        given().header("Authorization", "Bearer " + key.text())
                .header("x-api-key", other.text())
                .contentType("application/json")
                .body(chat())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("ambiguous_api_key"));
    }

    @Test
    void aCachedKeyOnAnotherSchemeOrMethodTakesTheSecurityChain() {
        chatWithKey("Authorization", "Bearer " + key.text());

        given().header("Authorization", "Basic " + key.text())
                .contentType("application/json")
                .body(chat())
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("unsupported_auth_scheme"));
        given().auth().oauth2(key.text()).when().get("/v1/models").then().statusCode(200);
        assertThat(authentications.of(key.keyId()))
                .as("the GET of /v1/models is authenticated by the security chain")
                .isEqualTo(2);
    }

    @Test
    void anAnthropicRequestWithACachedKeyStillNeedsItsVersionHeader() {
        chatWithKey("x-api-key", key.text());

        given().header("x-api-key", key.text())
                .contentType("application/json")
                .body(new JsonObject()
                        .put("model", "deepseek-v4-flash")
                        .put("max_tokens", 16)
                        .put(
                                "messages",
                                List.of(new JsonObject().put("role", "user").put("content", "Hi")))
                        .encode())
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.message", org.hamcrest.Matchers.containsString("anthropic-version"));
        assertThat(authentications.of(key.keyId())).isEqualTo(1);
    }
}
