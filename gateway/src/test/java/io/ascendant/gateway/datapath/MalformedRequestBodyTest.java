package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request body the gateway cannot read (broken JSON, too large, compressed, not JSON) is refused before dispatch
 * with a precise 4xx in the addressed API's shape, saying where it broke in the gateway's own words, never a 500.
 */
@QuarkusTest
class MalformedRequestBodyTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private static final String HELLO = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void rejectsMalformedJsonSayingWhereItBroke() {
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\n \"messages\": [,]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_json"))
                .body("error.param", equalTo(null))
                .body(
                        "error.message",
                        equalTo("The request body is not valid JSON at line 2, column 15: expected a value."));
    }

    @Test
    void describesJsonSyntaxErrorsInOwnWordsWithoutJacksonInternals() {
        Map<String, String> expected = Map.of(
                "{\"model\":\"deepseek-v4-flash\",}",
                "The request body is not valid JSON at line 1, column 30: expected a field name in double quotes"
                        + " (a comma must not follow the last member of an object).",
                "{\"model\" \"deepseek-v4-flash\"}",
                "The request body is not valid JSON at line 1, column 10: expected ':' after the field name.",
                "{\"model\":\"deepseek-v4-flash\"",
                "The request body is not valid JSON at line 1, column 29: it ends before the object opened at line 1,"
                        + " column 1 is closed.",
                "{\"model\":\"deepseek-v4-flash\",\"model\":\"x\"}",
                "The request body is not valid JSON at line 1, column 37: field `model` appears more than once.");
        expected.forEach((body, message) -> given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_json"))
                .body("error.message", equalTo(message))
                .body("error.message", not(containsString("code ")))
                .body("error.message", not(containsString("Source")))
                .body("error.message", not(containsString("Unexpected"))));
    }

    @Test
    void rejectsBodiesOverTheLimitWith413() {
        String big = "x".repeat(70_000);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big
                        + "\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("65536 bytes"));
    }

    @Test
    void rejectsACompressedBodyWith415NamingTheContentEncoding() throws IOException {
        String chat = "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,\"messages\":" + HELLO + "}";
        byte[] gzipped = gzip(chat);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .header("Content-Encoding", "gzip")
                .body(gzipped)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .header("Accept-Encoding", equalTo("identity"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unsupported_content_encoding"))
                .body("error.message", containsString("Content-Encoding `gzip`"));
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            AnthropicRequests.as(key)
                    .header("Content-Encoding", "br")
                    .body(gzipped)
                    .when()
                    .post(path)
                    .then()
                    .statusCode(415)
                    .body("type", equalTo("error"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.message", containsString("Content-Encoding `br`"));
        }
        // identity is no coding at all.
        given().auth()
                .oauth2(key.text())
                .contentType("application/json")
                .header("Content-Encoding", "identity")
                .body(chat)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }

    @Test
    void rejectsWrongContentTypeWith415() {
        given().auth()
                .oauth2(key.text())
                .contentType("text/plain")
                .body("{\"model\":\"deepseek-v4-flash\",\"messages\":" + HELLO + "}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"));
    }

    private static byte[] gzip(String text) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
