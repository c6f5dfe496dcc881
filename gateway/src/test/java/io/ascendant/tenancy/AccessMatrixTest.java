package io.ascendant.tenancy;

import static io.ascendant.tenancy.TenancyAdminEndpoints.ENDPOINTS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.ascendant.tenancy.TenancyAdminEndpoints.Endpoint;
import io.ascendant.tenancy.TenancyAdminEndpoints.Ids;
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
 * from a hand-written table of cells ({@link TenancyAdminEndpoints} lists the endpoints and their rules); {@link #everyTenancyEndpointOfTheOpenApiDocumentIsInTheMatrix} makes sure no
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
