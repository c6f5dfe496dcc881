package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Request targets no resource serves and that are not ordinary unknown paths ({@code /v1} itself, {@code *} with a
 * method other than {@code OPTIONS}, an authority, a path without its leading slash, an absolute URL without a path)
 * get an answer with a body in the shape of the API they address, never an empty 404; {@code OPTIONS *} is answered
 * with what the server supports. Sent over raw sockets: HTTP clients do not send most of these.
 */
@QuarkusTest
class UnusualTargetTest {

    @Inject
    TestKeys keys;

    @Test
    void theTenantApiRootIsAnUnknownUrlInOpenAisShape() {
        String key = keys.create(Set.of()).text();
        SoftAssertions soft = new SoftAssertions();
        for (String method : new String[] {"GET", "POST"}) {
            RawHttp.Answer a = RawHttp.send(
                    method,
                    "/v1",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"),
                    method.equals("POST") ? "{}" : null);
            soft.assertThat(a.status()).as(method + " /v1: " + a).isEqualTo(404);
            soft.assertThat(a.contentType()).as(method + " /v1: " + a).startsWith("application/json");
            if (a.body().startsWith("{")) {
                soft.assertThat(a.json().getString("error.code"))
                        .as(a.toString())
                        .isEqualTo("unknown_url");
                soft.assertThat(a.json().getString("error.message"))
                        .as(a.toString())
                        .startsWith("Invalid URL (" + method + " /v1)");
            }
        }
        soft.assertAll();
    }

    @Test
    void theUnknownUrlMessageListsCountTokens() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer a = RawHttp.send("GET", "/v1/nope", Map.of("Authorization", "Bearer " + key), null);
        assertThat(a.status()).as(a.toString()).isEqualTo(404);
        assertThat(a.json().getString("error.message")).contains("/v1/messages/count_tokens");
    }

    @Test
    void targetsThatAreNotPathsAreAnsweredWithAProblem() {
        SoftAssertions soft = new SoftAssertions();
        problem(soft, RawHttp.send("GET", "*", Map.of(), null), "GET *");
        problem(soft, RawHttp.send("CONNECT", "example.com:443", Map.of(), null), "CONNECT example.com:443");
        problem(soft, RawHttp.send("GET", "v1/models", Map.of(), null), "GET v1/models");
        problem(
                soft,
                RawHttp.send("GET", "http://127.0.0.1:" + RestAssured.port, Map.of(), null),
                "GET http://127.0.0.1:" + RestAssured.port);
        soft.assertAll();
    }

    @Test
    void optionsAsteriskDescribesTheServerAsAWhole() {
        // RFC 9110 §9.3.7: OPTIONS * asks what the server supports in general; it once got a 400 problem.
        RawHttp.Answer a = RawHttp.send("OPTIONS", "*", Map.of(), null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.headers())
                .containsEntry("allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
                .containsEntry("content-length", "0");
        assertThat(a.headers().get("x-ascendant-request-id")).matches("req_[0-9a-f]{24}");
        assertThat(a.body()).isEmpty();
    }

    @Test
    void connectAndTargetsWithoutALeadingSlashAreStillA400Problem() {
        for (String[] request : new String[][] {{"CONNECT", "example.com:443"}, {"GET", "v1/models"}, {"GET", "*"}}) {
            RawHttp.Answer a = RawHttp.send(request[0], request[1], Map.of(), null);
            assertThat(a.status()).as(a.toString()).isEqualTo(400);
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.json().getString("type")).isEqualTo("urn:ascendant:problem:invalid-input");
            assertThat(a.headers().get("x-ascendant-request-id")).matches("req_[0-9a-f]{24}");
        }
    }

    private static void problem(SoftAssertions soft, RawHttp.Answer a, String request) {
        soft.assertThat(a.status()).as(request + ": " + a).isBetween(400, 599);
        soft.assertThat(a.contentType()).as(request + ": " + a).startsWith("application/problem+json");
        if (a.body().startsWith("{")) {
            soft.assertThat(a.json().getInt("status")).as(request + ": " + a).isEqualTo(a.status());
            soft.assertThat(a.json().getString("detail")).as(request + ": " + a).isNotBlank();
        }
    }
}
