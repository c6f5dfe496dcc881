package io.ascendant.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.gateway.fakehost.FakeModelHost;
import io.ascendant.gateway.testsupport.ChildGatewayChats;
import io.ascendant.gateway.testsupport.GatewayProcess;
import io.ascendant.gateway.testsupport.TestDatabase;
import io.ascendant.tokenizer.chat.ChatEncoder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL to a packaged gateway (child process, {@code acknowledge=journal}) while it relays a slow stream: the
 * stream's last usage checkpoint in the journal is recorded by the next start on the same journal and database, once, as
 * FAILED_AFTER_PARTIAL_OUTPUT with the output relayed before the crash (counted by the gateway: the host reports usage
 * only at the end); a stream that completed before the kill is billed once with its full usage; the replayed
 * segments are deleted.
 */
class CrashDuringStreamIT {

    private static final String PEPPER = "it-only-pepper-crash-0123456789abcdef0123456789ab";
    private static final String MODEL = "deepseek-v4-flash";

    private static final HttpClient HTTP = ChildGatewayChats.httpClient();

    private static TestDatabase db;
    private static FakeModelHost host;
    private static Path home;
    private static Path journal;

    @BeforeAll
    static void databaseAndHost() throws Exception {
        db = TestDatabase.create("crash_it");
        home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "crash-it-");
        journal = home.resolve("journal");
        host = new FakeModelHost("crash-it").start(0);
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aStreamCutByAKillIsBilledOnceFromItsLastCheckpointAndACompletedOneOnceInFull() throws Exception {
        GatewayProcess gateway = launch("gateway-1");
        String completedId;
        String cutId;
        List<String> content = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        try {
            gateway.awaitReady(HTTP, Duration.ofSeconds(300)); // migrated the database
            String key = db.seedTenantWithKey("crash", PEPPER, MODEL, new BigDecimal("1000"), "crash IT")
                    .key();
            ChildGatewayChats.awaitChatAnswered(HTTP, gateway, host, key, MODEL);

            host.answerText = "alpha beta gamma delta"; // the host reports 4 completion tokens
            HttpResponse<String> done =
                    HTTP.send(ChildGatewayChats.chat(gateway, key, MODEL, true), HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("data: [DONE]");
            completedId = done.headers().firstValue("x-ascendant-request-id").orElseThrow();

            // 5,000 words, one per chunk, 100 ms apart: still relaying when the gateway is killed.
            host.answerText = String.join(" ", Collections.nCopies(5_000, "word"));
            host.chunkDelayMs = 100;
            HttpResponse<Stream<String>> slow =
                    HTTP.send(ChildGatewayChats.chat(gateway, key, MODEL, true), HttpResponse.BodyHandlers.ofLines());
            assertThat(slow.statusCode()).isEqualTo(200);
            cutId = slow.headers().firstValue("x-ascendant-request-id").orElseThrow();
            Thread.ofVirtual().start(() -> {
                try (Stream<String> body = slow.body()) {
                    body.forEach(line -> content.add(deltaContent(line)));
                } catch (UncheckedIOException e) {
                    // the gateway was killed: the stream breaks off
                } finally {
                    ended.countDown();
                }
            });
            String id = cutId;
            // Two checkpoints, so that the replay has a superseded one to skip.
            await("two checkpoints of " + id + " in the journal", gateway, () -> checkpointsOf(id) >= 2);
        } finally {
            gateway.kill();
        }
        assertThat(ended.await(60, TimeUnit.SECONDS))
                .as("the client's stream ended")
                .isTrue();
        long sentTokens = ChatEncoder.deepSeekV4().tokenizer().countTokens(String.join("", content));
        List<Path> leftovers = segments();
        assertThat(leftovers).as("the killed gateway's journal").isNotEmpty();

        GatewayProcess restarted = launch("gateway-2");
        try {
            restarted.awaitReady(HTTP, Duration.ofSeconds(300));
            String id = cutId;
            await(
                    "the usage row of the cut stream " + id,
                    restarted,
                    () -> db.count("SELECT count(*) FROM usage_ledger WHERE request_id = ?", id) > 0);
            await(
                    "the replayed segments deleted",
                    restarted,
                    () -> leftovers.stream().noneMatch(Files::exists));
        } finally {
            restarted.close();
        }

        assertThat(db.count("SELECT count(*) FROM usage_ledger WHERE request_id = ?", cutId))
                .isEqualTo(1);
        assertThat(db.count(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status ="
                                + " 'FAILED_AFTER_PARTIAL_OUTPUT' AND counted_by_gateway AND cache_miss_tokens > 0",
                        cutId))
                .as("the cut stream's row: partial output, counted by the gateway, its prompt")
                .isEqualTo(1);
        long billed = db.decimal("SELECT output_tokens FROM usage_ledger WHERE request_id = ?", cutId)
                .longValueExact();
        assertThat(billed)
                .as("output tokens billed; the client received %d", sentTokens)
                .isPositive()
                .isLessThanOrEqualTo(sentTokens);

        assertThat(db.count("SELECT count(*) FROM usage_ledger WHERE request_id = ?", completedId))
                .isEqualTo(1);
        assertThat(db.count(
                        "SELECT count(*) FROM usage_ledger WHERE request_id = ? AND status = 'COMPLETED'"
                                + " AND output_tokens = 4 AND NOT counted_by_gateway",
                        completedId))
                .as("the completed stream's row, as the host reported it")
                .isEqualTo(1);
    }

    /** The {@code choices[0].delta.content} of an SSE {@code data:} line, or "" for any other line. */
    private static String deltaContent(String line) {
        if (!line.startsWith("data: {")) {
            return "";
        }
        JsonArray choices;
        try {
            choices = new JsonObject(line.substring("data: ".length())).getJsonArray("choices");
        } catch (RuntimeException e) { // the line the kill cut off
            return "";
        }
        if (choices == null || choices.isEmpty()) {
            return "";
        }
        JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
        String text = delta == null ? null : delta.getString("content");
        return text == null ? "" : text;
    }

    private static int checkpointsOf(String requestId) {
        int n = 0;
        try {
            for (Path segment : segments()) {
                for (String line : Files.readAllLines(segment)) {
                    if (line.contains("\"requestId\":\"" + requestId + "\"") && line.contains("\"checkpoint\":true")) {
                        n++;
                    }
                }
            }
        } catch (IOException e) { // a segment deleted while listing: look again
            return 0;
        }
        return n;
    }

    private static List<Path> segments() throws IOException {
        if (!Files.isDirectory(journal)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }

    /** Polls {@code condition} every 100 ms for up to 60 s (a liveness wait, not a timing assertion). */
    private static void await(String what, GatewayProcess gateway, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s; gateway log:\n" + gateway.logTail());
            }
            Thread.sleep(100);
        }
    }

    private static GatewayProcess launch(String name) throws Exception {
        return GatewayProcess.startReplica(
                name,
                home,
                "crash-it",
                db,
                PEPPER,
                MODEL,
                "crash-it",
                host.baseUrl(),
                List.of("-Dgateway.metering.acknowledge=journal", "-Dgateway.metering.journal-dir=" + journal));
    }
}
