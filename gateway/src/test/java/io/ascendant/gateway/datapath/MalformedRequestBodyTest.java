package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
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

    /** A chat body whose user content is "a", then {@code raw}, then "b", for each tenant endpoint's shape. */
    private static byte[] bodyWith(String path, byte[] raw) {
        String[] around = switch (path) {
            case "/v1/completions" ->
                new String[] {"{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,\"prompt\":\"a", "b\"}"};
            case "/v1/messages" ->
                new String[] {
                    "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"a",
                    "b\"}]}"
                };
            default ->
                new String[] {
                    "{\"model\":\"deepseek-v4-flash\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"a",
                    "b\"}]}"
                };
        };
        var out = new ByteArrayOutputStream();
        out.writeBytes(around[0].getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(raw);
        out.writeBytes(around[1].getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private ValidatableResponse send(String path, byte[] body) {
        var request = path.equals("/v1/messages")
                ? AnthropicRequests.as(key)
                : given().auth().oauth2(key.text()).contentType("application/json");
        return request.body(body).when().post(path).then();
    }

    @Test
    void rejectsOverlongUtf8AndSurrogatesOnEveryTenantEndpointSayingWhere() {
        Map<String, String> cases = Map.of(
                "\\xc0\\xaf", "it is not valid UTF-8 (an overlong encoding).",
                "\\xed\\xa0\\x80", "it is not valid UTF-8 (a UTF-16 surrogate encoded in UTF-8).",
                "\\xf4\\x90\\x80\\x80", "it is not valid UTF-8 (a code point above U+10FFFF).",
                "\\ud800", "a \\u escape is an unpaired UTF-16 surrogate");
        Map<String, byte[]> bytes = Map.of(
                "\\xc0\\xaf", new byte[] {(byte) 0xc0, (byte) 0xaf},
                "\\xed\\xa0\\x80", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "\\xf4\\x90\\x80\\x80", new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                "\\ud800", "\\ud800".getBytes(StandardCharsets.US_ASCII));
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/messages")) {
            cases.forEach((name, reason) -> {
                byte[] body = bodyWith(path, bytes.get(name));
                int column = new String(bodyWith(path, new byte[] {'|'}), StandardCharsets.US_ASCII).indexOf('|') + 1;
                var answer = send(path, body).statusCode(400);
                String where = "The request body is not valid JSON at line 1, column " + column + ": ";
                if (path.equals("/v1/messages")) {
                    answer.body("type", equalTo("error"))
                            .body("error.type", equalTo("invalid_request_error"))
                            .body("error.message", startsWith(where + reason));
                } else {
                    answer.body("error.type", equalTo("invalid_request_error"))
                            .body("error.code", equalTo("invalid_json"))
                            .body("error.message", startsWith(where + reason));
                }
            });
            // The bytes that were refused before this check still are, and a paired escape still passes.
            send(path, bodyWith(path, new byte[] {(byte) 0xff, (byte) 0xfe}))
                    .statusCode(400)
                    .body("error.message", containsString("it is not valid UTF-8"));
            send(path, bodyWith(path, "\\ud834\\udd1e é".getBytes(StandardCharsets.UTF_8)))
                    .statusCode(200);
        }
    }

    @Test
    void rejectsACharsetOtherThanUtf8With415SayingOnlyUtf8IsAccepted() {
        byte[] chat = bodyWith("/v1/chat/completions", new byte[0]);
        given().auth()
                .oauth2(key.text())
                .contentType("application/json; charset=iso-8859-1")
                .body(chat)
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(415)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("unsupported_charset"))
                .body("error.message", containsString("charset `iso-8859-1`, but only UTF-8 is accepted"));
        AnthropicRequests.as(key)
                .contentType("application/json;charset=\"UTF-16\"")
                .body(bodyWith("/v1/messages", new byte[0]))
                .when()
                .post("/v1/messages")
                .then()
                .statusCode(415)
                .body("type", equalTo("error"))
                .body("error.message", containsString("charset `UTF-16`, but only UTF-8 is accepted"));
        for (String utf8 : List.of("application/json; charset=utf-8", "application/json;charset=\"UTF8\"")) {
            given().auth()
                    .oauth2(key.text())
                    .contentType(utf8)
                    .body(chat)
                    .when()
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);
        }
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
