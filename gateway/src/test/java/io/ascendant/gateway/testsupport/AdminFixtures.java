package io.ascendant.gateway.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Tenants, projects, API keys and budgets made through the admin API (REST Assured against the app under test) with a
 * real Keycloak access token, for integration tests that need something to act on. Each call expects the admin API's
 * success status (201 on create, 200 on a limits PUT) and fails the test with the answer otherwise.
 *
 * <p>{@code create...} takes the exact slug; {@code new...} makes a unique one from a prefix ({@code prefix-1a2b3c4d}),
 * so tests never collide in the shared database. The token is the caller's: usually {@code
 * keycloak.accessToken(keycloak.platformAdmin())}.
 */
public final class AdminFixtures {

    /** The admin API's base path. */
    public static final String API = "/admin/api/v1";

    private AdminFixtures() {}

    /** A unique tenant slug: the prefix, a dash and eight random hex digits, in lower case. */
    public static String uniqueSlug(String prefix) {
        return (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    }

    /**
     * Creates a tenant with exactly {@code slug}; the currency must be one the price book prices (USD or CNY).
     *
     * @return the 201 answer (id, slug, ...)
     */
    public static JsonPath createTenant(
            String token, String slug, String displayName, String currency, String timeZone) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", displayName, "currency", currency, "timeZone", timeZone))
                .when()
                .post(API + "/tenants")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** Creates a tenant with a unique slug from {@code slugPrefix}; returns its id. */
    public static String newTenant(
            String token, String slugPrefix, String displayName, String currency, String timeZone) {
        return createTenant(token, uniqueSlug(slugPrefix), displayName, currency, timeZone)
                .getString("id");
    }

    /** Creates tenant "Tenant {@code label}" in USD and UTC with a unique slug from {@code label}; returns its id. */
    public static String newTenant(String token, String label) {
        return newTenant(token, label, "Tenant " + label, "USD", "UTC");
    }

    /** Creates a project in the tenant; returns its id. */
    public static String newProject(String token, String tenantId, String name) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .when()
                .post(API + "/tenants/" + tenantId + "/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Creates a key usable for every model; the answer carries {@code key.id} and the one-time {@code secret}. */
    public static JsonPath newKey(String token, String tenantId, String projectId, String name) {
        return newKey(token, tenantId, projectId, name, List.of());
    }

    /**
     * Creates a key; the answer carries {@code key.id} and the one-time {@code secret}.
     *
     * @param allowedModels the models the key may use (empty: every model); null leaves the field out
     */
    public static JsonPath newKey(
            String token, String tenantId, String projectId, String name, List<String> allowedModels) {
        return newKey(token, tenantId, projectId, name, allowedModels, null);
    }

    /**
     * Creates a key with the given scopes; the answer carries {@code key.id} and the one-time {@code secret}.
     *
     * @param allowedModels the models the key may use (empty: every model); null leaves the field out
     * @param scopes the key's scopes ({@code inference}, {@code billing:read}); null leaves the field out (a new key
     *     then has {@code inference} only)
     */
    public static JsonPath newKey(
            String token,
            String tenantId,
            String projectId,
            String name,
            List<String> allowedModels,
            List<String> scopes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        if (allowedModels != null) {
            body.put("allowedModels", allowedModels);
        }
        if (scopes != null) {
            body.put("scopes", scopes);
        }
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(API + "/tenants/" + tenantId + "/projects/" + projectId + "/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /**
     * Sets a monthly budget for every model on {@code limitsPath} (below {@link #API}, e.g. {@code
     * /tenants/{id}/keys/{key}/limits}), replacing the limits there.
     *
     * @param amount the money budget as a JSON literal ({@code "\"10.00\""}), or null for none
     * @param tokens the token budget, or null for none
     */
    public static void putMonthlyBudget(String token, String limitsPath, String amount, Long tokens) {
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"*\",\"limits\":{\"budgetPeriod\":\"MONTH\",\"budgetAmount\":" + amount
                        + ",\"budgetTokens\":" + tokens + "}}")
                .when()
                .put(API + limitsPath)
                .then()
                .statusCode(200);
    }

    /** Every scope a key can have: the model endpoints and the tenant billing API. */
    public static final List<String> ALL_SCOPES = List.of("inference", "billing:read");

    /**
     * A tenant API caller: a new tenant in USD and UTC, its project {@code app} and a key there for every model and
     * with every scope ({@link #ALL_SCOPES}).
     *
     * @param tenant the tenant id
     * @param secret the key's one-time secret (the bearer token of {@code /v1/*})
     */
    public record Caller(String tenant, UUID project, UUID key, String secret) {}

    /** Makes a {@link Caller}: tenant (unique slug from {@code slugPrefix}), project {@code app}, key. */
    public static Caller newCaller(String token, String slugPrefix, String displayName, String keyName) {
        String tenant = newTenant(token, slugPrefix, displayName, "USD", "UTC");
        String project = newProject(token, tenant, "app");
        JsonPath created = newKey(token, tenant, project, keyName, List.of(), ALL_SCOPES);
        return new Caller(
                tenant,
                UUID.fromString(project),
                UUID.fromString(created.getString("key.id")),
                created.getString("secret"));
    }

    /** PUT of a raw JSON body to a tenant's limits ({@code /tenants/{tenant}/limits}), for checks of the answer. */
    public static ValidatableResponse putTenantLimits(String token, String tenant, String body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .put(API + "/tenants/" + tenant + "/limits")
                .then();
    }
}
