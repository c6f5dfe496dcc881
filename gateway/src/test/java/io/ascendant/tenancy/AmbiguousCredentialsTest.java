package io.ascendant.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request that carries two different credentials (Authorization and x-api-key, or either header twice) is refused
 * with 401 {@code ambiguous_api_key} naming both headers, in the shape of the API addressed, whichever key is valid:
 * the gateway never picks one and bills it. The same key sent twice passes. Sent over a raw socket so that repeated
 * headers reach the server as written.
 */
@QuarkusTest
class AmbiguousCredentialsTest {

    private static final String PROBE = "/v1/tenancy-probe";
    private static final String MESSAGES = "/v1/messages";

    @InjectKeycloak
    KeycloakTokens keycloak;

    private String key;
    private String otherKey;

    @BeforeEach
    void setUp() {
        TenancyFixtures fx = new TenancyFixtures(keycloak);
        UUID tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("ambig"));
        UUID project = fx.createProject(tenant, "app");
        key = fx.createKey(tenant, project, "one", null).getString("secret");
        otherKey = fx.createKey(tenant, project, "two", null).getString("secret");
    }

    private static RawHttp.Answer get(String path, String... headerLines) {
        return send("GET", path, null, headerLines);
    }

    private static RawHttp.Answer send(String method, String path, String body, String... headerLines) {
        StringBuilder r = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (String h : headerLines) {
            r.append(h).append("\r\n");
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            r.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(payload.length)
                    .append("\r\n");
        }
        r.append("\r\n").append(body == null ? "" : body);
        return RawHttp.exchange(r.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void assertAmbiguousOpenAi(RawHttp.Answer a, String what) {
        assertThat(a.status()).as(what).isEqualTo(401);
        assertThat(a.json().getString("error.code")).as(what).isEqualTo("ambiguous_api_key");
        assertThat(a.json().getString("error.type")).as(what).isEqualTo("authentication_error");
        assertThat(a.json().getString("error.message"))
                .as(what)
                .contains("Authorization")
                .contains("x-api-key")
                .doesNotContain(key)
                .doesNotContain(otherKey);
    }

    @Test
    void refusesBearerAndXApiKeyCarryingDifferentKeys() {
        assertAmbiguousOpenAi(
                get(PROBE, "Authorization: Bearer " + key, "x-api-key: " + otherKey), "Bearer key + x-api-key key2");
        assertAmbiguousOpenAi(
                get(PROBE, "x-api-key: " + key, "Authorization: Bearer " + otherKey), "x-api-key key + Bearer key2");
    }

    @Test
    void refusesARepeatedHeaderCarryingDifferentKeys() {
        assertAmbiguousOpenAi(get(PROBE, "x-api-key: " + key, "x-api-key: " + otherKey), "two x-api-key");
        assertAmbiguousOpenAi(
                get(PROBE, "Authorization: Bearer " + key, "Authorization: Bearer " + otherKey), "two Authorization");
    }

    @Test
    void aValidKeyBesideAMalformedOneIsAmbiguousNotMalformed() {
        assertAmbiguousOpenAi(get(PROBE, "Authorization: Bearer " + key, "x-api-key: garbage"), "garbage x-api-key");
        assertAmbiguousOpenAi(
                get(PROBE, "x-api-key: " + key, "Authorization: Basic Zm9vOmJhcg=="), "Basic + x-api-key");
    }

    @Test
    void theSameKeySentTwiceIsAccepted() {
        for (List<String> headers : List.of(
                List.of("Authorization: Bearer " + key, "x-api-key: " + key),
                List.of("x-api-key: " + key, "x-api-key:  " + key),
                List.of("Authorization: Bearer " + key, "Authorization: bearer " + key))) {
            assertThat(get(PROBE, headers.toArray(String[]::new)).status())
                    .as(headers.toString())
                    .isEqualTo(200);
        }
    }

    @Test
    void onTheMessagesApiTheRefusalTakesAnthropicsShape() {
        RawHttp.Answer a = send(
                "POST",
                MESSAGES,
                "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version: 2023-06-01",
                "x-api-key: " + key,
                "Authorization: Bearer " + otherKey);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().getString("type")).isEqualTo("error");
        assertThat(a.json().getString("error.type")).isEqualTo("authentication_error");
        assertThat(a.json().getString("error.message"))
                .contains("Authorization")
                .contains("x-api-key");
    }
}
