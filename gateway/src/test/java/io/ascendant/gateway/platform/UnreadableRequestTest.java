package io.ascendant.gateway.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.ascendant.gateway.datapath.TestKeys;
import io.ascendant.gateway.testsupport.InjectKeycloak;
import io.ascendant.gateway.testsupport.KeycloakTokens;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP decoder cannot read never reach a route; they are answered in the addressed API's error shape
 * with a message naming the fault and the limit, never with Vert.x's empty 400, 414 or 431, and the connection is
 * closed after the answer. Sent over raw sockets: no HTTP client sends such requests.
 */
@QuarkusTest
class UnreadableRequestTest {

    @Inject
    TestKeys keys;

    @InjectKeycloak
    KeycloakTokens keycloak;

    @Inject
    Vertx vertx;

    /** What was logged while {@code action} ran, by any logger, at any level the loggers let through. */
    private List<ExtLogRecord> logged(Runnable action) throws Exception {
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    ext.copyAll(); // formats the message and copies the MDC now, on the logging thread
                    records.add(ext);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            action.run();
            drainEventLoops();
        } finally {
            root.removeHandler(capture);
        }
        return records;
    }

    /**
     * Waits until every Vert.x event loop has run what was queued on it, twice: the handling of a connection (its
     * failure, the route's failure handlers, the close that follows) has then ended, whatever the client saw first.
     */
    private void drainEventLoops() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (EventExecutor loop : ((VertxInternal) vertx).getEventLoopGroup()) {
                loop.submit(() -> {}).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ExtLogRecord> ofRequest(List<ExtLogRecord> records, String gatewayId) {
        return records.stream()
                .filter(r -> gatewayId.equals(r.getMdc(RequestIdFilter.GATEWAY_MDC_KEY))
                        || (r.getFormattedMessage() != null
                                && r.getFormattedMessage().contains(gatewayId)))
                .toList();
    }

    private static RawHttp.Answer send(String requestHead) {
        return RawHttp.exchange(requestHead.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void assertOpenAi(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.headers()).containsEntry("connection", "close").containsKey("x-request-id");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.code")).isEqualTo(code);
        assertThat(a.json().getMap("error")).containsKey("param");
        assertThat(a.json().getString("error.param")).isNull();
    }

    private static void assertProblem(RawHttp.Answer a, int status, String type) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.json().getString("type")).isEqualTo("urn:ascendant:problem:" + type);
        assertThat(a.json().getInt("status")).isEqualTo(status);
        assertThat(a.json().getString("title")).isNotBlank();
    }

    @Test
    void unencodedSpaceInTheUrlIsA400SayingHowToEncodeIt() {
        // The request line no longer parses, so the path cannot be trusted: OpenAI's shape whatever it named.
        for (String target : List.of("/v1/mo dels", "/admin/api/v1/ten ants", "/v1/chat/completions?q=a b")) {
            RawHttp.Answer a = send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertOpenAi(a, 400, "invalid_request_line");
            assertThat(a.json().getString("error.message"))
                    .as(target)
                    .contains("request line is malformed", "a space as %20")
                    .doesNotContain("ants", "dels");
        }
    }

    @Test
    void urlOverTheLineLimitIsA414NamingTheLimit() {
        String target = "/v1/models?after=" + "a".repeat(5000);
        RawHttp.Answer a = send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertOpenAi(a, 414, "url_too_long");
        assertThat(a.json().getString("error.message")).contains("limit of 4096 bytes", "shorten the URL");
    }

    @Test
    void headersOverTheLimitAreA431InTheShapeOfTheApiAddressed() {
        String big = "X-Padding: " + "p".repeat(21_000) + "\r\n";
        RawHttp.Answer openAi = send("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
        assertOpenAi(openAi, 431, "headers_too_large");
        assertThat(openAi.json().getString("error.message")).contains("limit of 20480 bytes");

        RawHttp.Answer anthropic = send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
        assertThat(anthropic.status()).isEqualTo(431);
        assertThat(anthropic.contentType()).startsWith("application/json");
        assertThat(anthropic.json().getString("type")).isEqualTo("error");
        assertThat(anthropic.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(anthropic.json().getString("error.message")).contains("limit of 20480 bytes");

        for (String path : List.of("/admin/api/v1/tenants", "/q/health")) {
            RawHttp.Answer a = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
            assertProblem(a, 431, "headers-too-large");
            assertThat(a.json().getString("detail")).as(path).contains("limit of 20480 bytes");
        }
    }

    @Test
    void malformedHeaderLineIsA400InTheShapeOfTheApiAddressed() {
        String bad = "Host: localhost\r\nThis line has no colon\r\n\r\n";
        RawHttp.Answer openAi = send("GET /v1/models HTTP/1.1\r\n" + bad);
        assertOpenAi(openAi, 400, "invalid_headers");
        assertThat(openAi.json().getString("error.message")).contains("headers are malformed");

        RawHttp.Answer admin = send("GET /admin/api/v1/tenants HTTP/1.1\r\n" + bad);
        assertProblem(admin, 400, "invalid-input");
        assertThat(admin.json().getString("detail")).contains("headers are malformed");
    }

    @Test
    void aBadChunkInAPipelinedRequestLeavesTheOneBeforeItItsAnswerAndItsSlot() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        // One concurrent request for this key: a slot that is never given back locks the key out. The broken framing
        // of the second request must neither take the first one's answer (it once did: Vert.x failed the whole
        // connection as soon as it read the bad chunk) nor keep its slot.
        given().auth()
                .oauth2(keycloak.accessToken(keycloak.platformAdmin()))
                .contentType("application/json")
                .body(Map.of("model", "*", "limits", Map.of("concurrentRequests", 1)))
                .when()
                .put("/admin/api/v1/tenants/" + key.tenantId() + "/keys/" + key.keyId() + "/limits")
                .then()
                .statusCode(200);
        String chat = "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + key.text() + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        String valid = head + Integer.toHexString(chat.length()) + "\r\n" + chat + "\r\n0\r\n\r\n";
        String broken = head + "zz\r\nabc\r\n0\r\n\r\n";

        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write((valid + broken).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                // The first request gets its own answer; the broken one behind it then gets the 400 and the close.
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(all).startsWith("HTTP/1.1 200").contains("\"chat.completion\"");
                assertThat(all.substring(all.indexOf("HTTP/1.1 ", 1)))
                        .startsWith("HTTP/1.1 400")
                        .contains("connection: close", "invalid_chunked_body");
            }
        }

        int status = 0;
        for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
            status = given().auth()
                    .oauth2(key.text())
                    .contentType("application/json")
                    .body(chat)
                    .when()
                    .post("/v1/chat/completions")
                    .statusCode();
            if (status != 200) {
                Thread.sleep(100); // a cancelled request gives its slot back on the event loop, just after the close
            }
        }
        assertThat(status).as("the key's one concurrency slot came back").isEqualTo(200);
    }

    @Test
    void aBadChunkOnARouteThatAnswersWithoutReadingTheBodyStillGetsAnAnswer() {
        // The route answers before the body is read (a 401 for an unknown key; GET /v1/models, which reads none); the
        // broken framing arrives in the same read. The client gets that answer (or the 400 for the framing, should
        // the framing be read first), then the close: never a closed connection without an answer.
        String chunked =
                " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "Transfer-Encoding: chunked\r\n";
        String body = "\r\nzz\r\n{}\r\n0\r\n\r\n";
        for (String request : List.of(
                "POST /v1/chat/completions" + chunked + "Authorization: Bearer sk-not-a-key\r\n" + body,
                "GET /v1/models" + chunked + "Authorization: Bearer sk-not-a-key\r\n" + body,
                "GET /v1/models" + chunked + "Authorization: Bearer "
                        + keys.create(Set.of()).text() + "\r\n" + body)) {
            RawHttp.Answer a = send(request);
            assertThat(a.contentType()).as(request).startsWith("application/json");
            if (a.status() == 400) {
                assertThat(a.json().getString("error.code")).isEqualTo("invalid_chunked_body");
            } else if (a.status() == 401) {
                assertThat(a.json().getString("error.type")).isEqualTo("authentication_error");
            } else {
                assertThat(a.status()).as(request).isEqualTo(200);
                assertThat(a.json().getString("object")).isEqualTo("list");
            }
        }
    }

    @Test
    void badChunkSizeIsA400InTheShapeOfTheApiAddressed() {
        String chunked =
                " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "Transfer-Encoding: chunked\r\n";
        String body = "\r\nzz\r\n{}\r\n0\r\n\r\n";
        RawHttp.Answer openAi = send("POST /v1/chat/completions" + chunked + "Authorization: Bearer "
                + keys.create(Set.of()).text() + "\r\n" + body);
        assertOpenAi(openAi, 400, "invalid_chunked_body");
        assertThat(openAi.json().getString("error.message")).contains("chunk");

        RawHttp.Answer admin = send("POST /admin/api/v1/tenants" + chunked + "Authorization: Bearer "
                + keycloak.accessToken(keycloak.platformAdmin()) + "\r\n" + body);
        assertProblem(admin, 400, "invalid-input");
        assertThat(admin.json().getString("detail")).contains("chunk");
    }

    @Test
    void refusalsBelowTheRouterCarryAFreshGatewayRequestIdThatOneLogLineNames() throws Exception {
        RawHttp.Answer[] answers = new RawHttp.Answer[3];
        List<ExtLogRecord> records = logged(() -> {
            answers[0] = send("GET /v1/mo dels HTTP/1.1\r\nHost: localhost\r\n\r\n");
            answers[1] = send("GET /v1/models HTTP/1.2\r\nHost: localhost\r\n\r\n");
            answers[2] = send("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nHost: other\r\n"
                    + "x-request-id: trace-refused-1\r\n\r\n");
        });
        assertThat(answers).extracting(RawHttp.Answer::status).containsExactly(400, 505, 400);
        List<String> ids = java.util.Arrays.stream(answers)
                .map(a -> a.headers().get(RequestIdFilter.GATEWAY_HEADER))
                .toList();
        assertThat(ids).allSatisfy(id -> assertThat(id).matches("req_[0-9a-f]{24}"));
        assertThat(ids).as("a fresh id per refused request").doesNotHaveDuplicates();
        // Without an id of its own the caller's correlation id is the gateway id; its own acceptable id is echoed.
        assertThat(answers[0].headers()).containsEntry("x-request-id", ids.get(0));
        assertThat(answers[1].headers()).containsEntry("x-request-id", ids.get(1));
        assertThat(answers[2].headers()).containsEntry("x-request-id", "trace-refused-1");

        for (String id : ids) {
            List<ExtLogRecord> lines = ofRequest(records, id);
            assertThat(lines).as("log lines naming " + id).hasSize(1);
            assertThat(lines.getFirst().getLevel().intValue()).isLessThanOrEqualTo(Level.INFO.intValue());
            assertThat(lines.getFirst().getThrown()).isNull();
            assertThat(lines.getFirst().getMdc(RequestIdFilter.GATEWAY_MDC_KEY)).isEqualTo(id);
        }
    }

    @Test
    void aMalformedChunkedBodyIsOneLogLineWithoutAStackTraceNotAnError() throws Exception {
        // Answered 400 when the framing was read; the admin resource's body reader then failed the route with the
        // same cause and Quarkus logged it at ERROR with the decoder's stack trace, then the close once more.
        String chunked =
                " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "Transfer-Encoding: chunked\r\n";
        String body = "\r\nzz\r\n{}\r\n0\r\n\r\n";
        String token = keycloak.accessToken(keycloak.platformAdmin());
        String chatKey = keys.create(Set.of()).text();
        RawHttp.Answer[] answers = new RawHttp.Answer[2];
        List<ExtLogRecord> records = logged(() -> {
            answers[0] =
                    send("POST /admin/api/v1/tenants" + chunked + "Authorization: Bearer " + token + "\r\n" + body);
            answers[1] =
                    send("POST /v1/chat/completions" + chunked + "Authorization: Bearer " + chatKey + "\r\n" + body);
        });
        assertThat(answers[0].json().getString("type")).isEqualTo("urn:ascendant:problem:invalid-input");
        assertThat(answers[1].json().getString("error.code")).isEqualTo("invalid_chunked_body");
        for (RawHttp.Answer a : answers) {
            assertThat(a.status()).isEqualTo(400);
            String id = a.headers().get(RequestIdFilter.GATEWAY_HEADER);
            assertThat(id).matches("req_[0-9a-f]{24}");
            List<ExtLogRecord> lines = ofRequest(records, id);
            assertThat(lines)
                    .as("no warning or error for a client's broken body")
                    .allSatisfy(r -> assertThat(r.getLevel().intValue()).isLessThan(Level.WARNING.intValue()));
            assertThat(lines)
                    .as("no stack trace")
                    .allSatisfy(r -> assertThat(r.getThrown()).isNull());
            assertThat(lines)
                    .as("one line names the refusal")
                    .filteredOn(r -> String.valueOf(r.getFormattedMessage()).contains("400 invalid_chunked_body"))
                    .hasSize(1);
        }
    }
}
