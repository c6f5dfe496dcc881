package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The full access matrix of the tenancy admin API, generated: every endpoint × every role × own tenant / another
 * tenant / own tenant id with another tenant's child id. The expected answer follows from the endpoint's rule, not
 * from a hand-written table of cells; {@link #everyTenancyEndpointOfTheOpenApiDocumentIsInTheMatrix} makes sure no
 * endpoint escapes the matrix. Every cross-tenant attempt must be refused (403 or 404) and never change anything.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessMatrixTest {

    enum Role {
        PLATFORM_ADMIN,
        TENANT_ADMIN,
        BILLING_VIEWER,
        NO_ROLES,
        ANONYMOUS
    }

    enum Target {
        /** The caller's own tenant (tenant A) and its objects. */
        OWN,
        /** Another tenant (B) and its objects. */
        OTHER,
        /** Tenant A's id with tenant B's project/key id: scoping must not find it. */
        OWN_TENANT_OTHER_CHILD
    }

    enum Rule {
        /** Platform admins only. */
        PLATFORM_ONLY,
        /** Platform admins, and tenant admins for their own tenant. */
        TENANT_MANAGE,
        /** Platform admins and tenant admins, no tenant in the path (plans, global audit, tenant list). */
        ADMINS,
        /** Any admin role. */
        ANY_ADMIN_ROLE
    }

    /** Ids a case addresses. */
    record Ids(UUID tenant, UUID project, UUID key) {}

    /**
     * One endpoint of the API.
     *
     * @param fresh what must be created fresh for each case so cases never affect each other
     */
    record Endpoint(String method, String path, Rule rule, Fresh fresh, Function<Ids, Object> body) {
        boolean tenantScoped() {
            return path.contains("{tenantId}");
        }

        boolean hasChild() {
            return path.contains("{projectId}") || path.contains("{keyId}");
        }
    }

    enum Fresh {
        NONE,
        PROJECT,
        KEY,
        KEY_WITH_LIMITS,
        PROJECT_WITH_LIMITS,
        TENANT_WITH_LIMITS,
        TENANT
    }

    private static final String T = "/admin/api/v1/tenants/{tenantId}";

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/admin/api/v1/me", Rule.ANY_ADMIN_ROLE, Fresh.NONE, null),
            new Endpoint("GET", "/admin/api/v1/tenants", Rule.ADMINS, Fresh.NONE, null),
            new Endpoint(
                    "POST",
                    "/admin/api/v1/tenants",
                    Rule.PLATFORM_ONLY,
                    Fresh.NONE,
                    ids -> Map.of(
                            "slug",
                            TenancyFixtures.uniqueSlug("mx"),
                            "displayName",
                            "M",
                            "currency",
                            "USD",
                            "timeZone",
                            "UTC")),
            new Endpoint("GET", T, Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint("PATCH", T, Rule.PLATFORM_ONLY, Fresh.TENANT, ids -> Map.of("displayName", "Renamed")),
            new Endpoint("POST", T + "/suspend", Rule.PLATFORM_ONLY, Fresh.TENANT, null),
            new Endpoint("POST", T + "/activate", Rule.PLATFORM_ONLY, Fresh.TENANT, null),
            new Endpoint("POST", T + "/close", Rule.PLATFORM_ONLY, Fresh.TENANT, null),
            new Endpoint("GET", T + "/projects", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "POST",
                    T + "/projects",
                    Rule.TENANT_MANAGE,
                    Fresh.NONE,
                    ids -> Map.of("name", "p-" + UUID.randomUUID())),
            new Endpoint("GET", T + "/projects/{projectId}", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "PATCH",
                    T + "/projects/{projectId}",
                    Rule.TENANT_MANAGE,
                    Fresh.PROJECT,
                    ids -> Map.of("description", "changed")),
            new Endpoint(
                    "POST",
                    T + "/projects/{projectId}/keys",
                    Rule.TENANT_MANAGE,
                    Fresh.NONE,
                    ids -> Map.of("name", "k")),
            new Endpoint("GET", T + "/projects/{projectId}/limits", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "PUT",
                    T + "/projects/{projectId}/limits",
                    Rule.TENANT_MANAGE,
                    Fresh.PROJECT,
                    ids -> Map.of("model", "*", "limits", Map.of("requestsPerMinute", 5))),
            new Endpoint(
                    "DELETE", T + "/projects/{projectId}/limits", Rule.TENANT_MANAGE, Fresh.PROJECT_WITH_LIMITS, null),
            new Endpoint("GET", T + "/keys", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint("GET", T + "/keys/{keyId}", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "PATCH",
                    T + "/keys/{keyId}",
                    Rule.TENANT_MANAGE,
                    Fresh.KEY,
                    ids -> Map.of("scopes", List.of("billing:read"))),
            new Endpoint("POST", T + "/keys/{keyId}/rotate", Rule.TENANT_MANAGE, Fresh.KEY, ids -> Map.of()),
            new Endpoint("POST", T + "/keys/{keyId}/revoke", Rule.TENANT_MANAGE, Fresh.KEY, null),
            new Endpoint("GET", T + "/keys/{keyId}/limits", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "PUT",
                    T + "/keys/{keyId}/limits",
                    Rule.TENANT_MANAGE,
                    Fresh.KEY,
                    ids -> Map.of("model", "deepseek-v4-flash", "limits", Map.of("concurrentRequests", 2))),
            new Endpoint("DELETE", T + "/keys/{keyId}/limits", Rule.TENANT_MANAGE, Fresh.KEY_WITH_LIMITS, null),
            new Endpoint("GET", T + "/limits", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "PUT",
                    T + "/limits",
                    Rule.PLATFORM_ONLY,
                    Fresh.TENANT,
                    ids -> Map.of("model", "*", "limits", Map.of("requestsPerMinute", 100))),
            new Endpoint("DELETE", T + "/limits", Rule.PLATFORM_ONLY, Fresh.TENANT_WITH_LIMITS, null),
            new Endpoint("GET", T + "/limits/effective", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint("GET", T + "/admins", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint(
                    "POST",
                    T + "/admins",
                    Rule.TENANT_MANAGE,
                    Fresh.NONE,
                    ids -> Map.of("email", "mx-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com")),
            new Endpoint("GET", T + "/audit", Rule.TENANT_MANAGE, Fresh.NONE, null),
            new Endpoint("GET", "/admin/api/v1/audit", Rule.ADMINS, Fresh.NONE, null),
            new Endpoint("GET", "/admin/api/v1/plans", Rule.ADMINS, Fresh.NONE, null),
            new Endpoint(
                    "POST",
                    "/admin/api/v1/plans",
                    Rule.PLATFORM_ONLY,
                    Fresh.NONE,
                    ids -> Map.of("code", "mx-" + UUID.randomUUID().toString().substring(0, 8), "name", "Matrix")),
            new Endpoint("GET", "/admin/api/v1/plans/{code}", Rule.ADMINS, Fresh.NONE, null),
            new Endpoint(
                    "PUT",
                    "/admin/api/v1/plans/{code}",
                    Rule.PLATFORM_ONLY,
                    Fresh.NONE,
                    ids -> Map.of("code", "enterprise", "name", "Enterprise")),
            new Endpoint(
                    "PUT",
                    "/admin/api/v1/plans/{code}/limits",
                    Rule.PLATFORM_ONLY,
                    Fresh.NONE,
                    ids -> Map.of("model", "deepseek-v4-pro", "limits", Map.of("concurrentRequests", 128))));

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;
    private String slugA;
    private Ids a;
    private Ids b;
    private final Map<Role, String> tokens = new HashMap<>();

    /** Once per class, but after Quarkus configured REST Assured (not in @BeforeAll). */
    @BeforeEach
    void setUpTenants() {
        if (a != null) {
            return;
        }
        fx = new TenancyFixtures(keycloak);
        slugA = TenancyFixtures.uniqueSlug("mxa");
        a = seed(fx.createTenantId(slugA));
        b = seed(fx.createTenantId(TenancyFixtures.uniqueSlug("mxb")));
        TestUser tenantAdmin = fx.tenantAdminOf(slugA);
        TestUser billingViewer = fx.billingViewerOf(slugA);
        tokens.put(Role.PLATFORM_ADMIN, keycloak.accessToken(keycloak.platformAdmin()));
        tokens.put(Role.TENANT_ADMIN, keycloak.accessToken(tenantAdmin));
        tokens.put(Role.BILLING_VIEWER, keycloak.accessToken(billingViewer));
        tokens.put(Role.NO_ROLES, keycloak.accessToken(keycloak.noRoles()));
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> accessMatrix() {
        List<DynamicTest> cases = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            for (Role role : Role.values()) {
                List<Target> targets = new ArrayList<>(List.of(Target.OWN));
                if (e.tenantScoped()) {
                    targets.add(Target.OTHER);
                    if (e.hasChild()) {
                        targets.add(Target.OWN_TENANT_OTHER_CHILD);
                    }
                }
                for (Target target : targets) {
                    String name = e.method() + " " + e.path() + " as " + role + " on " + target;
                    cases.add(DynamicTest.dynamicTest(name, () -> run(e, role, target)));
                }
            }
        }
        return cases.stream();
    }

    @Test
    @Order(2)
    void refusedCrossTenantCallsChangedNothingInTheOtherTenant() {
        JsonPath audit = given().auth()
                .oauth2(fx.platformToken())
                .queryParam("limit", 500)
                .when()
                .get("/admin/api/v1/tenants/" + b.tenant() + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(audit.getList("items.actor", String.class))
                .isNotEmpty()
                .allSatisfy(actor ->
                        assertThat(actor).contains(keycloak.platformAdmin().username()));
    }

    @Test
    void everyTenancyEndpointOfTheOpenApiDocumentIsInTheMatrix() {
        JsonPath doc = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Set<String> tenancyTags = Set.of(
                "Tenants", "Projects", "API keys", "Limits and budgets", "Plans", "Tenant admins", "Audit log", "Me");
        Set<String> documented = new TreeSet<>();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        paths.forEach((path, ops) -> ops.forEach((method, op) -> {
            Object tags = op instanceof Map<?, ?> m ? m.get("tags") : null;
            if (tags instanceof List<?> l && l.stream().anyMatch(tenancyTags::contains)) {
                documented.add(method.toUpperCase() + " " + path);
            }
        }));
        Set<String> inMatrix = new TreeSet<>();
        ENDPOINTS.forEach(e -> inMatrix.add(e.method() + " " + e.path()));

        assertThat(documented).isEqualTo(inMatrix);
    }

    private void run(Endpoint e, Role role, Target target) {
        Ids ids = idsFor(e, role, target);
        String path = e.path()
                .replace("{tenantId}", ids.tenant().toString())
                .replace("{projectId}", String.valueOf(ids.project()))
                .replace("{keyId}", String.valueOf(ids.key()))
                .replace("{code}", "enterprise");
        RequestSpecification req = given();
        if (role != Role.ANONYMOUS) {
            req = req.auth().oauth2(tokens.get(role));
        }
        if (e.body() != null) {
            req = req.contentType(ContentType.JSON).body(e.body().apply(ids));
        }
        if (path.endsWith("/limits/effective")) {
            req = req.queryParam("model", "deepseek-v4-flash");
        }
        Response r = req.when().request(e.method(), path);
        int expected = expected(e, role, target);
        String context = e.method() + " " + path + " as " + role + " on " + target + ": " + r.asString();
        if (expected == 200) {
            assertThat(r.statusCode()).as(context).isBetween(200, 204);
        } else {
            assertThat(r.statusCode()).as(context).isEqualTo(expected);
        }
        if (role == Role.TENANT_ADMIN
                && e.path().equals("/admin/api/v1/tenants")
                && e.method().equals("GET")) {
            assertThat(r.jsonPath().getList("items.id"))
                    .containsExactly(a.tenant().toString());
        }
    }

    /** The rule, applied: 200 means any 2xx. */
    private static int expected(Endpoint e, Role role, Target target) {
        if (role == Role.ANONYMOUS) {
            return 401;
        }
        boolean allowedRole = switch (e.rule()) {
            case PLATFORM_ONLY -> role == Role.PLATFORM_ADMIN;
            case TENANT_MANAGE, ADMINS -> role == Role.PLATFORM_ADMIN || role == Role.TENANT_ADMIN;
            case ANY_ADMIN_ROLE -> role != Role.NO_ROLES;
        };
        if (!allowedRole) {
            return 403;
        }
        if (role == Role.TENANT_ADMIN && target == Target.OTHER) {
            return 403;
        }
        if (target == Target.OWN_TENANT_OTHER_CHILD) {
            return 404;
        }
        return 200;
    }

    private Ids idsFor(Endpoint e, Role role, Target target) {
        Ids base = target == Target.OTHER ? b : a;
        boolean mayChange = expected(e, role, target) == 200;
        if (!mayChange) {
            // Refused cases run against the shared tenants: afterwards we check nothing changed there.
            return target == Target.OWN_TENANT_OTHER_CHILD ? new Ids(a.tenant(), b.project(), b.key()) : base;
        }
        return switch (e.fresh()) {
            case NONE -> base;
            case TENANT -> seed(fx.createTenantId(TenancyFixtures.uniqueSlug("mxf")));
            case TENANT_WITH_LIMITS -> {
                Ids t = seed(fx.createTenantId(TenancyFixtures.uniqueSlug("mxl")));
                putLimits("/admin/api/v1/tenants/" + t.tenant() + "/limits");
                yield t;
            }
            case PROJECT ->
                new Ids(base.tenant(), fx.createProject(base.tenant(), "fresh-" + UUID.randomUUID()), base.key());
            case PROJECT_WITH_LIMITS -> {
                UUID p = fx.createProject(base.tenant(), "fresh-" + UUID.randomUUID());
                putLimits("/admin/api/v1/tenants/" + base.tenant() + "/projects/" + p + "/limits");
                yield new Ids(base.tenant(), p, base.key());
            }
            case KEY -> new Ids(base.tenant(), base.project(), key(base));
            case KEY_WITH_LIMITS -> {
                UUID k = key(base);
                putLimits("/admin/api/v1/tenants/" + base.tenant() + "/keys/" + k + "/limits");
                yield new Ids(base.tenant(), base.project(), k);
            }
        };
    }

    private UUID key(Ids base) {
        return UUID.fromString(
                fx.createKey(base.tenant(), base.project(), "fresh", null).getString("key.id"));
    }

    private void putLimits(String path) {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("model", "*", "limits", Map.of("requestsPerMinute", 7)))
                .when()
                .put(path)
                .then()
                .statusCode(200);
    }

    private Ids seed(UUID tenant) {
        UUID project = fx.createProject(tenant, "main");
        UUID key = UUID.fromString(fx.createKey(tenant, project, "main", null).getString("key.id"));
        return new Ids(tenant, project, key);
    }
}
