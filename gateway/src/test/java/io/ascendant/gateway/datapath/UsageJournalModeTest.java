package io.ascendant.gateway.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.ascendant.billing.ledger.RatedUsage;
import io.ascendant.billing.ledger.UsageEvent;
import io.ascendant.billing.ledger.UsageLedger;
import io.ascendant.billing.ledger.UsageStatus;
import io.ascendant.gateway.config.DataPathConfig;
import io.ascendant.gateway.metering.JournalCrashChild;
import io.ascendant.gateway.metering.UsageJournal;
import io.ascendant.gateway.metering.UsageJournalService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default acknowledgement, {@code gateway.metering.acknowledge=journal}: an answer's usage is in the gateway's
 * local journal when the client has the answer, reaches the ledger in the background, and the usage a killed gateway
 * journalled but never committed is recorded by the next start's replay, exactly once.
 */
@QuarkusTest
@TestProfile(UsageJournalModeTest.JournalProfile.class)
class UsageJournalModeTest {

    /** The journal mode in a directory of its own. */
    public static class JournalProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "gateway.metering.acknowledge",
                        "journal",
                        "gateway.metering.journal-dir",
                        Files.createTempDirectory("usage-journal-test").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    TestKeys keys;

    @Inject
    DataPathTestSupport support;

    @Inject
    UsageLedger ledger;

    @Inject
    UsageJournalService journals;

    @Inject
    DataPathConfig config;

    TestKeys.Key key;

    @BeforeEach
    void setUp() {
        support.reset();
        key = keys.create(Set.of());
    }

    private String journalText() throws IOException {
        Path dir = config.metering().journalDir().orElseThrow();
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                all.append(Files.readString(p));
            }
        }
        return all.toString();
    }

    private RatedUsage awaitLedger(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Optional<RatedUsage> row = ledger.find(requestId);
            if (row.isPresent()) {
                return row.get();
            }
            assertThat(System.nanoTime()).as("ledger row of %s", requestId).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void answeredUsageIsJournalledBeforeTheLastByteAndThenCommitted() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            Response r = DataPathTestSupport.sayHello(key, stream);
            String id = r.header("x-request-id");
            boolean inLedgerAlready = ledger.find(id).isPresent();
            assertThat(inLedgerAlready || journalText().contains("\"requestId\":\"" + id + "\""))
                    .as("usage of %s (stream %s) is journalled or committed when the client has the answer", id, stream)
                    .isTrue();
            RatedUsage u = awaitLedger(id);
            assertThat(u.event().status()).isEqualTo(UsageStatus.COMPLETED);
            assertThat(u.event().tenantId()).isEqualTo(key.tenantId());
            assertThat(u.event().completionTokens()).isEqualTo(5);
        }
    }

    @Test
    void usageJournalledByAKilledGatewayIsRecordedOnceByTheReplay() throws Exception {
        Path dir = Files.createTempDirectory("usage-journal-crash");
        String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        int n = 25;
        for (int run = 1; run <= 2; run++) { // the second run journals the same request ids again
            killAfterJournalling(dir, prefix, n);
            try (UsageJournal j = UsageJournal.open(dir, UsageJournalTestJson.MAPPER, 1 << 20, 60_000)) {
                assertThat(j.leftovers()).as("run %d", run).hasSize(1);
                journals.replay(j);
                assertThat(Files.exists(j.leftovers().getFirst()))
                        .as("a fully replayed segment is deleted")
                        .isFalse();
            }
            for (int i = 0; i < n; i++) {
                RatedUsage u = ledger.find(prefix + "-" + i).orElseThrow(() -> new AssertionError("not replayed"));
                assertThat(u.event().promptCacheMissTokens()).isEqualTo(100 + i);
                assertThat(u.event().completionTokens()).isEqualTo(10 + i);
                assertThat(u.event().tenantId()).isEqualTo(key.tenantId());
            }
            assertThat(ledger.find(prefix + "-torn"))
                    .as("the torn last line was never answered")
                    .isEmpty();
        }
    }

    @Test
    void aStreamCutByACrashIsRecordedFromItsLastCheckpointAndAFinishedStreamFromItsFinalRecord() throws Exception {
        Path dir = Files.createTempDirectory("usage-journal-checkpoints");
        String cut = "cut-" + UUID.randomUUID();
        String finished = "finished-" + UUID.randomUUID();
        try (UsageJournal j = UsageJournal.open(dir, UsageJournalTestJson.MAPPER, 1 << 20, 60_000)) {
            j.checkpoint(entry(cut, 4, UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT, true), () -> true);
            j.checkpoint(entry(finished, 3, UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT, true), () -> true);
            j.checkpoint(entry(cut, 9, UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT, true), () -> true);
            j.append(entry(finished, 12, UsageStatus.COMPLETED, false));
        } // never acknowledged nor released: the process "died"
        try (UsageJournal j = UsageJournal.open(dir, UsageJournalTestJson.MAPPER, 1 << 20, 60_000)) {
            assertThat(j.leftovers()).hasSize(1);
            journals.replay(j);
            assertThat(Files.exists(j.leftovers().getFirst()))
                    .as("a fully replayed segment is deleted")
                    .isFalse();
        }
        RatedUsage c = ledger.find(cut).orElseThrow(() -> new AssertionError("the cut stream was not recorded"));
        assertThat(c.event().completionTokens()).as("its last checkpoint").isEqualTo(9);
        assertThat(c.event().status()).isEqualTo(UsageStatus.FAILED_AFTER_PARTIAL_OUTPUT);
        assertThat(c.event().countedByGateway()).isTrue();
        RatedUsage f = ledger.find(finished).orElseThrow(() -> new AssertionError("the finished stream"));
        assertThat(f.event().completionTokens()).as("its final record").isEqualTo(12);
        assertThat(f.event().status()).isEqualTo(UsageStatus.COMPLETED);
    }

    private UsageJournal.Entry entry(String id, long completion, UsageStatus status, boolean checkpoint) {
        Instant now = Instant.now();
        return new UsageJournal.Entry(
                new UsageEvent(
                        id,
                        key.tenantId(),
                        key.projectId(),
                        key.keyId(),
                        "deepseek-v4-flash",
                        "http://127.0.0.1:1",
                        0,
                        20,
                        completion,
                        0,
                        status,
                        checkpoint,
                        now.minusMillis(50),
                        now),
                List.of(),
                checkpoint);
    }

    private void killAfterJournalling(Path dir, String prefix, int n) throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        JournalCrashChild.class.getName(),
                        dir.toString(),
                        prefix,
                        Integer.toString(n),
                        key.tenantId().toString(),
                        key.projectId().toString(),
                        key.keyId().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("JOURNALLED"));
            assertThat(line).as("the child journalled its records").isEqualTo("JOURNALLED");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed or closed
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
