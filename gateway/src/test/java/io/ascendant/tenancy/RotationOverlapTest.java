package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RotationOverlapTest {

    @InjectKeycloak
    KeycloakTokens keycloak;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("rot"));
        project = fx.createProject(tenant, "p");
    }

    @Test
    void oldAndNewKeyBothWorkUntilTheOverlapEndsThenOnlyTheNewOne() throws Exception {
        JsonPath old = fx.createKey(tenant, project, "rotating", null);
        Instant until = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);

        JsonPath rotated = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("oldKeyValidUntil", until.toString()))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + old.getString("key.id") + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();

        String newSecret = rotated.getString("secret");
        assertThat(newSecret).isNotEqualTo(old.getString("secret"));
        assertThat(rotated.getString("key.rotatedFrom")).isEqualTo(old.getString("key.id"));
        assertThat(rotated.getString("key.name")).isEqualTo("rotating");
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + old.getString("key.id"))
                .then()
                .statusCode(200)
                .body("expiresAt", equalTo(until.toString()))
                .body("status", equalTo("ACTIVE"));
        ApiKeyAuthenticationTest.awaitStatus(old.getString("secret"), 200);
        ApiKeyAuthenticationTest.awaitStatus(newSecret, 200);

        while (Instant.now().isBefore(until.plusMillis(50))) {
            Thread.sleep(50);
        }

        ApiKeyAuthenticationTest.awaitStatus(old.getString("secret"), 401);
        ApiKeyAuthenticationTest.awaitStatus(newSecret, 200);
    }

    @Test
    void overlapBeyondTheMaximumIsRejectedNamingTheField() {
        JsonPath old = fx.createKey(tenant, project, "k", null);

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "oldKeyValidUntil",
                        Instant.now().plusSeconds(400L * 86400).toString()))
                .when()
                .post(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + old.getString("key.id") + "/rotate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("oldKeyValidUntil"));
    }

    @Test
    void revokedKeyCannotBeRotated() {
        JsonPath old = fx.createKey(tenant, project, "k", null);
        String path = TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + old.getString("key.id");
        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .post(path + "/revoke")
                .then()
                .statusCode(200);

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body("{}")
                .when()
                .post(path + "/rotate")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void keyAlreadyInItsOverlapCannotBeRotatedAgainAndTheAnswerNamesItsSuccessor() {
        JsonPath old = fx.createKey(tenant, project, "k", null);
        String path = TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + old.getString("key.id");
        Instant firstGraceEnd = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
        String successor = given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("oldKeyValidUntil", firstGraceEnd.toString()))
                .when()
                .post(path + "/rotate")
                .then()
                .statusCode(201)
                .extract()
                .path("key.id");

        given().auth()
                .oauth2(fx.platformToken())
                .contentType(ContentType.JSON)
                .body(Map.of("oldKeyValidUntil", firstGraceEnd.plusSeconds(3600).toString()))
                .when()
                .post(path + "/rotate")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("already rotated"))
                .body("detail", containsString(successor));

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(path)
                .then()
                .statusCode(200)
                .body("expiresAt", equalTo(firstGraceEnd.toString()));
        given().auth()
                .oauth2(fx.platformToken())
                .queryParam("search", "k")
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .body("items.findAll { it.rotatedFrom == '" + old.getString("key.id") + "' }.id", contains(successor));
    }
}
