package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies over a limit get the gateway's JSON 413 in the endpoint's own error shape, however they are sent: chunked (no
 * {@code Content-Length}; the gateway counts while reading) and with a declared length above Quarkus' own body limit
 * ({@code quarkus.http.limits.max-body-size}, lowered here to 128 KiB, just above the tests' gateway limit of 64 KiB),
 * which Quarkus' body handler used to answer with an empty 413.
 */
@QuarkusTest
@TestProfile(ChunkedBodyLimitTest.SmallHttpBodyLimit.class)
class ChunkedBodyLimitTest {

    /** Quarkus' own body limit just above the gateway's. */
    public static class SmallHttpBodyLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-body-size", "128K");
        }
    }

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static byte[] chat(int bytes) {
        return ("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(bytes)
                        + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Posts {@code body} chunked: REST Assured always declares a {@code Content-Length}, so this uses the JDK client,
     * whose input-stream publisher sends a body of unknown length with {@code Transfer-Encoding: chunked}.
     */
    private HttpResponse<String> postChunked(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void assertOpenAi413(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonPath json = JsonPath.from(r.body());
        assertThat(json.getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(json.getString("error.code")).isEqualTo("request_too_large");
        assertThat(json.getString("error.message")).contains("65536 bytes");
    }

    @Test
    void rejectsChunkedBodyOverTheGatewayLimitWithJson413() throws Exception {
        assertOpenAi413(postChunked("/v1/chat/completions", chat(100_000), "authorization", "Bearer " + key.text()));
    }

    @Test
    void rejectsChunkedBodyOverBothLimitsWithJson413() throws Exception {
        assertOpenAi413(postChunked("/v1/chat/completions", chat(200_000), "authorization", "Bearer " + key.text()));
    }

    @Test
    void rejectsChunkedBodyOnMessagesInAnthropicShape() throws Exception {
        HttpResponse<String> r =
                postChunked("/v1/messages", chat(200_000), "x-api-key", key.text(), "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).isEqualTo(413);
        JsonPath json = JsonPath.from(r.body());
        assertThat(json.getString("type")).isEqualTo("error");
        assertThat(json.getString("error.type")).isEqualTo("request_too_large");
    }

    @Test
    void rejectsDeclaredLengthOverTheHttpBodyLimitWithJson413() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(chat(200_000))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(413)
                .contentType("application/json")
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("65536 bytes"));
    }
}
