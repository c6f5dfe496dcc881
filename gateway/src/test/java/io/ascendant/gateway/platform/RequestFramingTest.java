package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Request heads whose framing the gateway and a proxy in front of it could read differently (request smuggling, RFC
 * 9112) are refused in the addressed API's shape with {@code Connection: close}, and nothing sent after the head is
 * ever served: a {@code Transfer-Encoding} other than exactly {@code chunked} (501 for a coding not implemented, 400
 * when chunked is not the final coding), a missing or repeated {@code Host} (400), a version other than HTTP/1.0 or
 * HTTP/1.1 (505). Raw sockets: no HTTP client sends such requests.
 */
@QuarkusTest
class RequestFramingTest {

    /** A request smuggled in the body of the one under test: it must never be answered. */
    private static final String SMUGGLED = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n";

    /** Sends {@code request} and reads until the gateway closes the connection (failing after 30 s without a close). */
    private static String sendAndReadToTheEnd(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static RawHttp.Answer exchange(String request) {
        return RawHttp.exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A POST whose body, read as the head says (no body), is a second request. */
    private static String withTransferEncoding(String target, String codings) {
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: " + codings + "\r\n\r\n" + SMUGGLED;
    }

    /** Status lines at the start of a line: answers (an error message may quote a version, never at a line start). */
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.1 [0-9]{3} ");

    private static void assertOneAnswerThenClose(String all, int status) {
        assertThat(all).startsWith("HTTP/1.1 " + status + " ");
        assertThat(STATUS_LINE.matcher(all).results().count())
                .as("one answer, then the close: the body is not served as a request")
                .isEqualTo(1);
    }

    private static void assertOpenAi(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/json");
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.json().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(a.json().getString("error.code")).isEqualTo(code);
        assertThat(a.json().getString("error.message")).isNotBlank();
    }

    @Test
    void anUnknownTransferCodingIsA501AndItsBodyIsNeverServed() throws Exception {
        for (String codings : List.of("xchunked", "gzip, chunked", "identity", "chunked;x=1")) {
            assertOneAnswerThenClose(sendAndReadToTheEnd(withTransferEncoding("/v1/chat/completions", codings)), 501);
            RawHttp.Answer a = exchange(withTransferEncoding("/v1/chat/completions", codings));
            assertOpenAi(a, 501, "unsupported_transfer_encoding");
            assertThat(a.json().getString("error.message")).as(codings).contains("chunked");
        }
    }

    @Test
    void chunkedThatIsNotTheFinalCodingIsA400AndItsBodyIsNeverServed() throws Exception {
        for (String codings : List.of("chunked, gzip", "chunked, chunked")) {
            assertOneAnswerThenClose(sendAndReadToTheEnd(withTransferEncoding("/v1/chat/completions", codings)), 400);
            RawHttp.Answer a = exchange(withTransferEncoding("/v1/chat/completions", codings));
            // Netty's decoder refuses some of these itself (the generic malformed-headers 400): refused either way.
            assertThat(a.json().getString("error.code"))
                    .as(codings)
                    .isIn("invalid_transfer_encoding", "invalid_headers");
            assertOpenAi(a, 400, a.json().getString("error.code"));
        }
    }

    @Test
    void transferCodingRefusalsTakeTheAddressedApisShape() {
        RawHttp.Answer anthropic = exchange(withTransferEncoding("/v1/messages", "xchunked"));
        assertThat(anthropic.status()).isEqualTo(501);
        assertThat(anthropic.headers()).containsEntry("connection", "close");
        assertThat(anthropic.json().getString("type")).isEqualTo("error");
        assertThat(anthropic.json().getString("error.type")).isEqualTo("invalid_request_error");

        RawHttp.Answer admin = exchange(withTransferEncoding("/admin/api/v1/tenants", "chunked, gzip"));
        assertThat(admin.status()).isEqualTo(400);
        assertThat(admin.headers()).containsEntry("connection", "close");
        assertThat(admin.contentType()).startsWith("application/problem+json");
        assertThat(admin.json().getString("type")).isEqualTo("urn:ascendant:problem:invalid-input");
        assertThat(admin.json().getInt("status")).isEqualTo(400);

        RawHttp.Answer adminUnknown = exchange(withTransferEncoding("/admin/api/v1/tenants", "xchunked"));
        assertThat(adminUnknown.status()).isEqualTo(501);
        assertThat(adminUnknown.json().getString("type")).isEqualTo("urn:ascendant:problem:not-implemented");
        assertThat(adminUnknown.json().getInt("status")).isEqualTo(501);
    }

    @Test
    void contentLengthWithTransferEncodingIsA400SayingTheRequestMayNotCarryBoth() throws Exception {
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED;
        assertOneAnswerThenClose(sendAndReadToTheEnd(request), 400);
        RawHttp.Answer a = exchange(request);
        assertOpenAi(a, 400, "invalid_headers");
        assertThat(a.json().getString("error.message"))
                .isEqualTo("The request carries both Content-Length and Transfer-Encoding, and a request may not carry"
                        + " both (RFC 9112 section 6.3); send its body either chunked or with a Content-Length.");

        RawHttp.Answer anthropic = exchange(request.replace("/v1/chat/completions", "/v1/messages"));
        assertThat(anthropic.status()).isEqualTo(400);
        assertThat(anthropic.json().getString("type")).isEqualTo("error");
        assertThat(anthropic.json().getString("error.message")).contains("may not carry both");
    }

    @Test
    void plainChunkedIsStillServed() {
        RawHttp.Answer a = exchange("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void twoHostHeadersAreA400AndTheConnectionCloses() throws Exception {
        String request = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n" + SMUGGLED;
        assertOneAnswerThenClose(sendAndReadToTheEnd(request), 400);
        RawHttp.Answer a = exchange(request);
        assertOpenAi(a, 400, "invalid_host_header");
        assertThat(a.json().getString("error.message")).contains("2 Host headers");
    }

    @Test
    void anHttp11RequestWithoutHostIsA400InTheApisShape() throws Exception {
        String request = "GET /v1/models HTTP/1.1\r\nAccept: */*\r\n\r\n" + SMUGGLED;
        assertOneAnswerThenClose(sendAndReadToTheEnd(request), 400);
        RawHttp.Answer a = exchange(request);
        assertOpenAi(a, 400, "invalid_host_header");
        assertThat(a.json().getString("error.message")).contains("no Host header");
    }

    @Test
    void anHttp10RequestWithoutHostIsStillServed() {
        RawHttp.Answer a = exchange("GET /q/health/live HTTP/1.0\r\n\r\n");
        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void anUnsupportedVersionIsA505AndTheConnectionCloses() throws Exception {
        for (String version : List.of("HTTP/2.0", "HTTP/1.2")) {
            String request = "GET /v1/models " + version + "\r\nHost: localhost\r\n\r\n" + SMUGGLED;
            assertOneAnswerThenClose(sendAndReadToTheEnd(request), 505);
            RawHttp.Answer a = exchange(request);
            assertOpenAi(a, 505, "http_version_not_supported");
            assertThat(a.json().getString("error.message")).as(version).contains(version);
        }
    }
}
