package io.ascendant.gateway.datapath;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.testsupport.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that closes its connection before its request body arrived is normal: the data path logs it at DEBUG with
 * the request's ids in the MDC, never as a WARN "failed unexpectedly" (which it was, with empty {@code [req= gw=]}).
 */
@QuarkusTest
class ClientDisconnectLogTest {

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @Test
    void clientClosingBeforeItsBodyIsLoggedAtDebugWithTheRequestId() throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        // The key's first use looks it up in the database; warm it so the gateway reads the body below before the
        // client leaves.
        given().auth().oauth2(key.text()).when().get("/v1/models").then().statusCode(200);
        String clientId = "disconnect-" + UUID.randomUUID();
        List<LogCapture.Line> lines;
        try (LogCapture log = LogCapture.of("io.ascendant.gateway.api.RequestFailureLog", Level.FINE)) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer "
                                + key.text() + "\r\nx-request-id: " + clientId
                                + "\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"model\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(1_000); // let the gateway start reading the body
            } // closes the connection with 490 bytes of the body missing
            DataPathTestSupport.await(
                    () -> "a log line of request " + clientId + " in " + log.lines(),
                    () -> !log.ofRequest(clientId).isEmpty());
            lines = List.copyOf(log.lines());
        }
        List<LogCapture.Line> ofRequest =
                lines.stream().filter(l -> clientId.equals(l.requestId())).toList();
        assertThat(ofRequest)
                .allSatisfy(l -> assertThat(l.level().intValue()).isLessThan(Level.INFO.intValue()))
                .anySatisfy(l -> {
                    assertThat(l.message()).contains("Client closed the connection");
                    assertThat(l.gatewayId()).asString().startsWith("req_");
                });
        assertThat(lines).noneMatch(l -> l.message().contains("failed unexpectedly"));
    }
}
