package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every 405 on the tenant and admin APIs carries {@code Allow} (RFC 9110 §15.5.6) and a body in the API's own error
 * shape. The oracle for the methods of each path is the OpenAPI document (whose completeness
 * {@code OpenApiContractTest} checks). Quarkus REST's automatic {@code OPTIONS} is no oracle: it lists the methods of
 * whole resource classes (on {@code /admin/api/v1/tenants/{id}} it names DELETE and POST, not PATCH).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MethodNotAllowedTest {

    /** Vert.x routes: only the documented methods, no automatic HEAD or OPTIONS. */
    private static final Set<String> DATA_PATH = Set.of(
            "/v1/chat/completions",
            "/v1/completions",
            "/v1/models",
            "/v1/models/{id}",
            "/v1/messages",
            "/v1/messages/count_tokens");

    private static final List<String> ORDER = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    String key;
    String adminToken;

    @BeforeAll
    void credentials() {
        key = keys.create(Set.of()).text();
        adminToken = keycloak.accessToken(keycloak.platformAdmin());
    }

    @Test
    void wrongMethodOnUsageAndInvoicesIs405WithAllowInOpenAisShape() {
        for (String path : List.of("/v1/usage", "/v1/invoices", "/v1/invoices/" + UUID.randomUUID() + "/pdf")) {
            given().auth()
                    .oauth2(key)
                    .when()
                    .post(path)
                    .then()
                    .statusCode(405)
                    .header("Allow", "GET, HEAD, OPTIONS")
                    .contentType(startsWith("application/json"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("method_not_allowed"))
                    .body("error.message", endsWith("it allows GET, HEAD, OPTIONS."));
        }
    }

    @Test
    void wrongMethodOnAnAdminPathIs405ProblemWithAllow() {
        given().auth()
                .oauth2(adminToken)
                .when()
                .delete("/admin/api/v1/tenants")
                .then()
                .statusCode(405)
                .header("Allow", "GET, HEAD, POST, OPTIONS")
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(405))
                .body("type", equalTo("urn:ascendant:problem:method-not-allowed"))
                .body("detail", endsWith("it allows GET, HEAD, POST, OPTIONS"));
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedPathAnswersAWrongMethodWith405AndAllow() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("paths");
        List<DynamicTest> tests = new ArrayList<>();
        paths.forEach((template, item) -> {
            if (!template.startsWith("/v1/") && !template.startsWith("/admin/")) {
                return;
            }
            Set<String> documented = item.keySet().stream()
                    .map(String::toUpperCase)
                    .filter(ORDER::contains)
                    .collect(Collectors.toCollection(TreeSet::new));
            String wrong = Stream.of("PATCH", "PUT", "DELETE", "POST", "GET")
                    .filter(m -> !documented.contains(m))
                    .findFirst()
                    .orElseThrow();
            tests.add(DynamicTest.dynamicTest(wrong + " " + template, () -> check(template, documented, wrong)));
        });
        assertThat(tests).hasSizeGreaterThan(40);
        return tests.stream();
    }

    private void check(String template, Set<String> documented, String wrong) {
        String path = template.startsWith("/v1/models/")
                ? "/v1/models/deepseek-v4-flash"
                : template.replaceAll("\\{[^}]*[Ii]d}", UUID.randomUUID().toString())
                        .replaceAll("\\{[^}]*}", "x");
        Set<String> expected = new LinkedHashSet<>();
        for (String m : ORDER) {
            boolean implicit = !DATA_PATH.contains(template)
                    && (m.equals("OPTIONS") || m.equals("HEAD") && documented.contains("GET"));
            if (documented.contains(m) || implicit) {
                expected.add(m);
            }
        }
        Response r =
                credentials(template).contentType("application/json").body("{}").request(wrong, path);
        String context = wrong + " " + path + ": " + r.statusCode() + " " + r.asString();

        assertThat(r.statusCode()).as(context).isEqualTo(405);
        assertThat(r.header("Allow")).as(context).isNotNull();
        assertThat(Arrays.stream(r.header("Allow").split(","))
                        .map(String::strip)
                        .toList())
                .as(context)
                .containsExactlyElementsOf(expected);
        if (template.startsWith("/admin/")) {
            assertThat(r.contentType()).as(context).startsWith("application/problem+json");
            assertThat(r.jsonPath().getInt("status")).as(context).isEqualTo(405);
        } else if (template.startsWith("/v1/messages")) {
            assertThat(r.jsonPath().getString("type")).as(context).isEqualTo("error");
            assertThat(r.jsonPath().getString("error.type")).as(context).isEqualTo("invalid_request_error");
        } else {
            assertThat(r.contentType()).as(context).startsWith("application/json");
            assertThat(r.jsonPath().getString("error.code")).as(context).isEqualTo("method_not_allowed");
        }
    }

    private RequestSpecification credentials(String template) {
        if (template.startsWith("/admin/")) {
            return given().auth().oauth2(adminToken);
        }
        if (template.startsWith("/v1/messages")) {
            return given().header("x-api-key", key).header("anthropic-version", "2023-06-01");
        }
        return given().auth().oauth2(key);
    }
}
