package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/models/{id}} (the OpenAI SDKs' {@code models().retrieve}): OpenAI's Model object for a model the key
 * may use, by public name or alias; a 404 {@code model_not_found} that looks the same for a model that does not exist
 * and one the key may not use.
 */
@QuarkusTest
class ModelRetrieveTest {

    @Inject
    TestKeys keys;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        key = keys.create(Set.of());
    }

    @Test
    void retrievesAModelInOpenAisModelShape() {
        given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models/deepseek-v4-flash")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .header("x-request-id", notNullValue())
                .body("id", equalTo("deepseek-v4-flash"))
                .body("object", equalTo("model"))
                .body("created", equalTo(0))
                .body("owned_by", equalTo("ascendant"))
                .body("max_output_tokens", equalTo(8192));
    }

    @Test
    void retrievesAnAliasUnderTheNameAskedFor() {
        given().auth()
                .oauth2(key.text())
                .when()
                .get("/v1/models/flash-latest")
                .then()
                .statusCode(200)
                .body("id", equalTo("flash-latest"))
                .body("object", equalTo("model"))
                .body("max_output_tokens", equalTo(8192));
    }

    @Test
    void retrievesEveryModelTheListShows() {
        TestKeys.Key limited = keys.create(Set.of("deepseek-v4-pro"));
        List<String> listed = given().auth()
                .oauth2(limited.text())
                .when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("data.id");
        assertThat(listed).containsExactly("deepseek-v4-pro");
        for (String id : listed) {
            given().auth()
                    .oauth2(limited.text())
                    .when()
                    .get("/v1/models/" + id)
                    .then()
                    .statusCode(200)
                    .body("id", equalTo(id));
        }
    }

    @Test
    void answersAModelTheKeyMayNotUseExactlyLikeAnUnknownOne() {
        TestKeys.Key limited = keys.create(Set.of("deepseek-v4-pro"));
        Response forbidden = given().auth().oauth2(limited.text()).when().get("/v1/models/deepseek-v4-flash");
        Response byAlias = given().auth().oauth2(limited.text()).when().get("/v1/models/flash-latest");
        Response unknown = given().auth().oauth2(limited.text()).when().get("/v1/models/deepseek-v9");

        for (Response r : List.of(forbidden, byAlias, unknown)) {
            r.then()
                    .statusCode(404)
                    .contentType("application/json")
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("model_not_found"))
                    .body("error.param", equalTo("model"));
        }
        assertThat(forbidden.jsonPath().getString("error.message"))
                .isEqualTo(unknown.jsonPath().getString("error.message").replace("deepseek-v9", "deepseek-v4-flash"));
    }

    @Test
    void decodesAnEncodedSlashInTheId() {
        // Public names may contain '/'; the SDKs send it percent-encoded.
        given().auth()
                .oauth2(key.text())
                .urlEncodingEnabled(false)
                .when()
                .get("/v1/models/deepseek-ai%2Fmissing")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", startsWith("The model `deepseek-ai/missing` does not exist"));
    }

    @Test
    void refusesAnonymousCallersInOpenAisShape() {
        given().when()
                .get("/v1/models/deepseek-v4-flash")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("id", nullValue());
    }

    @Test
    void refusesOtherMethodsWith405AndAllow() {
        given().auth()
                .oauth2(key.text())
                .when()
                .delete("/v1/models/deepseek-v4-flash")
                .then()
                .statusCode(405)
                .header("allow", "GET")
                .body("error.code", equalTo("method_not_allowed"))
                .body(
                        "error.message",
                        equalTo("Method DELETE is not allowed on /v1/models/deepseek-v4-flash; use GET."));
    }
}
