package io.ascendant.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.MessageCreateParams;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.ascendant.tenancy.apikey.ApiKeyFormat;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication and permission errors on the Anthropic Messages API ({@code /v1/messages}) come in Anthropic's
 * error shape {@code {"type":"error","error":{"type","message"}}}; the OpenAI endpoints keep OpenAI's shape.
 */
@QuarkusTest
class AnthropicAuthErrorsTest {

    private static final String MESSAGES = "/v1/messages";
    private static final String BODY =
            "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @InjectKeycloak
    KeycloakTokens keycloak;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private TenancyFixtures fx;
    private UUID tenant;
    private UUID project;

    @BeforeEach
    void setUp() {
        fx = new TenancyFixtures(keycloak);
        tenant = fx.createTenantId(TenancyFixtures.uniqueSlug("anth"));
        project = fx.createProject(tenant, "app");
    }

    private static Response post(String path, UnaryOperator<RequestSpecification> auth) {
        return auth.apply(given().contentType("application/json").header("anthropic-version", "2023-06-01"))
                .body(BODY)
                .when()
                .post(path);
    }

    private static void assertAnthropic(Response r, int status, String type) {
        r.then()
                .statusCode(status)
                .contentType("application/json")
                .header("x-request-id", notNullValue())
                .body("type", equalTo("error"))
                .body("error.type", equalTo(type))
                .body("error.message", notNullValue())
                .body("error.code", nullValue())
                .body("error.param", nullValue());
        if (status == 401) {
            r.then().header("WWW-Authenticate", equalTo("Bearer realm=\"ascendant\""));
        }
    }

    @Test
    void missingKeyIsAnAnthropicAuthenticationError() {
        assertAnthropic(post(MESSAGES, s -> s), 401, "authentication_error");
    }

    @Test
    void malformedKeysAreAnthropicAuthenticationErrors() {
        assertAnthropic(post(MESSAGES, s -> s.header("x-api-key", "sk-not-ours")), 401, "authentication_error");
        assertAnthropic(post(MESSAGES, s -> s.header("Authorization", "Basic abc")), 401, "authentication_error");
        assertAnthropic(post(MESSAGES, s -> s.auth().oauth2("sk-not-ours")), 401, "authentication_error");
    }

    @Test
    void basicSchemeAndAdminJwtAreAnthropicAuthenticationErrorsSayingWhatIsWrong() {
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        String basic = java.util.Base64.getEncoder().encodeToString(("user:" + secret).getBytes());
        Response scheme = post(MESSAGES, s -> s.header("Authorization", "Basic " + basic));
        assertAnthropic(scheme, 401, "authentication_error");
        assertThat(scheme.jsonPath().getString("error.message"))
                .startsWith("The Authorization header must use the Bearer scheme")
                .contains("x-api-key")
                .doesNotContain(basic);
        for (UnaryOperator<RequestSpecification> jwt : List.<UnaryOperator<RequestSpecification>>of(
                s -> s.auth().oauth2(fx.platformToken()), s -> s.header("x-api-key", fx.platformToken()))) {
            Response admin = post(MESSAGES, jwt);
            assertAnthropic(admin, 401, "authentication_error");
            assertThat(admin.jsonPath().getString("error.message"))
                    .startsWith("The credential is a JSON Web Token (an admin console sign-in token), not an API key");
        }
    }

    @Test
    void unknownAndRevokedKeysAreAnthropicAuthenticationErrors() {
        String unknown = ApiKeyFormat.generate(new SecureRandom()).text();
        assertAnthropic(post(MESSAGES, s -> s.header("x-api-key", unknown)), 401, "authentication_error");

        JsonPath revoked = fx.createKey(tenant, project, "revoked", null);
        fx.revokeKey(tenant, revoked.getString("key.id"));
        Response r = awaitStatus(revoked.getString("secret"), 401);
        assertAnthropic(r, 401, "authentication_error");
        assertThat(r.jsonPath().getString("error.message"))
                .isEqualTo(post(MESSAGES, s -> s.header("x-api-key", unknown))
                        .jsonPath()
                        .getString("error.message"));
    }

    @Test
    void suspendedTenantIsAnAnthropicPermissionError() {
        String secret = fx.createKey(tenant, project, "k", null).getString("secret");
        fx.suspendTenant(tenant);
        assertAnthropic(awaitStatus(secret, 403), 403, "permission_error");
    }

    @Test
    void openAiEndpointsKeepOpenAiShape() {
        post("/v1/chat/completions", s -> s.header("x-api-key", "sk-not-ours"))
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"ascendant\""))
                .body("type", nullValue())
                .body("error.type", equalTo("authentication_error"))
                .body("error.code", equalTo("malformed_api_key"));
        given().when().get("/v1/models").then().statusCode(401).body("error.code", equalTo("missing_api_key"));
    }

    @Test
    void anthropicSdkSeesAnAuthenticationError() {
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .apiKey(ApiKeyFormat.generate(new SecureRandom()).text())
                .maxRetries(0)
                .build();
        UnauthorizedException e = catchThrowableOfType(
                UnauthorizedException.class,
                () -> client.messages()
                        .create(MessageCreateParams.builder()
                                .model("deepseek-v4-flash")
                                .maxTokens(8)
                                .addUserMessage("hi")
                                .build()));
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.errorType()).contains(ErrorType.AUTHENTICATION_ERROR);
    }

    /** Revocation and suspension reach the authentication cache asynchronously: poll briefly. */
    private static Response awaitStatus(String secret, int status) {
        return TenancyFixtures.awaitStatus(() -> post(MESSAGES, s -> s.header("x-api-key", secret)), status);
    }
}
