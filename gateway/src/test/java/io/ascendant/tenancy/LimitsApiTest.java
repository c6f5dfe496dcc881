package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.ascendant.tenancy.limits.EffectiveLimitsResolver;
import io.ascendant.tenancy.limits.LimitScope;
import io.ascendant.tenancy.limits.LimitsChanged;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LimitsApiTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    EffectiveLimitsResolver resolver;

    @Inject
    LimitsChangedRecorder recorder;

    private TenancyFixtures fx;
    private String slug;
    private UUID tenant;
    private UUID project;
    private UUID key;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        slug = TenancyFixtures.uniqueSlug("lim");
        tenant = fx.createTenantId(slug);
        project = fx.createProject(tenant, "p");
        key = UUID.fromString(fx.createKey(tenant, project, "k", null).getString("key.id"));
    }

    @Test
    void effectiveLimitsLayerPlanTenantProjectKeyAndModel() {
        put(fx.platformToken(), "/tenants/" + tenant + "/limits", "*", Map.of("requestsPerMinute", 300), 200);
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/limits",
                "deepseek-v4-pro",
                Map.of("concurrentRequests", 4),
                200);
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "*",
                Map.of("budgetPeriod", "MONTH", "budgetAmount", "25.50"),
                200);
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/keys/" + key + "/limits",
                "deepseek-v4-pro",
                Map.of("tokensPerMinute", 1000),
                200);

        JsonPath pro = given().auth()
                .oauth2(fx.platformToken())
                .queryParam("projectId", project)
                .queryParam("keyId", key)
                .queryParam("model", "deepseek-v4-pro")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/limits/effective")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        // standard plan: 600 rpm, 2,000,000 tpm, 32 concurrent; tenant overrides rpm and, for pro, concurrency.
        assertThat(pro.getInt("tenant.requestsPerMinute")).isEqualTo(300);
        assertThat(pro.getLong("tenant.tokensPerMinute")).isEqualTo(2_000_000L);
        assertThat(pro.getInt("tenant.concurrentRequests")).isEqualTo(4);
        assertThat(pro.getString("project.budgetPeriod")).isEqualTo("MONTH");
        assertThat(pro.getString("project.budgetAmount")).isEqualTo("25.5");
        assertThat(pro.getLong("key.tokensPerMinute")).isEqualTo(1000L);
        assertThat(pro.getString("currency")).isEqualTo("CNY");
        assertThat(pro.getString("timeZone")).isEqualTo("Europe/Paris");

        var flash = resolver.resolve(tenant, project, key, "deepseek-v4-flash");
        assertThat(flash.tenant().concurrentRequests()).isEqualTo(32);
        assertThat(flash.key().tokensPerMinute()).isNull();
    }

    @Test
    void effectiveLimitsOfAModelNotInTheCatalogueIsA400NamingModel() {
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("model", "nope")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/limits/effective")
                .then()
                .statusCode(400)
                .contentType(org.hamcrest.Matchers.startsWith("application/problem+json"))
                .body("field", equalTo("model"))
                .body("detail", org.hamcrest.Matchers.containsString("'nope' is not in the model catalogue"));
        // An alias is a model a request can name: it gets the limits of its public name, as the quota engine applies.
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/limits",
                "deepseek-v4-flash",
                Map.of("requestsPerMinute", 7),
                200);
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("model", "flash-latest")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/limits/effective")
                .then()
                .statusCode(200)
                .body("tenant.requestsPerMinute", equalTo(7));
    }

    @Test
    void limitsReadBackCarryOnlyTheirFieldsAndCanBePutBackAsRead() {
        put(fx.platformToken(), "/tenants/" + tenant + "/limits", "*", Map.of("requestsPerMinute", 300), 200)
                .body("limits", not(hasKey("empty")));

        Map<String, Object> read = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/limits")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("[0].limits");
        assertThat(read).containsEntry("requestsPerMinute", 300).doesNotContainKey("empty");

        put(fx.platformToken(), "/tenants/" + tenant + "/limits", "*", read, 200);
    }

    @Test
    void tenantAdminMayNotExceedTheTenantsLimits() {
        TestUser admin = fx.tenantAdminOf(slug);
        String token = keycloak.accessToken(admin);

        put(
                        token,
                        "/tenants/" + tenant + "/projects/" + project + "/limits",
                        "*",
                        Map.of("requestsPerMinute", 601),
                        400)
                .body("field", equalTo("limits.requestsPerMinute"))
                .body("detail", org.hamcrest.Matchers.containsString("600"));
        put(
                token,
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "*",
                Map.of("requestsPerMinute", 600),
                200);
        put(token, "/tenants/" + tenant + "/limits", "*", Map.of("requestsPerMinute", 1), 403);
    }

    @Test
    void invalidLimitsNameTheField() {
        put(fx.platformToken(), "/tenants/" + tenant + "/keys/" + key + "/limits", "*", Map.of("budgetTokens", 10), 400)
                .body("field", equalTo("limits.budgetPeriod"));
        put(
                        fx.platformToken(),
                        "/tenants/" + tenant + "/keys/" + key + "/limits",
                        "*",
                        Map.of("requestsPerMinute", -1),
                        400)
                .body("field", equalTo("limits.requestsPerMinute"));
        put(
                        fx.platformToken(),
                        "/tenants/" + tenant + "/keys/" + key + "/limits",
                        "*",
                        Map.of("budgetPeriod", "YEAR"),
                        400)
                .body("field", equalTo("limits.budgetPeriod"));
    }

    @Test
    void refusesLimitsNamingAModelNotInTheCatalogueAndStoresNothing() {
        for (String path : java.util.List.of(
                "/tenants/" + tenant + "/limits",
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "/tenants/" + tenant + "/keys/" + key + "/limits",
                "/plans/standard/limits")) {
            put(fx.platformToken(), path, "deepseek-v4-flsh", Map.of("requestsPerMinute", 5), 400)
                    .contentType(org.hamcrest.Matchers.startsWith("application/problem+json"))
                    .body("field", equalTo("model"))
                    .body("detail", org.hamcrest.Matchers.containsString("'deepseek-v4-flsh'"))
                    .body("detail", org.hamcrest.Matchers.containsString("deepseek-v4-flash"));
        }
        for (String path : java.util.List.of(
                "/tenants/" + tenant + "/limits",
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "/tenants/" + tenant + "/keys/" + key + "/limits")) {
            given().auth()
                    .oauth2(fx.platformToken())
                    .when()
                    .get(TenancyFixtures.API + path)
                    .then()
                    .statusCode(200)
                    .body("model", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("deepseek-v4-flsh")));
        }
        // Limits apply by public model name, so one set on an alias would never apply: refused, naming the public name.
        put(fx.platformToken(), "/tenants/" + tenant + "/limits", "flash-latest", Map.of("requestsPerMinute", 5), 400)
                .body("field", equalTo("model"))
                .body("detail", org.hamcrest.Matchers.containsString("alias of model 'deepseek-v4-flash'"));
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/limits",
                "deepseek-v4-flash",
                Map.of("requestsPerMinute", 5),
                200);
    }

    @Test
    void refusesKeysAllowingAModelNotInTheCatalogueNamingTheEntry() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "typo", "allowedModels", java.util.List.of("deepseek-v4-flash", "gpt-17")))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/projects/" + project + "/keys")
                .then()
                .statusCode(400)
                .contentType(org.hamcrest.Matchers.startsWith("application/problem+json"))
                .body("field", equalTo("allowedModels[1]"))
                .body("detail", org.hamcrest.Matchers.containsString("'gpt-17' is not in the model catalogue"));
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("q", "typo")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        assertThat(fx.createKey(tenant, project, "aliased", java.util.List.of("flash-latest"))
                        .getList("key.allowedModels", String.class))
                .containsExactly("flash-latest");
    }

    @Test
    void limitChangesAreAnnouncedToTheQuotaEngine() throws Exception {
        put(
                fx.platformToken(),
                "/tenants/" + tenant + "/projects/" + project + "/limits",
                "*",
                Map.of("concurrentRequests", 3),
                200);

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline
                && !recorder.events().contains(new LimitsChanged(LimitScope.PROJECT, project))) {
            Thread.sleep(20);
        }
        assertThat(recorder.events()).contains(new LimitsChanged(LimitScope.PROJECT, project));
    }

    private io.restassured.response.ValidatableResponse put(
            String token, String path, String model, Map<String, Object> limits, int status) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("model", model, "limits", limits))
                .when()
                .put(TenancyFixtures.API + path)
                .then()
                .statusCode(status);
    }
}
