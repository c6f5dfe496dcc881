package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.gateway.testsupport.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Admin endpoints accept only real, valid Keycloak tokens that carry the required realm role. */
@QuarkusTest
class AdminTokenAuthenticationTest {

    private static final String WHOAMI = "/admin/api/v1/whoami";
    private static final String PLATFORM_PING = "/admin/api/v1/platform/ping";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Test
    void rejectsRequestWithoutToken() {
        given().when().get(WHOAMI).then().statusCode(401);
        given().when().get(PLATFORM_PING).then().statusCode(401);
    }

    @Test
    void rejectsMalformedToken() {
        given().auth().oauth2("not-a-jwt").when().get(WHOAMI).then().statusCode(401);
    }

    @Test
    void rejectsTokenSignedWithAnotherKey() throws Exception {
        String real = keycloak.accessToken(keycloak.platformAdmin());
        String[] parts = real.split("\\.");
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.generateKeyPair().getPrivate());
        // Same header (same kid, alg RS256) and same claims: only the signature is not Keycloak's.
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        String forged = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());

        given().auth().oauth2(forged).when().get(PLATFORM_PING).then().statusCode(401);
        given().auth().oauth2(real).when().get(PLATFORM_PING).then().statusCode(200);
    }

    @Test
    void rejectsUnsignedToken() {
        String real = keycloak.accessToken(keycloak.platformAdmin());
        String[] parts = real.split("\\.");
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        given().auth()
                .oauth2(header + "." + parts[1] + ".")
                .when()
                .get(PLATFORM_PING)
                .then()
                .statusCode(401);
    }

    @Test
    void rejectsExpiredToken() throws InterruptedException {
        KeycloakTokens.ShortLivedToken token = keycloak.shortLivedAccessToken(keycloak.platformAdmin());
        // Wait until the token is past its exp claim (plus a second of clock granularity); this waits on the
        // token's own claim, it does not measure anything.
        while (Instant.now().isBefore(token.expiresAt().plusSeconds(2))) {
            Thread.sleep(200);
        }
        given().auth().oauth2(token.token()).when().get(PLATFORM_PING).then().statusCode(401);
    }

    @Test
    void forbidsUserWithoutAdminRole() {
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.noRoles()))
                .when()
                .get(WHOAMI)
                .then()
                .statusCode(403);
    }

    @Test
    void forbidsTenantAdminOnPlatformEndpoint() {
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.tenantAdmin()))
                .when()
                .get(PLATFORM_PING)
                .then()
                .statusCode(403);
    }

    @Test
    void allowsPlatformAdmin() {
        String token = keycloak.accessToken(keycloak.platformAdmin());
        given().auth()
                .oauth2(token)
                .when()
                .get(PLATFORM_PING)
                .then()
                .statusCode(200)
                .body("status", equalTo("ok"));
        given().auth()
                .oauth2(token)
                .when()
                .get(WHOAMI)
                .then()
                .statusCode(200)
                .body("name", equalTo(keycloak.platformAdmin().username()))
                .body("roles", contains("platform-admin"))
                .body("organizations", empty());
    }

    @Test
    void reportsOrganizationOfTenantAdmin() {
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.tenantAdmin()))
                .when()
                .get(WHOAMI)
                .then()
                .statusCode(200)
                .body("roles", contains("tenant-admin"))
                .body("organizations", contains(KeycloakTokens.TEST_ORGANIZATION));
    }

    @Test
    void createdUserGetsRolesAndOrganizationInToken() {
        TestUser user = keycloak.createUser("billing", Set.of("billing-viewer"), "acme-created-user-test");
        String token = keycloak.accessToken(user);

        assertThat(KeycloakTokens.claims(token).path("organization").toString()).contains("acme-created-user-test");
        given().auth()
                .oauth2(token)
                .when()
                .get(WHOAMI)
                .then()
                .statusCode(200)
                .body("name", equalTo(user.username()))
                .body("roles", contains("billing-viewer"))
                .body("organizations", contains("acme-created-user-test"));
    }
}
