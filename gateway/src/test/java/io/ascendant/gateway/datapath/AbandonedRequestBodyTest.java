package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.dispatch.PodRegistry;
import io.ascendant.gateway.quota.QuotaEnabledProfile;
import io.ascendant.gateway.quota.QuotaService;
import io.ascendant.gateway.testsupport.DatabaseRows;
import io.ascendant.gateway.testsupport.LogCapture;
import io.ascendant.gateway.testsupport.TenantLimitRows;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A tenant client sends the head of {@code POST /v1/chat/completions} with a {@code Content-Length} and leaves before
 * its body is complete: it closes the connection before any body byte or in the middle of the body, or half-closes
 * its side ({@code shutdown(SHUT_WR)}). The request is refused before admission, so the gateway must end it and keep
 * nothing of it: the data path ends the request (logged at DEBUG as a client that left), the HTTP server's active
 * request gauge goes back to zero, no quota ticket is opened for it, no pod counts it in flight, no usage row is written
 * for it, and the key's next request is served as usual. With a key not yet cached (its first use, looked up in the
 * database off the event loop) the client leaves while its key is being checked; with a warm key while its body is
 * read.
 */
@QuarkusTest
@TestProfile(QuotaEnabledProfile.class)
class AbandonedRequestBodyTest {

    /** How the client leaves. */
    enum Cut {
        /** Closes the connection right after the head. */
        CLOSE_BEFORE_BODY,
        /** Sends half of the body, then closes the connection. */
        CLOSE_MID_BODY,
        /** Half-closes its side right after the head and waits for the gateway to close. */
        HALF_CLOSE_BEFORE_BODY,
        /** Sends half of the body, half-closes its side and waits for the gateway to close. */
        HALF_CLOSE_MID_BODY
    }

    private static final byte[] BODY = ("{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Explain prefix caching in three sentences, please.\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    MeteredEvents metered;

    @Inject
    MeterRegistry meters;

    @Inject
    QuotaService quota;

    @Inject
    PodRegistry pods;

    @Inject
    DataSource ds;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void setUp() {
        support.reset();
    }

    @ParameterizedTest(name = "{0}, warm key: {1}")
    @CsvSource({
        "CLOSE_BEFORE_BODY, false",
        "CLOSE_BEFORE_BODY, true",
        "CLOSE_MID_BODY, false",
        "CLOSE_MID_BODY, true",
        "HALF_CLOSE_BEFORE_BODY, false",
        "HALF_CLOSE_BEFORE_BODY, true",
        "HALF_CLOSE_MID_BODY, false",
        "HALF_CLOSE_MID_BODY, true"
    })
    void requestWhoseClientLeavesBeforeItsBodyEndsLeavesNothingBehind(Cut cut, boolean warm) throws Exception {
        TestKeys.Key key = keys.create(Set.of());
        TenantLimitRows.moneyBudget(ds, key.tenantId(), "DAY", new BigDecimal("100")); // admission would hold budget
        if (warm) {
            DataPathTestSupport.sayHello(key, false);
        }
        // Tickets of answered requests stay open until their budget settles in the ledger (the warm-up's among them).
        int ticketsBefore = quota.engine().openTickets();
        String clientId = "abandoned-" + cut + "-" + UUID.randomUUID();
        try (LogCapture log = LogCapture.of("io.ascendant.gateway.api.RequestFailureLog", Level.FINE)) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                + key.text() + "\r\nContent-Type: application/json\r\nx-request-id: " + clientId
                                + "\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                if (cut == Cut.CLOSE_MID_BODY || cut == Cut.HALF_CLOSE_MID_BODY) {
                    out.write(Arrays.copyOf(BODY, BODY.length / 2));
                }
                out.flush();
                DataPathTestSupport.await("the gateway read the request head", () -> activeRequests() >= 1);
                if (cut == Cut.HALF_CLOSE_BEFORE_BODY || cut == Cut.HALF_CLOSE_MID_BODY) {
                    socket.shutdownOutput();
                    assertThat(readUntilClosed(socket.getInputStream()))
                            .as("the gateway closes the half-closed connection")
                            .isTrue();
                }
            }
            DataPathTestSupport.await(
                    () -> "the data path ended request " + clientId + "; log: " + log.lines(),
                    () -> log.ofRequest(clientId).stream()
                            .anyMatch(l -> l.message().contains("Client closed the connection")));
            assertThat(log.lines()).noneMatch(l -> l.message().contains("failed unexpectedly"));
        }
        DataPathTestSupport.await(
                () -> "active requests " + activeRequests() + " back to 0", () -> activeRequests() == 0);
        assertThat(quota.engine().openTickets()).as("open quota tickets").isLessThanOrEqualTo(ticketsBefore);
        assertThat(pods.all())
                .allSatisfy(p -> assertThat(p.inFlightRequests())
                        .as("in flight on %s", p)
                        .isZero());

        // The key's next request is served and recorded; the abandoned one (same tenant, same ledger lane, earlier)
        // has no row.
        String next = DataPathTestSupport.sayHello(key, false).header("x-ascendant-request-id");
        metered.single(next);
        assertThat(DatabaseRows.count(ds, "SELECT count(*) FROM usage_ledger WHERE client_request_id = ?", clientId))
                .as("usage rows of the abandoned request")
                .isZero();
    }

    /** Reads whatever the gateway answers until it closes the connection; false when it keeps it open for 30 s. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // an answer (or none) before the close is not what this test is about
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) { // reset by the gateway: closed too
            return true;
        }
    }

    /** The HTTP server's gauge of requests whose answer has not ended. */
    private double activeRequests() {
        return meters.find("http.server.active.requests").gauges().stream()
                .mapToDouble(Gauge::value)
                .sum();
    }
}
