package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A request target in absolute form ({@code GET http://127.0.0.1:8080/v1/models HTTP/1.1}, which RFC 9112 §3.2.2
 * requires a server to accept) is served like its origin form, refusals included: the API addressed is the one its
 * path names. Sent over raw sockets: HTTP clients send absolute form only to proxies.
 */
@QuarkusTest
class AbsoluteFormTargetTest {

    @Inject
    TestKeys keys;

    private static String origin() {
        return "http://127.0.0.1:" + RestAssured.port;
    }

    @Test
    void listsModelsLikeTheOriginForm() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer a = RawHttp.send("GET", origin() + "/v1/models", Map.of("Authorization", "Bearer " + key), null);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().getString("object")).isEqualTo("list");
    }

    @Test
    void missingKeyIsA401InOpenAisShape() {
        RawHttp.Answer a = RawHttp.send("GET", origin() + "/v1/models", Map.of(), null);
        assertThat(a.status()).as(a.body()).isEqualTo(401);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.json().getString("error.type")).isEqualTo("authentication_error");
    }

    @Test
    void malformedUrlIsRefusedInTheShapeOfTheApiItsPathNames() {
        RawHttp.Answer openAi = RawHttp.send("GET", origin() + "/v1/models?after=%zz", Map.of(), null);
        assertThat(openAi.status()).as(openAi.body()).isEqualTo(400);
        assertThat(openAi.contentType()).startsWith("application/json");
        assertThat(openAi.json().getString("error.code")).isEqualTo("invalid_url");

        RawHttp.Answer anthropic = RawHttp.send("POST", origin() + "/v1/messages?x=%zz", Map.of(), "{}");
        assertThat(anthropic.status()).as(anthropic.body()).isEqualTo(400);
        assertThat(anthropic.json().getString("type")).isEqualTo("error");
        assertThat(anthropic.json().getString("error.type")).isEqualTo("invalid_request_error");
    }

    @Test
    void headersOverTheLimitAreRefusedInTheShapeOfTheApiItsPathNames() {
        String request = "GET " + origin() + "/v1/models HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "p".repeat(21_000) + "\r\n\r\n";
        RawHttp.Answer a = RawHttp.exchange(request.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(a.status()).isEqualTo(431);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.json().getString("error.code")).isEqualTo("headers_too_large");
    }

    @Test
    void unknownTenantPathIsA404InOpenAisShape() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer a = RawHttp.send("GET", origin() + "/v1/nope", Map.of("Authorization", "Bearer " + key), null);
        assertThat(a.status()).as(a.body()).isEqualTo(404);
        assertThat(a.json().getString("error.code")).isEqualTo("unknown_url");
    }
}
