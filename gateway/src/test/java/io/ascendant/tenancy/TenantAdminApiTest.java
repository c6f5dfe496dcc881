package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TenantAdminApiTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    private TenancyFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
    }

    @Test
    void createsTenantWithKeycloakOrganizationAndBillingAccount() throws Exception {
        String slug = TenancyFixtures.uniqueSlug("acme");

        JsonPath t = fx.createTenant(slug);

        assertThat(t.getString("status")).isEqualTo("ACTIVE");
        assertThat(t.getString("plan")).isEqualTo("standard");
        String orgId = t.getString("keycloakOrganizationId");
        assertThat(orgId).isNotBlank();
        HttpResponse<String> org = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        keycloak.baseUrl() + "/admin/realms/ascendant/organizations/" + orgId))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(org.statusCode()).isEqualTo(200);
        assertThat(JsonPath.from(org.body()).getString("alias")).isEqualTo(slug);
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select currency, time_zone from billing_account where tenant_id = ?")) {
            ps.setObject(1, UUID.fromString(t.getString("id")));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("CNY");
                assertThat(rs.getString(2)).isEqualTo("Europe/Paris");
            }
        }
    }

    @Test
    void rejectsDuplicateSlugWithConflictNamingTheField() {
        String slug = TenancyFixtures.uniqueSlug("dup");
        fx.createTenant(slug);

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "displayName", "Again", "currency", "CNY", "timeZone", "UTC"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("slug"))
                .body("type", equalTo("urn:ascendant:problem:conflict"));
    }

    @Test
    void rejectsUnknownCurrencyNamingTheFieldAndWritesNothing() {
        String slug = TenancyFixtures.uniqueSlug("bad");

        fx.refuseTenantInCurrency(slug, "XYZ");
    }

    @Test
    void rejectsInvalidSlugThroughBeanValidationNamingTheField() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("slug", "Not A Slug", "displayName", "x", "currency", "EUR", "timeZone", "UTC"))
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("slug"))
                .body("errors[0].field", equalTo("slug"));
    }

    @Test
    void malformedJsonIsAProblemNotAServerError() {
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body("{\"slug\": ")
                .when()
                .post(TenancyFixtures.API + "/tenants")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", startsWith("urn:ascendant:problem:"));
    }

    @Test
    void unknownTenantIsNotFound() {
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void everyChangeWritesAnAuditRow() {
        String slug = TenancyFixtures.uniqueSlug("audit");
        UUID tenant = fx.createTenantId(slug);
        UUID project = fx.createProject(tenant, "web");

        JsonPath audit = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(audit.getList("items.action")).containsExactly("tenant.create", "project.create");
        assertThat(audit.getString("items[1].targetId")).isEqualTo(project.toString());
        assertThat(audit.getString("items[1].actor"))
                .contains(keycloak.platformAdmin().username());
        assertThat(audit.getString("items[1].after.name")).isEqualTo("web");
    }

    @Test
    void anAuditInstantThatDoesNotParseIsA400NamingItsForm() {
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("since", "yesterday")
                .when()
                .get(TenancyFixtures.API + "/audit")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("since"))
                .body("detail", equalTo("since must be an ISO-8601 instant such as 2027-01-01T00:00:00Z"));
    }

    @Test
    void invitesTheFirstTenantAdminByEmail() throws Exception {
        String slug = TenancyFixtures.uniqueSlug("inv");
        JsonPath t = fx.createTenant(slug);
        String email = slug + "@example.com";

        JsonPath inv = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("email", email))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + t.getString("id") + "/admins")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();

        assertThat(inv.getString("role")).isEqualTo("tenant-admin");
        String userId = inv.getString("keycloakUserId");
        HttpResponse<String> members = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(keycloak.baseUrl()
                                        + "/admin/realms/ascendant/organizations/"
                                        + t.getString("keycloakOrganizationId") + "/members"))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(JsonPath.from(members.body()).getList("id")).contains(userId);

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("email", email.toUpperCase()))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + t.getString("id") + "/admins")
                .then()
                .statusCode(409)
                .body("field", equalTo("email"));
    }

    @Test
    void invitedAdminGetsTheGivenNamesSoKeycloakDoesNotBlockTheFirstSignIn() throws Exception {
        String slug = TenancyFixtures.uniqueSlug("invnames");
        JsonPath t = fx.createTenant(slug);
        String userId = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("email", slug + "@example.com", "firstName", "Ada", "lastName", "Lovelace"))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + t.getString("id") + "/admins")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("keycloakUserId");
        HttpResponse<String> user = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(keycloak.baseUrl() + "/admin/realms/ascendant/users/" + userId))
                                .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(JsonPath.from(user.body()).getString("firstName")).isEqualTo("Ada");
        assertThat(JsonPath.from(user.body()).getString("lastName")).isEqualTo("Lovelace");
    }

    @Test
    void detailsKeycloakRefusesAreA400NamingTheFieldNotAnOutage() {
        String slug = TenancyFixtures.uniqueSlug("invbad");
        JsonPath t = fx.createTenant(slug);
        String admins = TenancyFixtures.API + "/tenants/" + t.getString("id") + "/admins";
        Map<String, Map<String, String>> refused = Map.of(
                "email", Map.of("email", "用户@例子.广告", "firstName", "Al", "lastName", "B"),
                "firstName", Map.of("email", slug + "@example.com", "firstName", "<script>", "lastName", "B"));
        refused.forEach((field, body) -> given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(admins)
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:ascendant:problem:invalid-input"))
                .body("field", equalTo(field))
                .body("detail", startsWith(field + " ")));
        // nothing was written: the same address with acceptable names is invited afterwards
        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("email", slug + "@example.com", "firstName", "Al", "lastName", "B"))
                .when()
                .post(admins)
                .then()
                .statusCode(201);
    }
}
