package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.agroal.api.AgroalDataSource;
import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.apikey.ApiKeyAuthentication;
import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.ascendant.tenancy.apikey.ApiKeyHasher;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyAuthenticationTest {

    private static final String PROBE = "/v1/tenancy-probe";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    AgroalDataSource db;

    @Inject
    ApiKeyAuthentication authentication;

    @ConfigProperty(name = "tenancy.api-keys.pepper")
    String pepper;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("auth"));
        project = fx.createProject(tenant, "app");
    }

    @Test
    void acceptsBearerAndXApiKeyWithTheCallerAsPrincipal() {
        JsonPath k = fx.createKey(tenant, project, "k", null);
        String secret = k.getString("secret");

        given().auth()
                .oauth2(secret)
                .when()
                .get(PROBE)
                .then()
                .statusCode(200)
                .body("tenantId", equalTo(tenant.toString()))
                .body("projectId", equalTo(project.toString()))
                .body("keyId", equalTo(k.getString("key.id")))
                .body("publicId", equalTo(k.getString("key.publicId")))
                .body("currency", equalTo("CNY"))
                .body("timeZone", equalTo("Europe/Paris"))
                .body("roles", hasItem("tenant-api"));
        given().header("x-api-key", secret).when().get(PROBE).then().statusCode(200);
    }

    @Test
    void refusesMissingKeyWithStableCode() {
        given().when()
                .get(PROBE)
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"ascendant\""))
                .body("error.code", equalTo("missing_api_key"))
                .body("error.type", equalTo("authentication_error"));
    }

    @Test
    void anEmptyBearerTokenIsAMissingKeySayingTheTokenWasEmpty() {
        // "Bearer " as sent byte for byte (REST Assured would not send it so), with and without the trailing space
        for (String authorization : List.of("Bearer ", "Bearer", "bearer   ")) {
            RawHttp.Answer a = RawHttp.send("GET", PROBE, Map.of("Authorization", authorization), null);
            assertThat(a.status()).as(authorization).isEqualTo(401);
            assertThat(a.headers().get("www-authenticate")).isEqualTo("Bearer realm=\"ascendant\"");
            assertThat(a.json().getString("error.code")).as(authorization).isEqualTo("missing_api_key");
            assertThat(a.json().getString("error.message"))
                    .as(authorization)
                    .contains("the token after it is empty", "unset environment variable")
                    .doesNotContain("Basic");
        }
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        RawHttp.Answer withXApiKey =
                RawHttp.send("GET", PROBE, Map.of("Authorization", "Bearer ", "x-api-key", secret), null);
        assertThat(withXApiKey.status()).isEqualTo(200);
    }

    @Test
    void refusesAValidKeyUnderAnotherSchemeThanBearerSayingSo() {
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        String basic = java.util.Base64.getEncoder().encodeToString((secret + ":").getBytes());
        for (String authorization : List.of("Basic " + basic, secret)) {
            given().header("Authorization", authorization)
                    .when()
                    .get(PROBE)
                    .then()
                    .statusCode(401)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"ascendant\""))
                    .body("error.type", equalTo("authentication_error"))
                    .body("error.code", equalTo("unsupported_auth_scheme"))
                    .body(
                            "error.message",
                            equalTo("The Authorization header must use the Bearer scheme: send the API key as"
                                    + " 'Authorization: Bearer <key>' (or as 'x-api-key: <key>', as Anthropic clients"
                                    + " do). Other schemes, such as Basic, are not accepted."));
        }
    }

    @Test
    void refusesMalformedKeyWithStableCode() {
        String typo =
                fx.createKey(tenant, project, "k", null).getString("secret").replace('a', 'b');
        String sureTypo = typo.substring(0, 30) + (typo.charAt(30) == 'x' ? 'y' : 'x') + typo.substring(31);

        given().auth()
                .oauth2(sureTypo)
                .when()
                .get(PROBE)
                .then()
                .statusCode(401)
                .body("error.code", equalTo("malformed_api_key"));
        given().header("x-api-key", "sk-not-ours")
                .when()
                .get(PROBE)
                .then()
                .statusCode(401)
                .body("error.code", equalTo("malformed_api_key"));
    }

    @Test
    void unknownRevokedAndExpiredKeysGetTheSameAnswer() throws Exception {
        String unknown = ApiKeyFormat.generate(new SecureRandom()).text();
        JsonPath revoked = fx.createKey(tenant, project, "revoked", null);
        JsonPath expired = fx.createKey(tenant, project, "expired", null);
        fx.revokeKey(tenant, revoked.getString("key.id")).body("status", equalTo("REVOKED"));
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update api_key set expires_at = now() - interval '1 second' where id = ?")) {
            ps.setObject(1, UUID.fromString(expired.getString("key.id")));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        String bodyUnknown = awaitStatus(unknown, 401).asString();
        String bodyRevoked = awaitStatus(revoked.getString("secret"), 401).asString();
        String bodyExpired = awaitStatus(expired.getString("secret"), 401).asString();

        assertThat(JsonPath.from(bodyUnknown).getString("error.code")).isEqualTo("invalid_api_key");
        assertThat(bodyRevoked).isEqualTo(bodyUnknown);
        assertThat(bodyExpired).isEqualTo(bodyUnknown);
    }

    @Test
    void suspendedTenantIsRefusedWith403AndReactivationRestoresAccess() {
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        given().auth().oauth2(secret).when().get(PROBE).then().statusCode(200);

        fx.suspendTenant(tenant);
        Response refused = awaitStatus(secret, 403);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("tenant_suspended");

        fx.activateTenant(tenant);
        awaitStatus(secret, 200);
    }

    @Test
    void adminJwtNeverAuthenticatesATenantPathAndApiKeyNeverAnAdminPath() {
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");

        given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(PROBE)
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("error.code", equalTo("admin_token_not_api_key"))
                .body(
                        "error.message",
                        equalTo("The credential is a JSON Web Token (an admin console sign-in token), not an API"
                                + " key: tenant endpoints (/v1/...) take API keys only. Create an API key for a"
                                + " project in the admin console and send it as 'Authorization: Bearer <key>' or"
                                + " 'x-api-key: <key>'."));
        given().auth()
                .oauth2(secret)
                .when()
                .get(TenancyFixtures.API + "/me")
                .then()
                .statusCode(401);
        given().header("x-api-key", secret)
                .when()
                .get(TenancyFixtures.API + "/me")
                .then()
                .statusCode(401);
    }

    @Test
    void secretIsShownOnceAndOnlyItsKeyedHashIsStored() throws Exception {
        JsonPath created = fx.createKey(tenant, project, "once", null);
        String secret = created.getString("secret");
        String keyId = created.getString("key.id");
        assertThat(secret).startsWith("asc_").hasSize(ApiKeyFormat.KEY_LENGTH);

        String get = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys/" + keyId)
                .then()
                .statusCode(200)
                .body("$", not(org.hamcrest.Matchers.hasKey("secret")))
                .extract()
                .asString();
        String list = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/keys")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String audit = given().auth()
                .oauth2(fx.platformToken())
                .when()
                .get(TenancyFixtures.API + "/tenants/" + tenant + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String secretPart = secret.substring(17, 17 + ApiKeyFormat.SECRET_LENGTH);
        assertThat(get).doesNotContain(secretPart);
        assertThat(list).doesNotContain(secretPart).contains(keyId);
        assertThat(audit).doesNotContain(secretPart).contains("api_key.create");

        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select secret_hash, k::text from api_key k where id = ?")) {
            ps.setObject(1, UUID.fromString(keyId));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isEqualTo(new ApiKeyHasher(pepper).hash(secret));
                assertThat(rs.getString(2)).doesNotContain(secretPart);
            }
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from audit_log a where a::text like ?")) {
            ps.setString(1, "%" + secretPart + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void lastUsedIsBufferedAndWrittenInABatch() throws Exception {
        JsonPath k = fx.createKey(tenant, project, "used", null);
        authentication.flushLastUsed();
        for (int i = 0; i < 5; i++) {
            given().auth()
                    .oauth2(k.getString("secret"))
                    .when()
                    .get(PROBE)
                    .then()
                    .statusCode(200);
        }
        assertThat(lastUsed(k.getString("key.id"))).as("no write per request").isNull();

        authentication.flushLastUsed();

        assertThat(lastUsed(k.getString("key.id"))).isNotNull();
    }

    private java.sql.Timestamp lastUsed(String keyId) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select last_used_at from api_key where id = ?")) {
            ps.setObject(1, UUID.fromString(keyId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        }
    }

    /** Polls {@link #PROBE} with the key as bearer token until the status is reached; at most 5 s. */
    static Response awaitStatus(String secret, int status) {
        return TenancyFixtures.awaitStatus(
                () -> given().auth().oauth2(secret).when().get(PROBE), status);
    }
}
