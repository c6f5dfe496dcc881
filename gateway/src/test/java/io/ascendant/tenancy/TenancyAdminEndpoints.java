package io.ascendant.tenancy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every endpoint of the tenancy admin API with the rule that decides who may call it, for {@link AccessMatrixTest}.
 * A new endpoint goes here; the matrix test fails while one of the OpenAPI document's tenancy endpoints is missing.
 */
final class TenancyAdminEndpoints {
    private TenancyAdminEndpoints() {}

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
}
