package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A body over Quarkus' limit ({@code quarkus.http.limits.max-body-size}, 128 KiB in this profile, shared with
 * {@link ChunkedBodyLimitTest}) outside the tenant data endpoints is a 413 naming the limit in the addressed API's
 * shape, declared with {@code Content-Length} or sent chunked, never Quarkus' empty 413.
 */
@QuarkusTest
@TestProfile(ChunkedBodyLimitTest.SmallHttpBodyLimit.class)
class BodyLimitProblemTest {

    private static final String LIMIT = "131072 bytes";

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    private static String tenantJson(int padding) {
        return "{\"name\":\"" + "x".repeat(padding) + "\",\"slug\":\"too-large\",\"currency\":\"CNY\"}";
    }

    /** Sends {@code body} without a length (JDK client: {@code Transfer-Encoding: chunked}). */
    private static HttpResponse<String> postChunked(String path, byte[] body, String... headers) throws Exception {
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

    private static void assertProblem413(int status, String contentType, String body) {
        assertThat(status).isEqualTo(413);
        assertThat(contentType).startsWith("application/problem+json");
        JsonPath json = new JsonPath(body);
        assertThat(json.getString("type")).isEqualTo("urn:ascendant:problem:payload-too-large");
        assertThat(json.getString("title")).isEqualTo("Payload too large");
        assertThat(json.getInt("status")).isEqualTo(413);
        assertThat(json.getString("detail")).contains(LIMIT);
    }

    @Test
    void declaredAdminBodyOverTheLimitIsA413ProblemBeforeAuthentication() {
        for (Map<String, String> credentials : List.of(
                Map.<String, String>of(),
                Map.of("Authorization", "Bearer " + keycloak.accessToken(keycloak.platformAdmin())))) {
            RawHttp.Answer a = RawHttp.send(
                    "POST",
                    "/admin/api/v1/tenants",
                    with(credentials, "Content-Type", "application/json"),
                    tenantJson(200_000));
            assertProblem413(a.status(), a.contentType(), a.body());
            assertThat(a.headers()).containsEntry("connection", "close");
        }
    }

    @Test
    void chunkedAdminBodyOverTheLimitIsA413Problem() throws Exception {
        HttpResponse<String> r = postChunked(
                "/admin/api/v1/tenants",
                tenantJson(200_000).getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + keycloak.accessToken(keycloak.platformAdmin()));
        assertProblem413(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    }

    @Test
    void platformPathBodyOverTheLimitIsA413Problem() {
        RawHttp.Answer a = RawHttp.send("POST", "/q/health", Map.of(), "x".repeat(200_000));
        assertProblem413(a.status(), a.contentType(), a.body());
    }

    @Test
    void tenantPathOutsideTheDataEndpointsAnswersInOpenAiShape() {
        String key = keys.create(Set.of()).text();
        RawHttp.Answer declared =
                RawHttp.send("POST", "/v1/models", Map.of("Authorization", "Bearer " + key), "x".repeat(200_000));
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).startsWith("application/json");
        assertThat(declared.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(declared.json().getString("error.code")).isEqualTo("request_too_large");
        assertThat(declared.json().getString("error.message")).contains(LIMIT);
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(base);
        all.put(name, value);
        return all;
    }
}
