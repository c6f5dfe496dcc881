package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.datapath.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * An answer that says {@code Connection: close} (a refusal given before the body is read) is followed by the close:
 * the client reads the whole answer and then the end of the stream, and a request it pipelined behind the refused
 * one is never served. The requests are sent over raw sockets and, as HTTP/1.1 allows, without asking for the close
 * themselves: only the gateway's answer says it.
 */
@QuarkusTest
class ConnectionCloseTest {

    private static final String PIPELINED_GET = "GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @ConfigProperty(name = "gateway.limits.max-body-bytes")
    long chatLimit;

    /** A request with a declared body of {@code length} bytes, sent in full, then {@link #PIPELINED_GET}. */
    private static byte[] withBodyThenPipelinedGet(String method, String target, long length) {
        String head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[(int) length]);
        out.writeBytes(PIPELINED_GET.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** The answer is followed by the end of the stream (RawHttp reads until it), and by no second answer. */
    private static void assertOnlyAnswerThenClosed(RawHttp.Answer a, int status) {
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.headers()).containsEntry("connection", "close");
        assertThat(a.body()).doesNotContain("HTTP/1.1");
        assertThat(a.body())
                .as("exactly the declared body")
                .hasSize(Integer.parseInt(a.headers().get("content-length")));
    }

    @Test
    void closesAfterA413ForADeclaredChatBodyOverTheLimit() {
        RawHttp.Answer a = RawHttp.exchange(withBodyThenPipelinedGet("POST", "/v1/chat/completions", chatLimit + 1));
        assertOnlyAnswerThenClosed(a, 413);
        assertThat(a.json().getString("error.code")).isEqualTo("request_too_large");
    }

    @Test
    void closesAfterA413ProblemForADeclaredAdminBodyOverTheLimit() {
        RawHttp.Answer a =
                RawHttp.exchange(withBodyThenPipelinedGet("POST", "/admin/api/v1/tenants", 10L * 1024 * 1024 + 1));
        assertOnlyAnswerThenClosed(a, 413);
        assertThat(a.json().getString("type")).isEqualTo("urn:ascendant:problem:payload-too-large");
    }

    @Test
    void closesAfterA400ForAMalformedUrlWithABody() {
        RawHttp.Answer a = RawHttp.exchange(withBodyThenPipelinedGet("POST", "/v1/chat/completions?x=%zz", 64));
        assertOnlyAnswerThenClosed(a, 400);
        assertThat(a.json().getString("error.code")).isEqualTo("invalid_url");
    }

    @Test
    void keepsTheConnectionOfAnAnswerThatDoesNotSayClose() throws Exception {
        // The guard closes only what the answer announced: two pipelined GETs get two answers.
        String get = "GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String last = "GET /q/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write((get + last).getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200", -1)).hasSize(3);
        }
    }
}
