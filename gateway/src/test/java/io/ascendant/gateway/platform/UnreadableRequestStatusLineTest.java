package io.ascendant.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The answer to a request whose request line the decoder could not read still goes out as HTTP/1.1 (Netty's stand-in
 * for such a request says HTTP/1.0, and Vert.x answered with that version).
 */
@QuarkusTest
class UnreadableRequestStatusLineTest {

    private static String exchange(String request) {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void malformedRequestLineIsAnsweredWithAnHttp11StatusLine() {
        String answer = exchange("GET /v1/mo dels HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("invalid_request_line");
    }

    @Test
    void requestLineOverTheLimitIsAnsweredWithAnHttp11StatusLine() {
        String answer = exchange("GET /v1/models?after=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 414 ").contains("url_too_long");
    }

    @Test
    void headersOverTheLimitAfterAReadableRequestLineAreAnsweredAsHttp11() {
        String big = "X-Padding: " + "p".repeat(21_000) + "\r\n";
        assertThat(exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n"))
                .startsWith("HTTP/1.1 431 ");
    }
}
