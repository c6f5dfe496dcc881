package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.testsupport.ChildGatewayChats;
import io.ascendant.gateway.testsupport.GatewayProcess;
import io.ascendant.gateway.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a packaged gateway (child process, {@code acknowledge=journal}, a 2 s {@code quarkus.shutdown.timeout})
 * while a request outlives the grace period. A stream being relayed: the client gets an error event and {@code
 * [DONE]}, and the request's usage row is committed to PostgreSQL during shutdown (not left in the local journal
 * because the datasource closed first, as it was before the ledger was flushed at shutdown). A non-streamed request
 * whose host has not answered: the client gets a 503 {@code gateway_shutting_down}, and its {@code FAILED} row is
 * committed during shutdown too (it was cut only when the host connections closed, after the ledger's last flush, and
 * reached the ledger from the journal at the next start).
 */
class ShutdownDuringStreamIT {

    private static final String PEPPER = "it-only-pepper-shutdown-0123456789abcdef0123456";
    private static final String MODEL = "deepseek-v4-flash";

    private static final HttpClient HTTP = ChildGatewayChats.httpClient();

    private static TestDatabase db;
    private static FakeModelHost host;

    @BeforeAll
    static void databaseAndSlowHost() throws Exception {
        db = TestDatabase.create("shutdown_it");
        host = new FakeModelHost("shutdown-it").start(0);
        // 5,000 words, one per chunk, 100 ms apart: the stream runs far longer than the 2 s grace period.
        host.answerText = String.join(" ", Collections.nCopies(5_000, "word"));
        host.chunkDelayMs = 100;
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void streamRunningAtShutdownEndsWithAnErrorEventAndItsUsageReachesTheLedger() throws Exception {
        Path home = newHome();
        GatewayProcess gateway = launch(home);
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        String requestId;
        try {
            gateway.awaitReady(HTTP, Duration.ofSeconds(300)); // migrated the database
            String key = db.seedTenantWithKey("shutdown", PEPPER, MODEL, new BigDecimal("1000"), "shutdown IT")
                    .key();
            ChildGatewayChats.awaitChatAnswered(HTTP, gateway, host, key, MODEL);
            HttpResponse<Stream<String>> response =
                    HTTP.send(ChildGatewayChats.chat(gateway, key, MODEL, true), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            requestId = response.headers().firstValue("x-ascendant-request-id").orElseThrow();
            Thread.ofVirtual().start(() -> {
                try (Stream<String> body = response.body()) {
                    body.forEach(line -> {
                        lines.add(line);
                        if (line.contains("\"content\":\"word")) {
                            streaming.countDown();
                        }
                    });
                } catch (UncheckedIOException e) {
                    lines.add("(connection lost: " + e.getMessage() + ")");
                } finally {
                    ended.countDown();
                }
            });
            assertThat(streaming.await(60, TimeUnit.SECONDS))
                    .as("the stream started")
                    .isTrue();
        } finally {
            gateway.close(); // SIGTERM, then waits for the process to exit
        }
        assertThat(ended.await(60, TimeUnit.SECONDS)).as("the stream ended").isTrue();
        List<String> data = lines.stream().filter(l -> l.startsWith("data:")).toList();
        assertThat(data).as("stream lines %s", tail(lines)).isNotEmpty();
        assertThat(data.getLast()).as("stream lines %s", tail(lines)).isEqualTo("data: [DONE]");
        assertThat(data.get(data.size() - 2))
                .as("stream lines %s", tail(lines))
                .contains("\"code\":\"gateway_shutting_down\"");

        assertCleanShutdownLog(home);
        assertThat(db.count(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status ="
                                + " 'FAILED_AFTER_PARTIAL_OUTPUT' AND output_tokens > 0",
                        requestId))
                .as(
                        "the usage row of request %s, written during shutdown (rows of that id: %d, FAILED: %d, with"
                                + " prompt: %d); gateway log:%n%s",
                        requestId,
                        db.count("SELECT count(*) FROM usage_ledger WHERE request_id = ?", requestId),
                        db.count(
                                "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status = 'FAILED'",
                                requestId),
                        db.count(
                                "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND cache_miss_tokens > 0",
                                requestId),
                        gateway.logTail())
                .isEqualTo(1);
    }

    @Test
    void requestWaitingForItsHostAtShutdownGetsA503AndItsFailedUsageReachesTheLedger() throws Exception {
        Path home = newHome();
        GatewayProcess gateway = launch(home);
        CompletableFuture<HttpResponse<String>> answer;
        try {
            gateway.awaitReady(HTTP, Duration.ofSeconds(300));
            String key = db.seedTenantWithKey("shutdown-unary", PEPPER, MODEL, new BigDecimal("1000"), "shutdown IT")
                    .key();
            ChildGatewayChats.awaitChatAnswered(HTTP, gateway, host, key, MODEL);
            int before = host.requestCount();
            host.script(FakeModelHost.Behaviour.HANG); // the host works on it and never answers
            answer = HTTP.sendAsync(
                    ChildGatewayChats.chat(gateway, key, MODEL, false), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (host.requestCount() == before) {
                assertThat(System.nanoTime()).as("the host got the request").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            gateway.close(); // SIGTERM, then waits for the process to exit
        }
        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        assertThat(response.body()).contains("\"code\":\"gateway_shutting_down\"");
        String requestId =
                response.headers().firstValue("x-ascendant-request-id").orElseThrow();

        assertCleanShutdownLog(home);
        assertThat(db.count(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status = 'FAILED'"
                                + " AND cache_hit_tokens + cache_miss_tokens + output_tokens = 0",
                        requestId))
                .as(
                        "the usage row of request %s, written during shutdown (rows of that id: %d, FAILED: %d, with"
                                + " prompt: %d); gateway log:%n%s",
                        requestId,
                        db.count("SELECT count(*) FROM usage_ledger WHERE request_id = ?", requestId),
                        db.count(
                                "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status = 'FAILED'",
                                requestId),
                        db.count(
                                "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND cache_miss_tokens > 0",
                                requestId),
                        gateway.logTail())
                .isEqualTo(1);
    }

    private static void assertCleanShutdownLog(Path home) throws IOException {
        assertThat(Files.readString(home.resolve("gateway.log")))
                .doesNotContain("not recorded")
                .doesNotContain("pool is closed")
                .doesNotContain("could not write last-used times");
    }

    private static Path newHome() throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "shutdown-it-");
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 6), lines.size());
    }

    private static GatewayProcess launch(Path home) throws Exception {
        return GatewayProcess.startReplica(
                "gateway",
                home,
                "shutdown-it",
                db,
                PEPPER,
                MODEL,
                "shutdown-it",
                host.baseUrl(),
                List.of("-Dquarkus.shutdown.timeout=2s", "-Dgateway.metering.acknowledge=journal"));
    }
}
