package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.netty.handler.codec.http2.Http2Exception;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A request the gateway refuses before reading it (a malformed URL, a dot segment, a declared body over a limit) gets
 * its answer over HTTP/2 cleartext as over HTTP/1.1: status, content type and error body in the addressed API's shape.
 * The answer once carried {@code Connection: close}, which HTTP/2 forbids, so HTTP/2 clients dropped it as a stream
 * {@code PROTOCOL_ERROR} with no status at all; over HTTP/1.1 it still says the connection closes, and it does. Over
 * HTTP/2 a body the gateway will not read ends with the stream reset without error once the answer is out, so the
 * client stops sending it instead of waiting for flow-control credit the gateway never gives.
 */
@QuarkusTest
class Http2RefusalTest {

    private static final long ADMIN_BODY = 11L * 1024 * 1024; // over quarkus.http.limits.max-body-size (10 MiB)

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "gateway.limits.max-body-bytes")
    long chatLimit;

    /**
     * An answer, and how the request's own sending ended: {@code null} when all of it was sent, the failure
     * otherwise (over HTTP/2, a {@link StreamResetException} when the gateway reset the stream).
     */
    private record Answer(HttpVersion version, int status, MultiMap headers, String body, Throwable sending) {
        String contentType() {
            String type = headers.get("content-type");
            return type == null ? "" : type;
        }

        JsonPath json() {
            return new JsonPath(body);
        }
    }

    /**
     * Sends {@code bodyBytes} zero bytes (none if 0) over HTTP/2 with prior knowledge (no upgrade) or over HTTP/1.1,
     * on a connection of its own. Over HTTP/2 with a body, waits also for the request's sending to end.
     */
    private Answer send(HttpVersion version, HttpMethod method, String target, long bodyBytes) throws Exception {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port);
        HttpClient client = vertx.createHttpClient(options);
        try {
            RequestOptions request =
                    new RequestOptions().setMethod(method).setURI(target).putHeader("content-type", "application/json");
            if (bodyBytes > 0) {
                request.putHeader("content-length", Long.toString(bodyBytes));
            }
            CompletableFuture<Throwable> sending = new CompletableFuture<>();
            Buffer body = Buffer.buffer(new byte[(int) bodyBytes]);
            Answer answer = client.request(request)
                    .compose(r -> {
                        r.exceptionHandler(sending::complete);
                        // The body is asked for before the request is sent: a handler attached later (from this
                        // thread, after a fast answer's DATA frames were already delivered) would see an empty body.
                        Future<Answer> answered = r.response()
                                .compose(response -> response.body()
                                        .map(b -> new Answer(
                                                response.version(),
                                                response.statusCode(),
                                                response.headers(),
                                                b.toString(),
                                                null)));
                        Future<Void> sent = bodyBytes > 0 ? r.end(body) : r.end();
                        sent.onComplete(done -> sending.complete(done.cause()));
                        return answered;
                    })
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            if (version == HttpVersion.HTTP_2 && bodyBytes > 0) {
                Throwable outcome = sending.get(60, TimeUnit.SECONDS);
                return new Answer(answer.version(), answer.status(), answer.headers(), answer.body(), outcome);
            }
            return answer;
        } finally {
            client.close();
        }
    }

    /**
     * The gateway told the client to stop sending the body it will not read (RFC 9113, 8.1): the request's sending
     * ended before all of it was sent, on a reset with {@code NO_ERROR} or on the stream's closing (whichever the
     * client reports first). Without the reset, the sending would wait for flow-control credit forever.
     */
    private static void assertStreamEndedBeforeTheBodyWasSent(Answer a) {
        Throwable t = a.sending();
        assertThat(t).isNotNull();
        if (t instanceof StreamResetException reset) {
            assertThat(reset.getCode()).isZero();
        } else {
            assertThat(t).isInstanceOf(Http2Exception.StreamException.class).hasMessageContaining("Stream closed");
        }
    }

    private static void assertOpenAiError(Answer a, int status, String code) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.code")).isEqualTo(code);
        assertThat(a.json().getString("error.message")).isNotBlank();
    }

    private static void assertProblem(Answer a, int status, String type) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo(type);
        assertThat(a.json().getInt("status")).isEqualTo(status);
        assertThat(a.json().getString("detail")).isNotBlank();
    }

    @Test
    void malformedTenantUrlIsA400InvalidUrlOverHttp2() throws Exception {
        for (String target : List.of("/v1/models/%zz", "/v1/models/%2e%2e/q/health", "/v1;x/models")) {
            Answer a = send(HttpVersion.HTTP_2, HttpMethod.GET, target, 0);
            assertThat(a.version()).as(target).isEqualTo(HttpVersion.HTTP_2);
            assertOpenAiError(a, 400, "invalid_url");
            assertThat(a.headers().contains("connection")).as(target).isFalse();
        }
    }

    @Test
    void malformedAdminUrlIsA400ProblemOverHttp2() throws Exception {
        for (String target : List.of("/admin/api/v1/tenants/%2e%2e", "/admin/api/v1/tenants?x=%zz")) {
            Answer a = send(HttpVersion.HTTP_2, HttpMethod.GET, target, 0);
            assertThat(a.version()).as(target).isEqualTo(HttpVersion.HTTP_2);
            assertProblem(a, 400, "urn:ascendant:problem:invalid-input");
            assertThat(a.headers().contains("connection")).as(target).isFalse();
        }
    }

    @Test
    void chatBodyOverTheLimitIsA413OverHttp2() throws Exception {
        Answer a = send(HttpVersion.HTTP_2, HttpMethod.POST, "/v1/chat/completions", chatLimit + 1024 * 1024);
        assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
        assertOpenAiError(a, 413, "request_too_large");
        assertThat(a.json().getString("error.message")).contains(chatLimit + " bytes");
        assertThat(a.headers().contains("connection")).isFalse();
        assertStreamEndedBeforeTheBodyWasSent(a);
    }

    @Test
    void adminBodyOverTheLimitIsA413ProblemOverHttp2() throws Exception {
        Answer a = send(HttpVersion.HTTP_2, HttpMethod.POST, "/admin/api/v1/tenants", ADMIN_BODY);
        assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
        assertProblem(a, 413, "urn:ascendant:problem:payload-too-large");
        assertThat(a.json().getString("detail")).contains("10485760 bytes");
        assertThat(a.headers().contains("connection")).isFalse();
        assertStreamEndedBeforeTheBodyWasSent(a);
    }

    /**
     * Sends {@code method target} over HTTP/1.1 on a raw socket, with {@code bodyBytes} zero bytes (none if 0) sent in
     * full, and reads until the gateway closes the connection. Nothing in the request asks for the close. A raw
     * socket, not Vert.x's client: the answer and the close are read as they arrive (the client, asked for the body in
     * a later step, sometimes found it gone once the connection had closed right behind the answer).
     */
    private static RawHttp.Answer http11(String method, String target, long bodyBytes) {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n");
        if (bodyBytes > 0) {
            head.append("Content-Length: ").append(bodyBytes).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(Arrays.copyOf(headBytes, headBytes.length + (int) bodyBytes));
    }

    private static void assertOpenAiError(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.code")).isEqualTo(code);
        assertThat(a.json().getString("error.message")).isNotBlank();
    }

    private static void assertProblem(RawHttp.Answer a, int status, String type) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().getString("type")).isEqualTo(type);
        assertThat(a.json().getInt("status")).isEqualTo(status);
        assertThat(a.json().getString("detail")).isNotBlank();
    }

    @Test
    void overHttp11TheSameRefusalsStillCloseTheConnection() {
        RawHttp.Answer tenantUrl = http11("GET", "/v1/models/%zz", 0);
        assertOpenAiError(tenantUrl, 400, "invalid_url");
        assertThat(tenantUrl.headers()).containsEntry("connection", "close");

        RawHttp.Answer adminUrl = http11("GET", "/admin/api/v1/tenants?x=%zz", 0);
        assertProblem(adminUrl, 400, "urn:ascendant:problem:invalid-input");
        assertThat(adminUrl.headers()).containsEntry("connection", "close");

        RawHttp.Answer chat = http11("POST", "/v1/chat/completions", chatLimit + 1024 * 1024);
        assertOpenAiError(chat, 413, "request_too_large");
        assertThat(chat.headers()).containsEntry("connection", "close");

        RawHttp.Answer admin = http11("POST", "/admin/api/v1/tenants", ADMIN_BODY);
        assertProblem(admin, 413, "urn:ascendant:problem:payload-too-large");
        assertThat(admin.headers()).containsEntry("connection", "close");
    }
}
